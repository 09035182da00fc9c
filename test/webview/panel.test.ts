// The DAG panel in real Chromium: the built bundle on the host's own page (CSP included), fed graphs from the
// validator and event streams recorded from real runs of the engine. Screenshots go to test-results/webview/.
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { EngineEvent } from '../../src/engine/protocol';
import type { DagGraph, HostMessage, RunListItem, WebviewMessage } from '../../src/webview/protocol';
import { exampleText, graphOf, recordRun, root } from './fixtures';
import { launchChromium, openPanel, posted, send, startHarness, type Harness } from './harness';

const shots = join(root, 'test-results', 'webview');
const WORKFLOW = { uri: 'file:///work/sdlc-parallel.workflow.yaml', name: 'SDLC parallel' };

const sdlcText = exampleText('sdlc-parallel.workflow.yaml');
const failingText = sdlcText
  .replace('echo "all green"', 'echo "2 of 40 tests failed" >&2; exit 3')
  .replace('  retry: { max: 1, backoff: fixed, delay: 1s }\n', '');
const matrixText = [
  'version: 1',
  'name: Matrix',
  'nodes:',
  '  build: { run: echo build }',
  '  test:',
  '    needs: build',
  '    matrix: { shard: [1, 2, 3] }',
  '    run: echo "shard ${{ matrix.shard }}"',
  '  report: { needs: test, run: echo done }',
  '',
].join('\n');
const gatedText = [
  'version: 1',
  'name: Gated',
  'nodes:',
  '  build: { run: echo build }',
  '  approve: { needs: build, approval: { prompt: Ship it? } }',
  '  ship: { needs: approve, run: echo shipped }',
  '',
].join('\n');

const withoutLogs = (events: EngineEvent[]) => events.filter((e) => e.type !== 'node:log');
const runItem = (events: EngineEvent[], status: RunListItem['status'], live = false): RunListItem => ({
  runId: events[0].runId,
  status,
  startedAt: events[0].ts,
  live,
});
const init = (graph: DagGraph, runs: RunListItem[] = [], extra: Partial<Extract<HostMessage, { type: 'init' }>> = {}): HostMessage => ({
  type: 'init',
  workflow: WORKFLOW,
  graph,
  runs,
  trusted: true,
  ...extra,
});
const snapshot = (events: EngineEvent[], following = true): HostMessage => ({
  type: 'runSnapshot',
  runId: events[0].runId,
  following,
  events: withoutLogs(events),
});

async function statusOf(page: Page, node: string): Promise<string | null> {
  return page.getAttribute(`.card[data-node="${node}"]`, 'data-status');
}

async function waitForStatus(page: Page, node: string, status: string): Promise<void> {
  await page.waitForSelector(`.card[data-node="${node}"][data-status="${status}"]`, { timeout: 10_000 });
}

async function requests(page: Page, type: WebviewMessage['type']): Promise<WebviewMessage[]> {
  return (await posted(page)).filter((m) => m.type === type);
}

/** Answers the panel's last request of a type (as the host does) and returns it. */
async function reply(page: Page, type: WebviewMessage['type'], error?: string, result: unknown = {}): Promise<WebviewMessage> {
  await page.waitForFunction((t) => window.__posted.some((m) => m.type === t), type);
  const request = (await requests(page, type)).at(-1) as WebviewMessage & { requestId: number };
  await send(
    page,
    error ? { type: 'reply', requestId: request.requestId, ok: false, error } : { type: 'reply', requestId: request.requestId, ok: true, result },
  );
  return request;
}

