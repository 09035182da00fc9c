// The DAG panel in real Chromium: the built bundle on the host's own page (CSP included), fed graphs from the
// validator and event streams recorded from real runs of the engine. Screenshots go to test-results/webview/.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/engine/protocol';
import type { WebviewMessage } from '../../src/webview/protocol';
import { graphOf } from './fixtures';
import { send } from './harness';
import {
  failingText,
  init,
  panelSuite,
  recorded,
  reply,
  requests,
  runItem,
  sdlcText,
  shots,
  snapshot,
  statusOf,
  waitForStatus,
  withoutLogs,
  WORKFLOW,
} from './panelSetup';

describe('DAG panel in Chromium', function () {
  this.timeout(60_000);
  const { open } = panelSuite();
  let completed: EngineEvent[];
  let failed: EngineEvent[];
  before(() => {
    completed = recorded.completed;
    failed = recorded.failed;
  });

  it('says it is ready, then draws the graph top to bottom with phase colours and a legend', async () => {
    const page = await open();
    const ready = (await requests(page, 'ready'))[0] as Extract<WebviewMessage, { type: 'ready' }>;
    assert.equal(ready.runId, null);
    await send(page, init(graphOf(sdlcText)));
    await page.waitForSelector('.card[data-node="deployment"]');
    const y = async (id: string) => (await page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox())!.y;
    assert.ok((await y('requirements')) < (await y('design')));
    assert.ok((await y('design')) < (await y('backend')));
    assert.equal(await y('backend'), await y('frontend'));
    assert.ok((await y('frontend')) < (await y('testing')));
    assert.ok((await y('testing')) < (await y('deployment')));
    assert.deepEqual(await page.locator('.legend li').allTextContents(), ['requirements', 'design', 'implementation', 'testing', 'deployment']);
    assert.equal(await page.locator('.react-flow__edge').count(), 6);
    assert.equal(await statusOf(page, 'requirements'), 'none');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`shows a run live in the ${theme} theme: running, then completed`, async () => {
      const page = await open(theme);
      await send(page, init(graphOf(sdlcText), [runItem(completed, 'running', true)]));
      await page.waitForSelector('.card');
      // The state when the frontend has started and the backend has reported progress.
      const cut = completed.findIndex((e) => e.type === 'node:progress' && e.nodeId === 'backend' && e.progress >= 40);
      await send(page, snapshot(completed.slice(0, cut + 1)));
      await waitForStatus(page, 'backend', 'running');
      assert.equal(await statusOf(page, 'frontend'), 'running');
      assert.equal(await statusOf(page, 'design'), 'completed');
      assert.equal(await statusOf(page, 'testing'), 'pending');
      const progress = await page.getAttribute('.card[data-node="backend"] [role="progressbar"]', 'aria-valuenow');
      assert.ok(Number(progress) >= 40, `backend progress ${progress}`);
      assert.equal(await page.getAttribute('[data-edge="design->backend"]', 'data-state'), 'active');
      assert.equal(await page.getAttribute('[data-edge="requirements->design"]', 'data-state'), 'done');
      assert.equal(await page.getAttribute('[data-testid="run-header"]', 'data-status'), 'running');
      await page.click('.card[data-node="backend"]');
      await page.waitForSelector('[data-testid="details"]');
      await page.screenshot({ path: join(shots, `sdlc-running-${theme}.png`) });

      // The rest arrives live, in small batches as the host sends them.
      for (let i = cut + 1; i < completed.length; i += 3) await send(page, { type: 'runEvents', runId: completed[0].runId, events: completed.slice(i, i + 3) });
      await page.waitForSelector('[data-testid="run-header"][data-status="completed"]');
      for (const node of ['requirements', 'design', 'backend', 'frontend', 'testing', 'deployment']) assert.equal(await statusOf(page, node), 'completed');
      assert.equal(await page.locator('.card[data-node="backend"] [role="progressbar"]').count(), 0, 'no progress bar once done');
      assert.match(await page.locator('.timeline-filters').innerText(), new RegExp(`${withoutLogs(completed).length} events`));
      await page.screenshot({ path: join(shots, `sdlc-completed-${theme}.png`) });
    });

    it(`shows a failed run in the ${theme} theme: the card, the marked edge, the error in the details`, async () => {
      const page = await open(theme);
      await send(page, init(graphOf(failingText), [runItem(failed, 'failed', true)]), snapshot(failed));
      await waitForStatus(page, 'testing', 'failed');
      assert.equal(await statusOf(page, 'deployment'), 'skipped');
      assert.equal(await page.getAttribute('[data-edge="testing->deployment"]', 'data-state'), 'failed');
      await page.click('.card[data-node="testing"]');
      const error = await page.locator('[data-testid="details-error"]').innerText();
      assert.match(error, /exit 3|exited with 3|code 3/);
      assert.ok(await page.locator('[data-testid="retry-node"]').isVisible());
      await page.screenshot({ path: join(shots, `sdlc-failed-${theme}.png`) });
    });
  }

  it('keeps high-contrast borders and draws without CSP violations', async () => {
    const page = await open('high-contrast');
    await send(page, init(graphOf(sdlcText)), snapshot(completed));
    await waitForStatus(page, 'deployment', 'completed');
    const width = await page.locator('.card[data-node="design"]').evaluate((el) => getComputedStyle(el).borderTopWidth);
    assert.equal(width, '2px');
    await page.screenshot({ path: join(shots, 'sdlc-completed-high-contrast.png') });
  });

  it('fits a narrow panel beside the editor: icon buttons named by their labels, the graph refitted', async () => {
    const page = await open('dark', { width: 560, height: 640 });
    await send(page, init(graphOf(sdlcText), [runItem(completed, 'running', true)]));
    await page.waitForSelector('.card');
    const cut = completed.findIndex((e) => e.type === 'node:progress' && e.nodeId === 'backend' && e.progress >= 40);
    await send(page, snapshot(completed.slice(0, cut + 1)));
    await waitForStatus(page, 'backend', 'running');
    assert.equal(await page.locator('[data-testid="run"]').getAttribute('aria-label'), 'Run');
    assert.equal((await page.locator('[data-testid="run"]').innerText()).trim(), '');
    const toolbar = (await page.locator('.toolbar').boundingBox())!;
    assert.ok(toolbar.height < 80, `the toolbar takes ${toolbar.height}px`);
    // Refitted after a resize (the user has not moved the view): too tall to fit whole at a readable zoom here, the
    // graph fills the pane's width from its top, its cards readable. Only the cards in view are drawn, so the check
    // is on those: within the pane's width, the first at its top, none smaller than the readable zoom makes them.
    await page.setViewportSize({ width: 480, height: 600 });
    await page.waitForFunction(() => {
      const pane = document.querySelector('.react-flow')!.getBoundingClientRect();
      const cards = [...document.querySelectorAll('.react-flow__node')].map((n) => n.getBoundingClientRect());
      const top = document.querySelector('.react-flow__node[data-id="requirements"]')?.getBoundingClientRect();
      return (
        !!top &&
        top.top >= pane.top &&
        top.top <= pane.top + 40 &&
        cards.every((r) => r.left >= pane.left - 1 && r.right <= pane.right + 1 && r.width >= 0.6 * 240 - 1)
      );
    });
    await page.screenshot({ path: join(shots, 'narrow-dark.png') });
  });

  it("opens a short panel with the timeline folded, for the details and the graph; the user's choice then stands", async () => {
    const page = await open('light', { width: 500, height: 520 });
    await send(page, init(graphOf(sdlcText)));
    await page.click('.card[data-node="design"]');
    await page.locator('.analysis.closed').waitFor();
    // The room goes to the details (their full height) with the graph at its own minimum, not to an empty timeline.
    const details = (await page.locator('.details-dock').boundingBox())!;
    const graph = (await page.locator('.react-flow').boundingBox())!;
    assert.ok(details.height >= 240 && graph.height >= 118, `the details have ${details.height}px, the graph ${graph.height}px`);
    // The graph's smaller pane is moved to the node the details are about.
    await page.waitForFunction(() => {
      const pane = document.querySelector('.react-flow')!.getBoundingClientRect();
      const card = document.querySelector('.react-flow__node[data-id="design"]')?.getBoundingClientRect();
      return !!card && card.top >= pane.top && card.bottom <= pane.bottom && card.left >= pane.left && card.right <= pane.right;
    });
    await page.screenshot({ path: join(shots, 'short-panel-520.png') });
    await page.getByTestId('toggle-bottom').click();
    await page.locator('.analysis:not(.closed)').waitFor();
    assert.equal(await page.evaluate(() => (window.__state as { bottomOpen?: boolean }).bottomOpen), true, 'saved for a reload');
    // Taller, it opens with the timeline shown.
    const tall = await open('light', { width: 500, height: 700 });
    await send(tall, init(graphOf(sdlcText)));
    await tall.locator('.analysis:not(.closed)').waitFor();
  });

  it('details: outputs, quality against its gate, artifacts that open, the log tail', async () => {
    const page = await open();
    await send(page, init(graphOf(sdlcText), [runItem(completed, 'completed')]), snapshot(completed));
    await waitForStatus(page, 'requirements', 'completed');
    await page.click('.card[data-node="requirements"]');
    // The details ask the host for the node's last log lines.
    const tail = (await reply(page, 'logTail', undefined, { lines: [{ stream: 'stdout', text: 'Gathering requirements', ts: 1 }] })) as Extract<
      WebviewMessage,
      { type: 'logTail' }
    >;
    assert.deepEqual([tail.runId, tail.nodeId], [completed[0].runId, 'requirements']);
    const details = page.locator('[data-testid="details"]');
    await details.locator('.outputs dt', { hasText: 'stories' }).waitFor();
    assert.match(await details.innerText(), /0\.92 \(gate 0\.8, met\)/);
    assert.match(await page.locator('[data-testid="log-tail"]').innerText(), /Gathering requirements/);
    const reveal = (await requests(page, 'reveal')).at(-1) as Extract<WebviewMessage, { type: 'reveal' }>;
    assert.equal(reveal.nodeId, 'requirements', 'a click shows the definition in the editor');
    await page.click('.card[data-node="design"]');
    await details.getByRole('button', { name: 'out/design.md' }).click();
    const artifact = (await reply(page, 'openArtifact')) as Extract<WebviewMessage, { type: 'openArtifact' }>;
    assert.deepEqual([artifact.nodeId, artifact.path, artifact.runId], ['design', 'out/design.md', completed[0].runId]);
  });

  it('marks a node whose kept result was reused, on its card and in its details, beside the editor', async () => {
    const page = await open('dark', { width: 500, height: 720 });
    const keptAt = Date.UTC(2026, 10, 28, 9, 30);
    const reused = completed.map((e) =>
      e.type === 'node:completed' && (e.nodeId === 'requirements' || e.nodeId === 'design')
        ? { ...e, cached: { runId: '20261128-093000-beef', at: keptAt, ...(e.nodeId === 'requirements' ? { restored: ['docs/requirements.md'] } : {}) } }
        : e,
    );
    await send(page, init(graphOf(sdlcText), [runItem(reused, 'completed')]), snapshot(reused));
    await waitForStatus(page, 'requirements', 'completed');
    const card = page.locator('.card[data-node="requirements"]');
    assert.equal((await card.locator('.card-reused').innerText()).trim(), 'reused');
    assert.equal(await card.locator('.card-duration').count(), 0, 'the time of a lookup is not the node’s');
    assert.equal(await page.locator('.card[data-node="backend"] .card-reused').count(), 0);
    await card.click();
    const fact = page.locator('[data-testid="details-reused"]');
    assert.match(await fact.innerText(), /not run: the result of run 20261128-093000-beef \(kept .*Nov.*28.*\) reused, docs\/requirements\.md put back/);
    await page.screenshot({ path: join(shots, 'reused.png') });
  });

  it('double-click opens the live log; Enter and arrows work from the keyboard', async () => {
    const page = await open();
    await send(page, init(graphOf(sdlcText), [runItem(completed, 'completed')]), snapshot(completed));
    await waitForStatus(page, 'testing', 'completed');
    // The first click opens the details beside the graph, which narrows it: the second must land where the card
    // is then, so the card is selected (and the graph settled) before the double click.
    await page.click('.card[data-node="testing"]');
    await page.waitForSelector('[data-testid="details"]');
    await page.dblclick('.card[data-node="testing"]');
    const log = (await reply(page, 'openLog')) as Extract<WebviewMessage, { type: 'openLog' }>;
    assert.equal(log.nodeId, 'testing');
    await page.focus('.canvas');
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('.card.selected[data-node="requirements"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('.card.selected[data-node="backend"]');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('.card.selected[data-node="frontend"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'reveal' && m.nodeId === 'frontend'));
    const described = (await page.getAttribute('.canvas', 'aria-describedby'))!;
    assert.match((await page.locator(`#${described}`).textContent())!, /Arrow keys move between nodes/);
    assert.match((await page.getAttribute('.card[data-node="frontend"]', 'aria-label'))!, /Frontend.*completed/);
  });

  it("shows a followed run's log lines once where the host's tail and the live lines meet", async () => {
    const page = await open();
    const runId = completed[0].runId;
    await send(page, init(graphOf(sdlcText), [runItem(completed, 'completed')]), snapshot(completed));
    await waitForStatus(page, 'requirements', 'completed');
    await page.click('.card[data-node="requirements"]');
    const line = (text: string) => ({ stream: 'stdout' as const, text, ts: 1 });
    // The tail holds two lines the host has sent live, still on their way to the panel: it says so.
    await reply(page, 'logTail', undefined, { lines: [line('first'), line('second')], liveThrough: 2 });
    const tail = page.locator('[data-testid="log-tail"]');
    await tail.filter({ hasText: 'second' }).waitFor();
    const log = (...texts: string[]): EngineEvent => ({
      type: 'node:log',
      runId,
      seq: completed.at(-1)!.seq,
      ts: 1,
      nodeId: 'requirements',
      lines: texts.map(line),
    });
    await send(page, { type: 'runEvents', runId, events: [log('first', 'second', 'third')] }, { type: 'runEvents', runId, events: [log('fourth')] });
    await tail.filter({ hasText: 'fourth' }).waitFor();
    assert.deepEqual((await tail.innerText()).split('\n').filter(Boolean), ['first', 'second', 'third', 'fourth']);
  });

  it('follows the editor: the node under the cursor is selected and its details show', async () => {
    const page = await open();
    await send(page, init(graphOf(sdlcText)));
    await page.waitForSelector('.card');
    await send(page, { type: 'select', nodeId: 'testing' });
    await page.waitForSelector('.card.selected[data-node="testing"]');
    assert.match(await page.locator('[data-testid="details"] h2').innerText(), /Testing/);
    await send(page, { type: 'select', nodeId: null });
    await page.waitForSelector('[data-testid="details"]', { state: 'detached' });
  });

  it('keeps the last good graph when the text stops parsing, and names the error', async () => {
    const page = await open();
    await send(page, init(graphOf(sdlcText)));
    await page.waitForSelector('.card[data-node="deployment"]');
    await send(page, {
      type: 'graph',
      graph: { name: 'broken', nodes: [] },
      graphError: { message: 'YAML syntax error: tabs are not allowed as indentation', line: 42, column: 1 },
    });
    await page.waitForSelector('[data-testid="parse-error"]');
    assert.match(await page.locator('[data-testid="parse-error"]').innerText(), /Line 42, column 1: YAML syntax error: tabs/);
    assert.equal(await page.locator('.card').count(), 6);
    await page.screenshot({ path: join(shots, 'parse-error.png') });
    // Fixed, with a new node: the banner goes, the new card appears, the others keep their places in their layers.
    const before = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => [e.getAttribute('data-id'), e.getBoundingClientRect().x]));
    await send(page, { type: 'graph', graph: graphOf(sdlcText.replace('  deployment:', '  docs:\n    needs: design\n    run: echo docs\n  deployment:')) });
    await page.waitForSelector('.card[data-node="docs"]');
    await page.waitForSelector('[data-testid="parse-error"]', { state: 'detached' });
    const after = new Map(
      await page
        .locator('.react-flow__node')
        .evaluateAll((els) => els.map((e) => [e.getAttribute('data-id'), e.getBoundingClientRect().x] as [string, number])),
    );
    const order = (xs: Map<string, number>, ids: string[]) => [...ids].sort((a, b) => xs.get(a)! - xs.get(b)!);
    const was = new Map(before as [string, number][]);
    assert.deepEqual(order(after, ['backend', 'frontend']), order(was, ['backend', 'frontend']));
  });

  it("takes a graph's changed nodes, and asks for its whole state again when a change does not fit its graph", async () => {
    const page = await open();
    const graph = graphOf(sdlcText);
    await send(page, init(graph));
    await page.waitForSelector('.card[data-node="deployment"]');
    // Design renamed: the other nodes go by their ids.
    const design = graph.nodes.find((n) => n.id === 'design')!;
    const nodes = graph.nodes.map((n) => (n.id === 'design' ? { ...design, label: 'Design, renamed' } : n.id));
    await send(page, { type: 'graphPatch', name: graph.name, nodes });
    await page.locator('.card[data-node="design"]', { hasText: 'Design, renamed' }).waitFor();
    assert.equal(await page.locator('.card').count(), 6);
    assert.match(await page.locator('.card[data-node="backend"]').innerText(), /Backend/);
    const asked = (await requests(page, 'ready')).length;
    await send(page, { type: 'graphPatch', name: graph.name, nodes: ['requirements', 'no-such-node'] });
    await page.waitForFunction((n) => window.__posted.filter((m) => m.type === 'ready').length > n, asked);
    assert.equal(await page.locator('.card').count(), 6, 'the graph it had stays');
  });

  it('says so when the workflow file cannot be read, instead of waiting for a graph', async () => {
    const page = await open();
    await send(page, {
      type: 'init',
      workflow: WORKFLOW,
      graphError: { message: 'sdlc-parallel.workflow.yaml cannot be read: it may have been deleted or moved' },
      runs: [],
      trusted: true,
    });
    await page.locator('[data-testid="parse-error"]', { hasText: /cannot be read/ }).waitFor();
    assert.doesNotMatch(await page.locator('[data-testid="parse-error"]').innerText(), /Line|last version/);
    assert.equal(await page.getByText('Laying out the graph').count(), 0);
  });
});
