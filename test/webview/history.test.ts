// The DAG panel's history in Chromium: cards coloured by a figure of the last runs, with a legend; the Gantt tab's
// forecast of the workflow as it is, with what the edit changes. The stand-in host answers as the extension does.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { forecast } from '../../src/engine/insights/forecast';
import { validateWorkflow } from '../../src/engine/validation/validate';
import type { HostMessage, WebviewMessage } from '../../src/webview/protocol';
import { exampleText, graphOf, root } from './fixtures';
import { chromiumSuite, openPanel, posted, send } from './harness';

const shots = join(root, 'test-results', 'webview');
const WORKFLOW = { uri: 'file:///work/sdlc-parallel.workflow.yaml', name: 'SDLC parallel' };

type Request = Extract<WebviewMessage, { requestId: number }>;

/** Answers the history requests with fixed figures: backend is the slow one, testing fails now and then. */
function answer(page: Page, spec: ReturnType<typeof validateWorkflow>['workflow']): () => void {
  let stopped = false;
  let seen = 0;
  const p50 = new Map([
    ['requirements', 800],
    ['design', 400],
    ['backend', 1500],
    ['frontend', 1200],
    ['testing', 300],
    ['deployment', 200],
  ]);
  const loop = async () => {
    while (!stopped) {
      const all = ((await posted(page).catch(() => [])) as Request[]).filter((m) => 'requestId' in m);
      for (const r of all.slice(seen)) {
        if (r.type === 'nodeMetrics')
          await send(page, {
            type: 'reply',
            requestId: r.requestId,
            ok: true,
            result: {
              basedOn: 12,
              nodes: Object.fromEntries(
                [...p50].map(([n, ms]) => [n, { p95Ms: ms * 1.2, failureRate: n === 'testing' ? 0.25 : 0, criticalShare: n === 'backend' ? 1 : 0.2 }]),
              ),
            },
          });
        if (r.type === 'forecast') await send(page, { type: 'reply', requestId: r.requestId, ok: true, result: { forecast: forecast(spec, p50, 12) } });
      }
      seen = all.length;
      await new Promise((res) => setTimeout(res, 30));
    }
  };
  void loop();
  return () => (stopped = true);
}

describe('DAG panel history in Chromium', function () {
  this.timeout(60_000);
  const text = exampleText('sdlc-parallel.workflow.yaml');
  const init: HostMessage = { type: 'init', workflow: WORKFLOW, graph: graphOf(text), runs: [], trusted: true };
  const chromium = chromiumSuite(root);

  it('colours the cards by p95 with a legend, and by failure rate', async () => {
    const page = await openPanel(chromium.browser(), chromium.harness(), 'dark', { width: 520, height: 800 });
    const stop = answer(page, validateWorkflow(text).workflow);
    try {
      await send(page, init);
      await page.waitForSelector('.card');
      await page.locator('[data-testid="colour-by"]').selectOption('p95');
      await page.locator('[data-testid="colour-legend"]').waitFor();
      assert.equal(await page.locator('.card[data-node="backend"]').getAttribute('data-heat'), '1.00');
      assert.equal(await page.locator('.card[data-node="design"]').getAttribute('data-heat'), '0.27');
      assert.match(await page.locator('[data-testid="colour-legend"]').innerText(), /p95 duration[^]*12 runs/);
      await page.screenshot({ path: join(shots, 'history-coloured-p95-dark.png') });
      await page.locator('[data-testid="colour-by"]').selectOption('failureRate');
      await page.waitForFunction(() => document.querySelector('.card[data-node="testing"]')?.getAttribute('data-heat') === '0.25');
      assert.equal(await page.locator('.card[data-node="backend"]').getAttribute('data-heat'), '0.00');
    } finally {
      stop();
      await page.close();
    }
  });

  it("forecasts the workflow's timeline in the Gantt tab, new nodes marked unknown", async () => {
    const edited = text.replace('nodes:\n', 'nodes:\n  lint:\n    run: echo lint\n');
    const page = await openPanel(chromium.browser(), chromium.harness(), 'light', { width: 520, height: 800 });
    const stop = answer(page, validateWorkflow(edited).workflow);
    try {
      await send(page, { ...init, graph: graphOf(edited) });
      await page.waitForSelector('.card');
      await page.getByRole('tab', { name: 'Gantt' }).click();
      await page.locator('[data-testid="forecast-toggle"]').check();
      const summary = await page.locator('[data-testid="forecast-summary"]').innerText();
      assert.match(summary, /Forecast .* critical path requirements → design → backend → testing/);
      assert.match(summary, /1 new node not timed yet/);
      assert.equal(await page.locator('.forecast .gantt-row[data-node="lint"]').getAttribute('data-unknown'), 'true');
      await page.screenshot({ path: join(shots, 'history-forecast-light.png') });
    } finally {
      stop();
      await page.close();
    }
  });
});
