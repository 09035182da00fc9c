// The Insights view in Chromium: what it shows of a workflow's history, what its clicks ask of the host, in the
// three themes at the width of a panel beside the editor. Screenshots go to test-results/webview/.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { InsightsHostMessage } from '../../src/webview/insights/protocol';
import { audit, describeFindings } from './axe';
import { chromiumSuite, openPanel } from './harness';
import { insightsOf } from './insightsFixture';
import type { ThemeName } from './themes';

const root = join(__dirname, '..', '..');
const shots = join(root, 'test-results', 'webview');

const send = (page: Page, m: InsightsHostMessage) => page.evaluate((msg) => window.postMessage(msg, '*'), m);
const postedOfType = (page: Page, type: string) => page.evaluate((t) => (window.__posted as unknown as { type: string }[]).filter((m) => m.type === t), type);

describe('Insights view (Chromium)', function () {
  this.timeout(60_000);
  const chromium = chromiumSuite(root);

  for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
    it(`shows runs over time, the nodes, the flaky ones and the bottlenecks (${theme}, a panel beside the editor)`, async () => {
      const page = await openPanel(chromium.browser(), chromium.harness(), theme, { width: 520, height: 900 }, '/insights');
      await send(page, { type: 'report', workflowName: 'CI', range: 100, insights: insightsOf(60, 100) });
      await page.locator('.runs-chart canvas').first().waitFor();
      assert.match(await page.locator('[data-testid="based-on"]').innerText(), /Based on 60 of 60 runs, of 2 versions of the file/);
      assert.equal(await page.locator('[data-testid="nodes-table"] tbody tr').count(), 6);
      // A node whose kept result was reused in four runs of five: the column is there, and its time is of the fifth.
      const checkout = await page.locator('[data-testid="nodes-table"] tbody tr[data-node="checkout"] td').allInnerTexts();
      const headers = await page.locator('[data-testid="nodes-table"] thead th').allInnerTexts();
      assert.equal(checkout[headers.findIndex((h) => h.startsWith('Reused'))], '80%');
      assert.match(checkout[headers.findIndex((h) => h.startsWith('p50'))], /^[34]\d\d ms$/);
      assert.match(await page.locator('[data-testid="flaky"] li[data-node="unit"]').innerText(), /passed on a retry in \d+ runs/);
      assert.match(await page.locator('[data-testid="bottlenecks"] tbody tr').first().innerText(), /e2e/);
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
      const findings = await audit(page);
      assert.deepEqual(findings, [], describeFindings(findings));
      await page.screenshot({ path: join(shots, `insights-${theme}.png`), fullPage: true });
      await page.close();
    });
  }

  it('asks the host to open a run, show a node, change the range and compare two runs', async () => {
    const page = await openPanel(chromium.browser(), chromium.harness(), 'light', { width: 900, height: 900 }, '/insights');
    const insights = insightsOf(30, 20);
    await send(page, { type: 'report', workflowName: 'CI', range: 20, insights });
    await page.locator('[data-testid="flaky"] .run-link').first().click();
    assert.equal((await postedOfType(page, 'openRun')).length, 1);
    await page.locator('[data-testid="nodes-table"] tbody tr[data-node="lint"] button').click();
    assert.deepEqual(await postedOfType(page, 'revealNode'), [{ type: 'revealNode', node: 'lint' }]);
    // Sorting by a column, then the other way.
    const firstNode = () => page.locator('[data-testid="nodes-table"] tbody tr').first().getAttribute('data-node');
    assert.equal(await firstNode(), 'e2e');
    await page.getByRole('button', { name: 'p95 ▾' }).click();
    assert.equal(await firstNode(), 'ship');
    await page.getByRole('button', { name: 'All' }).click();
    assert.deepEqual(await postedOfType(page, 'setRange'), [{ type: 'setRange', range: null }]);
    await page.getByRole('button', { name: 'Compare' }).click();
    const [ask] = (await postedOfType(page, 'compare')) as unknown as { runA: string; runB: string }[];
    const runs = insights.report.runs;
    assert.deepEqual([ask.runA, ask.runB], [runs.at(-2)!.runId, runs.at(-1)!.runId]);
    await send(page, {
      type: 'compared',
      runA: ask.runA,
      runB: ask.runB,
      rows: [
        {
          node: 'e2e',
          a: { status: 'completed', durationMs: 5000 },
          b: { status: 'failed', durationMs: 6500 },
          deltaMs: 1500,
          newFailure: true,
          changedOutputs: ['url'],
        },
      ],
    });
    assert.match(await page.locator('[data-testid="compare-table"] tbody tr').innerText(), /e2e.*\+1\.50 s.*fails now; outputs changed: url/s);
    await page.close();
  });

  it('beside the editor, a table wider than the panel scrolls sideways under its node column', async () => {
    const page = await openPanel(chromium.browser(), chromium.harness(), 'dark', { width: 420, height: 900 }, '/insights');
    await send(page, { type: 'report', workflowName: 'CI', range: 100, insights: insightsOf(60, 100) });
    const table = page.locator('[data-testid="nodes-table"]');
    await table.locator('tbody tr').first().waitFor();
    assert.ok(await table.evaluate((t) => t.scrollWidth > t.clientWidth), 'wider than the panel');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page itself does not scroll sideways');
    const nodeCell = table.locator('tbody tr td').first();
    const before = (await nodeCell.boundingBox())!;
    await table.evaluate((t) => (t.scrollLeft = t.scrollWidth));
    const after = (await nodeCell.boundingBox())!;
    assert.ok(await table.evaluate((t) => t.scrollLeft > 0), 'scrolled');
    assert.equal(after.x, before.x, 'the node column stays where it was');
    const sparkline = table.locator('tbody tr').first().locator('td').last();
    const box = (await sparkline.boundingBox())!;
    assert.ok(box.x + box.width <= 420, 'the last column came into view');
    await page.close();
  });

  it('says so when there are no runs yet', async () => {
    const page = await openPanel(chromium.browser(), chromium.harness(), 'dark', { width: 520, height: 600 }, '/insights');
    await send(page, { type: 'report', workflowName: 'CI', range: 100, insights: insightsOf(0, 100) });
    await page.getByText('No ended runs yet').waitFor();
    await page.close();
  });
});
