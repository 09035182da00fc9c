// Big graphs in Chromium: phases collapsed into group cards past the threshold (a click, search and the editor
// expand them; the toolbar folds them back), a run's progress on a group card, and a graph with no phases painted
// with the fast layout before dagre's.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { EngineEvent } from '../../src/engine/protocol';
import type { DagGraph, HostMessage, WebviewMessage } from '../../src/webview/protocol';
import { layeredGraph, root } from './fixtures';
import { audit, describeFindings } from './axe';
import { chromiumSuite, openPanel, posted, send } from './harness';

const shots = join(root, 'test-results', 'webview');
const WORKFLOW = { uri: 'file:///work/big.workflow.yaml', name: 'Big' };
const init = (graph: DagGraph, collapseAbove?: number): HostMessage => ({
  type: 'init',
  workflow: WORKFLOW,
  graph,
  runs: [],
  trusted: true,
  ...(collapseAbove !== undefined ? { collapseAbove } : {}),
});
/** 12 layers of 5 nodes: build (layers 0–3), test (4–7), ship (8–11). */
const phased = () => layeredGraph(12, 5, (l) => ['build', 'test', 'ship'][Math.floor(l / 4)]);
const groupCount = (page: Page) => page.locator('.group-card').count();
const cardCount = (page: Page) => page.locator('.card[data-node]').count();

