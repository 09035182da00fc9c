// The DAG panel's controls in real Chromium: matrix cards, approval gates, the toolbar's run controls and picker,
// Restricted Mode, the timeline and Gantt, and a reload. Screenshots go to test-results/webview/.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { EngineEvent, EventDraft } from '../../src/engine/protocol';
import type { WebviewMessage } from '../../src/webview/protocol';
import { graphOf } from './fixtures';
import { send } from './harness';
import {
  configsText,
  failingText,
  gatedText,
  init,
  matrixText,
  panelSuite,
  plannedText,
  portsText,
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
} from './panelSetup';

/** An event of the run, just after `e`. */
const after = (e: EngineEvent, draft: EventDraft): EngineEvent => ({ ...draft, runId: e.runId, seq: e.seq + 1, ts: e.ts + 5 });

describe('DAG panel in Chromium: controls', function () {
  this.timeout(60_000);
  const suite = panelSuite();
  const { open } = suite;
  let completed: EngineEvent[];
  let failed: EngineEvent[];
  let matrix: EngineEvent[];
  let gated: EngineEvent[];
  before(() => {
    completed = recorded.completed;
    failed = recorded.failed;
    matrix = recorded.matrix;
    gated = recorded.gated;
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
    assert.match(await page.locator('.details').innerText(), /Matrix of 3 instances over shard, at most 2 at once/);
    await page.screenshot({ path: join(shots, 'matrix.png') });
  });

  it('a matrix made at run time counts its instances once the run makes them, and says what makes it', async () => {
    const planned = recorded.planned;
    const page = await open('light', { width: 500, height: 720 });
    const made = planned.findIndex((e) => e.type === 'node:matrix');
    assert.ok(made > 0, 'the run made the matrix');
    await send(page, init(graphOf(plannedText), [runItem(planned, 'running', true)]), snapshot(planned.slice(0, made)));
    await waitForStatus(page, 'plan', 'completed');
    const count = page.locator('.card[data-node="test"] .card-count');
    assert.equal(await count.innerText(), '×?');
    assert.match(String(await count.getAttribute('title')), /made when the run reaches it, from \$\{\{ fromJSON\(nodes\.plan\.outputs\.shards\) \}\}/);
    await send(page, { type: 'runEvents', runId: planned[0].runId, events: withoutLogs(planned.slice(made)) });
    await waitForStatus(page, 'test', 'completed');
    assert.equal(await count.innerText(), '×4');
    await page.click('.card[data-node="test"]');
    const instances = await page.locator('.instance-list li').allInnerTexts();
    assert.deepEqual(
      instances.map((t) => t.trim()),
      ['test[shard=1]', 'test[shard=2]', 'test[shard=3]', 'test[shard=4]'],
    );
    assert.match(await page.locator('.details').innerText(), /Matrix made when the run reaches it, from \$\{\{ fromJSON\(nodes\.plan\.outputs\.shards\) \}\}/);
    await page.screenshot({ path: join(shots, 'matrix-made-at-run-time.png') });
  });

  it('a matrix of maps lists its instances by their values as JSON, each on its lines, at the width beside the editor', async () => {
    const configs = recorded.configs;
    const page = await open('dark', { width: 500, height: 720 });
    await send(page, init(graphOf(configsText), [runItem(configs, 'completed')]), snapshot(configs));
    await waitForStatus(page, 'report', 'completed');
    assert.equal(await page.locator('.card[data-node="build"] .card-count').innerText(), '×4');
    await page.click('.card[data-node="build"]');
    const instances = (await page.locator('.instance-list li').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(instances, [
      'build[config={"name":"GCC","cc":"gcc"},type=Release]',
      'build[config={"name":"GCC","cc":"gcc"},type=Debug]',
      'build[config={"name":"Clang","cc":"clang"},type=Release]',
      'build[config={"name":"Clang","cc":"clang"},type=Debug]',
    ]);
    const overflows = await page.locator('.details').evaluate((el) => el.scrollWidth > el.clientWidth);
    assert.equal(overflows, false, 'the details do not scroll sideways');
    const cut = await page.locator('button.timeline-node').first().getAttribute('title');
    assert.ok(instances.includes(String(cut)), 'a timeline row cut short tells its whole instance id on hover');
    await page.screenshot({ path: join(shots, 'matrix-of-maps.png') });
  });

  it('marks a node that names a mutex on its card, and says why a node of a live run waits: the mutex another holds, or a node it needs', async () => {
    const ports = recorded.ports;
    const page = await open('light', { width: 500, height: 720 });
    const first = ports.findIndex((e) => e.type === 'node:started');
    assert.equal((ports[first] as Extract<EngineEvent, { type: 'node:started' }>).nodeId, 'unit');
    await send(page, init(graphOf(portsText), [runItem(ports, 'running', true)]), snapshot(ports.slice(0, first + 1)));
    await waitForStatus(page, 'unit', 'running');
    const lock = page.locator('.card[data-node="e2e"] [data-testid="card-mutex"]');
    assert.equal(await lock.getAttribute('title'), 'mutex port-5432: one at a time with the nodes that name it');
    assert.equal(await page.locator('.card[data-node="lint"] [data-testid="card-mutex"]').count(), 0);
    await page.click('.card[data-node="e2e"]');
    const reason = page.getByTestId('pending-reason');
    assert.equal(await reason.innerText(), 'Waits for the mutex port-5432, which unit holds');
    await page.screenshot({ path: join(shots, 'waits-for-a-mutex.png') });
    await page.click('.card[data-node="lint"]');
    assert.equal(await reason.innerText(), 'Waits for unit to end');
    await send(page, { type: 'runEvents', runId: ports[0].runId, events: withoutLogs(ports.slice(first + 1)) });
    await waitForStatus(page, 'lint', 'completed');
    assert.equal(await reason.count(), 0, 'nothing waits once the run has ended');
  });

  it('names the node, run and process of another run that holds the mutex a node waits for, as the engine says', async () => {
    const ports = recorded.ports;
    const page = await open('dark', { width: 500, height: 720 });
    const head = ports[0];
    const blocked = after(head, {
      type: 'node:blocked',
      nodeId: 'unit',
      mutex: 'port-5432',
      holder: { runId: '20261205-040500-ab12', nodeId: 'integration', pid: 4321 },
    });
    await send(page, init(graphOf(portsText), [runItem(ports, 'running', true)]), snapshot([head, blocked]));
    const lock = page.locator('.card[data-node="unit"] [data-testid="card-mutex"]');
    assert.equal((await lock.innerText()).trim(), 'waits');
    assert.equal(await lock.getAttribute('title'), 'waits for the mutex port-5432, which integration of the run 20261205-040500-ab12, process 4321 holds');
    assert.equal((await page.locator('.card[data-node="e2e"] [data-testid="card-mutex"]').innerText()).trim(), '', 'a node that does not wait');
    await page.click('.card[data-node="unit"]');
    assert.equal(
      await page.getByTestId('pending-reason').innerText(),
      'Waits for the mutex port-5432, which integration of the run 20261205-040500-ab12, process 4321 holds',
    );
    await page.screenshot({ path: join(shots, 'waits-for-another-process.png') });
    // Its holder may be gone for good (a run killed): the details offer Release Mutex…, which asks first.
    await page.getByTestId('release-mutex').click();
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'releaseMutex'));
    const [release] = (await requests(page, 'releaseMutex')) as Extract<WebviewMessage, { type: 'releaseMutex' }>[];
    assert.deepEqual([release.runId, release.nodeId], [head.runId, 'unit']);
    await page.click('.card[data-node="e2e"]');
    assert.equal(await page.getByTestId('release-mutex').count(), 0, 'a node that waits for nothing');
  });

  it("says in the run's header that the run waits for its workflow's mutex, until a node starts", async () => {
    const ports = recorded.ports;
    const page = await open('light', { width: 500, height: 720 });
    const head = ports[0];
    const blocked = after(head, { type: 'workflow:blocked', mutex: 'deploy-prod', holder: { runId: '20261205-040500-ab12', pid: 4321 } });
    await send(page, init(graphOf(portsText), [runItem(ports, 'running', true)]), snapshot([head, blocked]));
    const header = page.getByTestId('run-blocked');
    assert.equal((await header.innerText()).trim(), 'waits for the mutex deploy-prod, which the run 20261205-040500-ab12, process 4321 holds');
    const overflows = await page.getByTestId('run-header').evaluate((el) => el.scrollWidth > el.clientWidth);
    assert.equal(overflows, false, 'the header wraps rather than hide it at the width beside the editor');
    await page.screenshot({ path: join(shots, 'run-waits-for-its-mutex.png') });
    const first = ports.findIndex((e) => e.type === 'node:started');
    await send(page, { type: 'runEvents', runId: head.runId, events: [{ ...ports[first], seq: head.seq + 2 }] });
    await header.waitFor({ state: 'detached' });
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

  it("shows a gate waiting in a workflow node's sub-run on the node's card, and answers it from its details", async () => {
    const page = await open('dark', { width: 500, height: 720 });
    const text = [
      'version: 1',
      'name: Nested',
      'nodes:',
      '  build: { run: echo build }',
      '  deploy: { needs: build, workflow: ./deploy.workflow.yaml }',
      '',
    ].join('\n');
    const events = nestedGateRun();
    await send(page, init(graphOf(text), [runItem(events, 'running', true)]), snapshot(events));
    await waitForStatus(page, 'deploy', 'running');
    assert.equal((await page.locator('.card[data-node="deploy"] [data-testid="gates-inside"]').innerText()).trim(), 'a gate waits');
    assert.match((await page.locator('.card[data-node="deploy"]').getAttribute('aria-label'))!, /1 approval gate waiting in its sub-run/);
    await page.click('.card[data-node="deploy"]');
    const gates = page.locator('[data-testid="details-gates-inside"]');
    assert.match(await gates.innerText(), /deploy\/ship[\s\S]*Ship the deploy\?/);
    const subRun = page.locator('[data-testid="details-sub-run"] li');
    assert.deepEqual(
      (await subRun.allInnerTexts()).map((t) => t.trim()),
      ['prep 100ms', 'ship', 'announce'],
    );
    await subRun.first().locator('button').click();
    const openLog = (await reply(page, 'openLog')) as Extract<WebviewMessage, { type: 'openLog' }>;
    assert.equal(openLog.nodeId, 'deploy/prep');
    await page.screenshot({ path: join(shots, 'gate-inside.png') });
    await gates.locator('[data-testid="approve-inside"]').click();
    const decision = (await reply(page, 'approve')) as Extract<WebviewMessage, { type: 'approve' }>;
    assert.deepEqual([decision.nodeId, decision.approved], ['deploy/ship', true]);
    const last = events.at(-1)!;
    const answered = { ...last, type: 'node:completed', seq: last.seq + 1, attempt: 1, outputs: { approved: 'true' }, artifacts: [], durationMs: 5 };
    await send(page, { type: 'runEvents', runId: last.runId, events: [answered as EngineEvent] });
    await gates.waitFor({ state: 'detached' });
    assert.equal(await page.locator('.card[data-node="deploy"] [data-testid="gates-inside"]').count(), 0);
  });

  it('toolbar: run controls ask the host, errors show, the run picker and the search work', async () => {
    const page = await open('dark', { width: 500, height: 720 });
    const running = completed.slice(0, completed.findIndex((e) => e.type === 'node:started' && e.nodeId === 'backend') + 1);
    const older = { ...runItem(failed, 'failed'), startedAt: failed[0].ts - 60_000 };
    await send(page, init(graphOf(sdlcText), [runItem(completed, 'running', true), older]), snapshot(running));
    await waitForStatus(page, 'backend', 'running');
    await page.locator('[data-testid="pause"]').click();
    const pause = (await reply(page, 'control', 'the engine stopped before answering')) as Extract<WebviewMessage, { type: 'control' }>;
    assert.deepEqual([pause.action, pause.runId], ['pause', completed[0].runId]);
    await page.getByRole('alert').getByText('the engine stopped before answering').waitFor();
    // A pause under way: the header says so, and Resume (calling the pause off) stands where Pause was.
    const last = running.at(-1)!;
    await send(page, {
      type: 'runEvents',
      runId: last.runId,
      events: [{ runId: last.runId, seq: last.seq + 1, ts: last.ts, type: 'workflow:pausing', running: 1 }],
    });
    await page.locator('[data-testid="run-header"][data-status="pausing"]', { hasText: 'pausing' }).waitFor();
    assert.equal(await page.locator('[data-testid="pause"]').count(), 0);
    await page.screenshot({ path: join(shots, 'pausing.png') });
    await page.locator('[data-testid="resume"]:not([disabled])').click();
    await page.waitForFunction(() => window.__posted.filter((m) => m.type === 'control').length === 2);
    const resume = (await requests(page, 'control')).at(-1) as Extract<WebviewMessage, { type: 'control' }>;
    assert.deepEqual([resume.action, resume.runId], ['resume', completed[0].runId]);
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
    // The count is said once a filter is chosen, not whenever it changes during a run.
    const count = await page.locator('.timeline-count').innerText();
    assert.match(count, /^1 of \d+ events$/);
    assert.equal(await page.locator('[data-testid="announcer"]').innerText(), `Timeline: ${count}`);
    assert.equal(await page.locator('.timeline-count').getAttribute('aria-live'), null);
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

  it("moves to another workflow: its graph and run replace the last one's, drawn and fitted afresh, and saved for a reload", async () => {
    const page = await open();
    await send(page, init(graphOf(sdlcText), [runItem(completed, 'completed')], { selected: 'design' }), snapshot(completed));
    await waitForStatus(page, 'deployment', 'completed');
    await page.waitForSelector('.card.selected[data-node="design"]');
    const matrixWorkflow = { uri: 'file:///work/matrix.workflow.yaml', name: 'Matrix' };
    await send(page, init(graphOf(matrixText), [], { workflow: matrixWorkflow, locked: true }), { type: 'runSnapshot', following: true, events: [] });
    await page.waitForSelector('.card[data-node="report"]');
    assert.equal(await page.locator('.card[data-node="design"]').count(), 0, "the last workflow's cards are gone");
    assert.equal(await page.locator('.card.selected').count(), 0, 'nothing selected');
    assert.equal(await statusOf(page, 'build'), 'none', 'no run shown');
    assert.equal(await page.locator('[data-testid="run-header"]').count(), 0);
    await page.waitForFunction(() => performance.getEntriesByName('maestro:graph-painted').length === 2);
    const saved = await page.evaluate(() => window.__state as { workflowUri: string; runId: string | null; selected: string | null; locked: boolean });
    assert.deepEqual([saved.workflowUri, saved.runId, saved.selected, saved.locked], [matrixWorkflow.uri, null, null, true]);
    await send(page, { type: 'lock', locked: false });
    await page.waitForFunction(() => (window.__state as { locked: boolean }).locked === false);
    // Every card in view: the new graph was fitted.
    const pane = (await page.locator('.react-flow').boundingBox())!;
    for (const box of await Promise.all((await page.locator('.react-flow__node').all()).map((n) => n.boundingBox())))
      assert.ok(box && box.y >= pane.y && box.y + box.height <= pane.y + pane.height, 'a card out of view');
    await page.screenshot({ path: join(shots, 'moved-to-another-workflow.png') });
  });

  it('loaded again for another workflow than its saved state names (moved while hidden), drops that run and selection', async () => {
    const page = await suite.blankPage({ width: 1280, height: 800 });
    await page.addInitScript((runId: string) => {
      window.__state = { workflowUri: 'file:///work/sdlc-parallel.workflow.yaml', runId, selected: 'build', bottomTab: 'gantt', bottomOpen: true };
    }, failed[0].runId);
    await page.goto(`${suite.url()}/?theme=light`);
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
    const matrixWorkflow = { uri: 'file:///work/matrix.workflow.yaml', name: 'Matrix' };
    await send(page, init(graphOf(matrixText), [], { workflow: matrixWorkflow }), { type: 'runSnapshot', following: true, events: [] });
    await page.waitForSelector('.card[data-node="report"]');
    assert.equal(await page.locator('.card.selected').count(), 0, "the last workflow's selected id is not selected in this one");
    const saved = await page.evaluate(() => window.__state as { workflowUri: string; runId: string | null; selected: string | null; bottomTab: string });
    assert.deepEqual([saved.workflowUri, saved.runId, saved.selected, saved.bottomTab], [matrixWorkflow.uri, null, null, 'gantt']);
  });

  it('restores what it showed after a reload, and ignores messages it does not understand', async () => {
    const page = await suite.blankPage({ width: 1280, height: 800 });
    await page.addInitScript((runId: string) => {
      window.__state = { workflowUri: 'file:///work/sdlc-parallel.workflow.yaml', runId, selected: 'design', bottomTab: 'gantt', bottomOpen: true };
    }, failed[0].runId);
    await page.goto(`${suite.url()}/?theme=light`);
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

/** A run whose `deploy` node's sub-run waits at its gate `ship`, as the engine tells it. */
function nestedGateRun(): EngineEvent[] {
  let seq = 0;
  const start = Date.now() - 10_000;
  const at = () => ({ runId: '20261203-100000-abcd', seq: ++seq, ts: start + seq * 100 });
  const info = (id: string, kind: 'run' | 'workflow' | 'approval', needs: string[] = []) => ({
    id,
    nodeId: id.split('/').at(-1)!,
    name: id.split('/').at(-1)!,
    kind,
    needs,
  });
  return [
    {
      ...at(),
      type: 'workflow:started',
      workflow: { name: 'Nested', path: '/work/nested.workflow.yaml', hash: 'h' },
      inputs: {},
      nodes: [info('build', 'run'), info('deploy', 'workflow', ['build'])],
      concurrency: 2,
    },
    { ...at(), type: 'node:started', nodeId: 'build', attempt: 1 },
    { ...at(), type: 'node:completed', nodeId: 'build', attempt: 1, outputs: {}, artifacts: [], durationMs: 100 },
    { ...at(), type: 'node:started', nodeId: 'deploy', attempt: 1 },
    {
      ...at(),
      type: 'node:subrun',
      nodeId: 'deploy',
      nodes: [info('deploy/prep', 'run'), info('deploy/ship', 'approval', ['deploy/prep']), info('deploy/announce', 'run', ['deploy/ship'])],
    },
    { ...at(), type: 'node:started', nodeId: 'deploy/prep', parentNodeId: 'deploy', attempt: 1 },
    { ...at(), type: 'node:completed', nodeId: 'deploy/prep', parentNodeId: 'deploy', attempt: 1, outputs: {}, artifacts: [], durationMs: 100 },
    { ...at(), type: 'node:waiting', nodeId: 'deploy/ship', parentNodeId: 'deploy', prompt: 'Ship the deploy?' },
  ];
}