describe('DAG panel in Chromium', function () {
  this.timeout(60_000);
  let harness: Harness;
  let browser: Browser;
  let completed: EngineEvent[];
  let failed: EngineEvent[];
  let matrix: EngineEvent[];
  let gated: EngineEvent[];
  const pages: Page[] = [];
  const open = async (theme: 'light' | 'dark' | 'high-contrast' = 'light', size?: { width: number; height: number }) => {
    const page = await openPanel(browser, harness, theme, size);
    pages.push(page);
    return page;
  };

  before(async () => {
    mkdirSync(shots, { recursive: true });
    completed = recordRun(sdlcText);
    failed = recordRun(failingText);
    matrix = recordRun(matrixText);
    gated = recordRun(gatedText, ['--approve']);
    harness = await startHarness(root);
    browser = await launchChromium();
  });

  afterEach(async () => {
    for (const page of pages.splice(0)) {
      const violations = await page.evaluate(() => window.__cspViolations);
      assert.deepEqual(violations, [], 'the panel broke its Content-Security-Policy');
      await page.close();
    }
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
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

  it('a matrix node is one stacked card with a count; its instances show in the details', async () => {
    const page = await open();
    await send(page, init(graphOf(matrixText), [runItem(matrix, 'completed')]), snapshot(matrix));
    await waitForStatus(page, 'test', 'completed');
    assert.equal(await page.locator('.card.matrix').count(), 1);
    assert.match(await page.locator('.card[data-node="test"] .card-count').innerText(), /×3/);
    await page.click('.card[data-node="test"]');
    const instances = await page.locator('.instance-list li').allInnerTexts();
    assert.deepEqual(
      instances.map((t) => t.trim()),
      ['test[shard=1]', 'test[shard=2]', 'test[shard=3]'],
    );
    await page.screenshot({ path: join(shots, 'matrix.png') });
  });

  it('offers Approve at a waiting gate, and sends the decision', async () => {
    const page = await open();
    const waiting = gated.slice(0, gated.findIndex((e) => e.type === 'node:waiting') + 1);
    await send(page, init(graphOf(gatedText), [runItem(gated, 'running', true)]), snapshot(waiting));
    await waitForStatus(page, 'approve', 'waiting');
    await page.click('.card[data-node="approve"]');
    await page.locator('[data-testid="approve"]').click();
    const decision = (await reply(page, 'approve')) as Extract<WebviewMessage, { type: 'approve' }>;
    assert.deepEqual([decision.nodeId, decision.approved], ['approve', true]);
    await page.screenshot({ path: join(shots, 'approval.png') });
  });

  it('toolbar: run controls ask the host, errors show, the run picker and the search work', async () => {
    const page = await open();
    const running = completed.slice(0, completed.findIndex((e) => e.type === 'node:started' && e.nodeId === 'backend') + 1);
    const older = { ...runItem(failed, 'failed'), startedAt: failed[0].ts - 60_000 };
    await send(page, init(graphOf(sdlcText), [runItem(completed, 'running', true), older]), snapshot(running));
    await waitForStatus(page, 'backend', 'running');
    await page.locator('[data-testid="pause"]').click();
    const pause = (await reply(page, 'control', 'the engine stopped before answering')) as Extract<WebviewMessage, { type: 'control' }>;
    assert.deepEqual([pause.action, pause.runId], ['pause', completed[0].runId]);
    await page.getByRole('alert').getByText('the engine stopped before answering').waitFor();
    // A past run from the picker.
    const failedRun = await page.locator('[data-testid="run-picker"] option', { hasText: 'failed' }).getAttribute('value');
    assert.ok(failedRun);
    await page.locator('[data-testid="run-picker"]').selectOption(failedRun);
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'selectRun' && m.runId !== null));
    const select = (await requests(page, 'selectRun')).at(-1) as Extract<WebviewMessage, { type: 'selectRun' }>;
    assert.equal(select.runId, failed[0].runId);
    // Search: Enter goes to the next match.
    await page.locator('[data-testid="search"]').click();
    await page.keyboard.type('end');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.card.selected[data-node="backend"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.card.selected[data-node="frontend"]');
    assert.match(await page.locator('.toolbar-note').innerText(), /2 of 2/);
  });

  it('disables run controls in Restricted Mode and says why', async () => {
    const page = await open();
    await send(page, init(graphOf(sdlcText), [], { trusted: false }));
    await page.waitForSelector('.card');
    const run = page.locator('[data-testid="run"]');
    assert.equal(await run.getAttribute('disabled'), '');
    assert.match((await run.getAttribute('title'))!, /Trust this workspace/);
    await send(page, { type: 'trust', trusted: true });
    await page.waitForFunction(() => !document.querySelector('[data-testid="run"]')!.hasAttribute('disabled'));
  });

  it('timeline filters by node and type; the Gantt view shows the critical path', async () => {
    const page = await open();
    await send(page, init(graphOf(sdlcText), [runItem(completed, 'completed')]), snapshot(completed));
    await waitForStatus(page, 'deployment', 'completed');
    await page.locator('[data-testid="timeline-node"]').selectOption({ label: 'backend' });
    await page.waitForFunction(() => [...document.querySelectorAll('.timeline-row')].every((r) => r.textContent.includes('backend')));
    await page.locator('[data-testid="timeline-type"]').selectOption({ label: 'completed' });
    await page.waitForFunction(() => document.querySelectorAll('.timeline-row').length === 1);
    await page.getByRole('tab', { name: 'Gantt' }).click();
    const critical = await page.locator('[data-testid="critical-path"]').innerText();
    assert.match(critical, /requirements → design → (backend|frontend) → testing → deployment/);
    assert.ok((await page.locator('.gantt-row[data-critical="true"]').count()) === 5);
    await page.screenshot({ path: join(shots, 'gantt.png') });
    // The tabs from the keyboard: the arrows and Home choose the tab they reach, and it takes the focus.
    const selectedTab = () => page.evaluate(() => [document.querySelector('[role="tab"][aria-selected="true"]')?.id, document.activeElement?.id]);
    await page.getByRole('tab', { name: 'Gantt' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('.timeline-row');
    assert.deepEqual(await selectedTab(), ['tab-timeline', 'tab-timeline']);
    await page.keyboard.press('End');
    await page.waitForSelector('[data-testid="critical-path"]');
    assert.deepEqual(await selectedTab(), ['tab-gantt', 'tab-gantt']);
    await page.keyboard.press('Home');
    await page.waitForSelector('.timeline-row');
    assert.equal(await page.getAttribute('[role="tab"][aria-selected="false"]', 'tabindex'), '-1', 'one tab in the tab order');
  });

  it('restores what it showed after a reload, and ignores messages it does not understand', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    pages.push(page);
    await page.addInitScript((runId) => {
      window.__state = { workflowUri: 'file:///work/sdlc-parallel.workflow.yaml', runId, selected: 'design', bottomTab: 'gantt', bottomOpen: true };
    }, failed[0].runId);
    await page.goto(`${harness.url}/?theme=light`);
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
    const ready = (await requests(page, 'ready'))[0] as Extract<WebviewMessage, { type: 'ready' }>;
    assert.equal(ready.runId, failed[0].runId, 'asks for the run it showed');
    await send(page, init(graphOf(failingText), [runItem(failed, 'failed')]), snapshot(failed, false));
    await page.waitForSelector('.card.selected[data-node="design"]');
    assert.ok(await page.locator('[data-testid="critical-path"]').isVisible());
    await page.evaluate(() => {
      window.postMessage({ type: 'runEvents' }, '*');
      window.postMessage('garbage', '*');
      window.postMessage({ type: 'graph', graph: { nodes: 'no' } }, '*');
    });
    await page.locator('.banner-info', { hasText: 'does not understand' }).waitFor();
    assert.equal(await page.locator('.card').count(), 6, 'still drawing');
  });
});