describe('big graphs in Chromium', function () {
  this.timeout(60_000);
  const chromium = chromiumSuite(root);
  let page: Page;
  afterEach(async () => {
    const violations = await page.evaluate(() => window.__cspViolations);
    assert.deepEqual(violations, [], 'the panel broke its Content-Security-Policy');
    await page.close();
  });

  it('draws each phase as a group card past the threshold; a click expands one in place, the toolbar folds it back', async () => {
    page = await openPanel(chromium.browser(), chromium.harness(), 'dark', { width: 1280, height: 800 });
    // Two nodes of test have problems: its card counts them.
    const graph = phased();
    const problem = { message: "no node named 'biuld'", severity: 'error' as const, fixes: ["Change to 'build'"] };
    for (const n of graph.nodes.filter((x) => x.id === 'n4_2' || x.id === 'n5_1')) n.problems = [problem];
    await send(page, init(graph, 20));
    await page.waitForSelector('.group-card[data-group="test"]');
    assert.equal(await groupCount(page), 3);
    assert.equal(await page.locator('.group-card[data-group="test"] [data-testid="card-problems"]').innerText(), '2');
    assert.equal(await page.locator('.group-card[data-group="build"] [data-testid="card-problems"]').count(), 0);
    assert.match((await page.getAttribute('.group-card[data-group="test"]', 'aria-label'))!, /Phase test, 20 nodes, 2 problems, collapsed/);
    assert.match(
      (await page.getAttribute('.group-card[data-group="test"] [data-testid="card-problems"]', 'title'))!,
      /^2 problems \(in n4_2, n5_1: a click expands the phase at the first\):\n• n4_2: no node named 'biuld'\n• n5_1: /,
    );
    assert.equal(await cardCount(page), 0);
    // build → test stands for the 10 edges from build's last layer into test's first.
    assert.equal(await page.getAttribute('.bundle-edge[data-edge="phase:build->phase:test"]', 'data-count'), '10');
    assert.match((await page.getAttribute('.group-card[data-group="build"]', 'aria-label'))!, /Phase build, 20 nodes, collapsed/);
    await page.screenshot({ path: join(shots, 'big-collapsed.png') });

    await page.click('.group-card[data-group="test"]');
    await page.waitForSelector('.card[data-node="n4_2"].selected');
    // The ship card may be below the view now (drawn only in view): build's stays, test's is gone.
    await page.waitForFunction(() => document.querySelector('.group-card[data-group="build"]') && !document.querySelector('.group-card[data-group="test"]'));
    assert.equal(await page.getAttribute('.bundle-edge[data-edge="phase:build->n4_0"]', 'data-count'), '2');
    assert.match(
      await page
        .locator('[role="status"], [aria-live]')
        .allInnerTexts()
        .then((t) => t.join(' ')),
      /Phase test expanded: 20 nodes, 2 with problems \(F8 goes to each\); n4_2 selected/,
    );
    await page.screenshot({ path: join(shots, 'big-phase-expanded.png') });

    await page.click('[data-testid="collapse-phases"]');
    await page.waitForFunction(() => document.querySelectorAll('.group-card').length === 3);
    assert.equal(await page.locator('[data-testid="collapse-phases"]').count(), 0);
  });

  it('expands the phase of a node that search or the editor reaches, and selects it', async () => {
    page = await openPanel(chromium.browser(), chromium.harness(), 'light');
    await send(page, init(phased(), 20));
    await page.waitForSelector('.group-card[data-group="ship"]');
    await page.fill('[data-testid="search"] input, input[type="search"]', 'n9_3');
    await page.keyboard.press('Enter');
    // The card drawn and selected: its phase was expanded (which other cards are drawn depends on the view).
    await page.waitForSelector('.card[data-node="n9_3"].selected');
    await send(page, { type: 'select', nodeId: 'n1_1' });
    await page.waitForSelector('.card[data-node="n1_1"].selected');
  });

  it("shows a run on a group card: its nodes' statuses counted, their progress together, the slowest running node", async () => {
    page = await openPanel(chromium.browser(), chromium.harness(), 'dark', { width: 520, height: 760 });
    const graph = phased();
    await send(page, init(graph, 20));
    await page.waitForSelector('.group-card[data-group="build"]');
    const runId = 'r1';
    const t0 = Date.now() - 60_000;
    let seq = 0;
    const base = { runId, ts: t0 };
    const events: EngineEvent[] = [
      {
        ...base,
        type: 'workflow:started',
        seq: seq++,
        workflow: { name: 'Big', path: '/work/big.workflow.yaml', hash: 'h' },
        inputs: {},
        nodes: graph.nodes.map((n) => ({ id: n.id, nodeId: n.id, name: n.label, kind: 'run', needs: n.needs })),
        concurrency: 8,
      },
    ];
    // build: 18 completed, n3_3 running since t0 + 5 s, n3_4 running since t0 + 1 s (the slowest), the rest pending.
    for (const n of graph.nodes.slice(0, 18)) {
      events.push({ ...base, type: 'node:started', seq: seq++, nodeId: n.id, attempt: 1 });
      events.push({ ...base, type: 'node:completed', seq: seq++, nodeId: n.id, attempt: 1, outputs: {}, artifacts: [], durationMs: 5 });
    }
    events.push({ ...base, ts: t0 + 5000, type: 'node:started', seq: seq++, nodeId: 'n3_3', attempt: 1 });
    events.push({ ...base, ts: t0 + 1000, type: 'node:started', seq: seq++, nodeId: 'n3_4', attempt: 1 });
    events.push({ ...base, type: 'node:progress', seq: seq++, nodeId: 'n3_4', progress: 50 });
    await send(page, { type: 'runSnapshot', runId, following: true, events });
    const build = page.locator('.group-card[data-group="build"]');
    await page.waitForFunction(() => document.querySelector('.group-card[data-group="build"]')?.textContent?.includes('slowest'));
    assert.match((await build.getAttribute('aria-label'))!, /2 running, 18 completed/);
    assert.match(await build.innerText(), /slowest: n3_4/);
    // (18 × 100 + 50 + 0) / 20 = 92.5, rounded.
    assert.equal(await build.locator('[role="progressbar"]').getAttribute('aria-valuenow'), '93');
    assert.match((await page.getAttribute('.group-card[data-group="test"]', 'aria-label'))!, /Phase test, 20 nodes, collapsed: 20 pending\. Enter expands it/);
    await page.screenshot({ path: join(shots, 'big-collapsed-running-narrow.png') });
    assert.equal(describeFindings(await audit(page)), '', 'axe findings');
  });

  it('paints a big graph without phases with the fast layout first, then the refined one, each node drawn once, then its mini map where there is room', async () => {
    page = await openPanel(chromium.browser(), chromium.harness(), 'light');
    await send(page, init(layeredGraph(30, 10)));
    await page.waitForFunction(() => performance.getEntriesByName('maestro:layout-done').length >= 2, undefined, { timeout: 30_000 });
    await page.waitForSelector('.card[data-node="n0_0"]');
    assert.equal(await groupCount(page), 0);
    const ids = await page.locator('.card[data-node]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-node')));
    assert.equal(new Set(ids).size, ids.length);
    // The mini map comes a frame after the cards, with every node.
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__minimap-node').length === 300);
    // Beside an editor there is no room for it, and it is not drawn at all.
    await page.setViewportSize({ width: 520, height: 800 });
    await page.waitForSelector('.react-flow__minimap', { state: 'detached' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForSelector('.react-flow__minimap');
  });

  it('lays out the edits of a big graph once they pause, not after each one', async () => {
    page = await openPanel(chromium.browser(), chromium.harness(), 'light');
    const graph = layeredGraph(20, 10);
    await send(page, init(graph));
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'keepLayout'), undefined, { timeout: 30_000 });
    const marks = () => page.evaluate(() => ['maestro:layout-requested', 'maestro:layout-done'].map((n) => performance.getEntriesByName(n).length));
    const [requested, done] = await marks();
    // Three edits in a row, as typing makes them: each adds a node.
    const edited = (extra: number): DagGraph => ({
      ...graph,
      nodes: [...graph.nodes, ...Array.from({ length: extra }, (_, i) => ({ ...graph.nodes[0], id: `added${i}`, label: `added${i}`, needs: ['n19_0'] }))],
    });
    await send(page, ...[1, 2, 3].map((extra): HostMessage => ({ type: 'graph', graph: edited(extra) })));
    await page.waitForFunction((n) => performance.getEntriesByName('maestro:layout-done').length > n, done, { timeout: 30_000 });
    assert.deepEqual(await marks(), [requested + 1, done + 1], 'one layout, of the last edit');
    // Busy from the first edit until that layout came back, then idle.
    const busyAndIdle = await page.evaluate(() =>
      performance
        .getEntriesByType('mark')
        .map((m) => m.name)
        .filter((n) => n === 'maestro:layout-busy' || n === 'maestro:layout-idle'),
    );
    assert.equal(busyAndIdle.at(-1), 'maestro:layout-idle');
    assert.equal(busyAndIdle.filter((n) => n === 'maestro:layout-busy').length, busyAndIdle.length / 2);
    const placed = await page.evaluate(() => window.__posted.filter((m) => m.type === 'keepLayout').at(-1));
    assert.ok(placed && 'layout' in placed && placed.layout.positions.added2, 'the layout kept is of the last edit');
  });

  it('draws again at once the layout an undone edit had, without laying it out again', async () => {
    page = await openPanel(chromium.browser(), chromium.harness(), 'light');
    const graph = layeredGraph(20, 10);
    await send(page, init(graph));
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'keepLayout'), undefined, { timeout: 30_000 });
    const placed = () => page.evaluate(() => window.__posted.filter((m) => m.type === 'keepLayout').length);
    const before = await page.getAttribute('.react-flow__node[data-id="n0_0"]', 'style');
    const requested = () => page.evaluate(() => performance.getEntriesByName('maestro:layout-requested').length);
    const asked = await requested();
    // A node needing the last one is typed, laid out once the edits pause, then deleted again.
    const widened = { ...graph, nodes: [...graph.nodes, { ...graph.nodes[0], id: 'added', label: 'added', needs: ['n19_9'] }] };
    await send(page, { type: 'graph', graph: widened });
    await page.waitForFunction((n) => window.__posted.filter((m) => m.type === 'keepLayout').length > n, await placed(), { timeout: 30_000 });
    await send(page, { type: 'graph', graph });
    await page.waitForFunction(() => performance.getEntriesByName('maestro:layout-recalled').length === 1);
    assert.equal(await requested(), asked + 1, 'laid out for the edit only');
    await page.waitForFunction((style) => document.querySelector('.react-flow__node[data-id="n0_0"]')?.getAttribute('style') === style, before);
  });

  it("sends a big graph's final layout to be kept, and paints a kept layout at once without laying out again", async () => {
    page = await openPanel(chromium.browser(), chromium.harness(), 'light');
    const graph = layeredGraph(20, 10);
    await send(page, init(graph));
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'keepLayout'), undefined, { timeout: 30_000 });
    const kept = (await posted(page)).find((m) => m.type === 'keepLayout') as Extract<WebviewMessage, { type: 'keepLayout' }>;
    assert.equal(Object.keys(kept.layout.positions).length, 200);
    const drawn = await page.getAttribute('.react-flow__node[data-id="n0_0"]', 'style');
    await page.close();

    page = await openPanel(chromium.browser(), chromium.harness(), 'light');
    await send(page, { ...init(graph), keptLayout: { key: kept.key, layout: kept.layout } } as HostMessage);
    await page.waitForSelector('.card[data-node="n0_0"]');
    const marks = await page.evaluate(() => ['maestro:layout-kept', 'maestro:layout-requested'].map((n) => performance.getEntriesByName(n).length));
    assert.deepEqual(marks, [1, 0]);
    assert.equal(await page.getAttribute('.react-flow__node[data-id="n0_0"]', 'style'), drawn);
    assert.equal((await posted(page)).filter((m) => m.type === 'keepLayout').length, 0);
    // An edit laid out and undone: the kept layout comes back at once, as one made on the page would.
    const widened = { ...graph, nodes: [...graph.nodes, { ...graph.nodes[0], id: 'added', label: 'added', needs: ['n19_9'] }] };
    await send(page, { type: 'graph', graph: widened });
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'keepLayout'), undefined, { timeout: 30_000 });
    await send(page, { type: 'graph', graph });
    await page.waitForFunction(() => performance.getEntriesByName('maestro:layout-recalled').length === 1);
    assert.equal(await page.evaluate(() => performance.getEntriesByName('maestro:layout-requested').length), 1, 'laid out for the edit only');
    await page.waitForFunction((style) => document.querySelector('.react-flow__node[data-id="n0_0"]')?.getAttribute('style') === style, drawn);
    await page.close();

    // A kept layout of another structure is passed over.
    page = await openPanel(chromium.browser(), chromium.harness(), 'light');
    await send(page, { ...init(layeredGraph(20, 11)), keptLayout: { key: kept.key, layout: kept.layout } } as HostMessage);
    await page.waitForFunction(() => performance.getEntriesByName('maestro:layout-requested').length === 1);
    assert.equal(await page.evaluate(() => performance.getEntriesByName('maestro:layout-kept').length), 0);
  });
});
