import { strict as assert } from 'node:assert';
import type { EngineEvent } from '../../src/engine/protocol';
import { Scheduler } from '../../src/engine/run/core/scheduler';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { dagGraphOf } from '../../src/engine/dagGraph';
import { buildIndex } from '../../src/engine/workflowIndex';
import { LiveRunMemory, TAIL_LINES } from '../../src/extension/runs/liveRunMemory';
import { ganttOf } from '../../src/webview/analysis/gantt';
import { describeEvent } from '../../src/webview/analysis/describeEvent';
import { layoutGraph } from '../../src/webview/layout/layout';
import { parseHostMessage, parseWebviewMessage } from '../../src/webview/protocol';
import { FrameBatcher } from '../../src/webview/state/frameBatcher';
import { neighbourOf, phaseColours, searchNodes } from '../../src/webview/state/navigation';
import { cardOf, LOG_TAIL_LINES, RunFold } from '../../src/webview/state/runView';
import { createPanelStore } from '../../src/webview/state/store';
import { FakeClock, FakeRunner, MemorySink, type Behaviour } from './fakes';
import { yaml } from './helpers';

const SDLC = yaml(
  'version: 1',
  'name: SDLC',
  'nodes:',
  '  requirements: { phase: requirements, run: x, outputs: [stories] }',
  '  design: { phase: design, needs: requirements, run: x }',
  '  backend: { phase: implementation, needs: design, run: x }',
  '  frontend: { phase: implementation, needs: design, run: x }',
  '  testing: { phase: testing, needs: [backend, frontend], run: x }',
  '  deployment: { phase: deployment, needs: testing, run: x }',
);

/** Runs a workflow on the real scheduler with scripted processes; returns every event it sent. */
async function record(text: string, behaviours: Record<string, Behaviour> = {}, steps = 50): Promise<EngineEvent[]> {
  const result = validateWorkflow(text);
  assert.deepEqual(
    result.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const clock = new FakeClock();
  const sink = new MemorySink();
  const scheduler = new Scheduler({
    runId: 'r1',
    workflow: result.workflow,
    workflowPath: '/w/flow.workflow.yaml',
    workflowHash: 'h',
    inputs: {},
    baseDir: '/w',
    tempDir: '/tmp/x',
    concurrency: 4,
    baseEnv: {},
    runner: new FakeRunner(clock, behaviours),
    clock,
    sink,
    logBatch: { lines: 100, ms: 10 },
  });
  scheduler.start();
  for (let i = 0; i < steps && !scheduler.isFinished; i++) await clock.advance(100);
  await clock.advance(1000);
  return sink.events;
}

const indexOf = (text: string) => buildIndex(validateWorkflow(text));

/** A fold of run `r` with one node, `a`, started (`log` makes its log events). */
function oneNodeRun(): RunFold {
  const fold = new RunFold('r');
  fold.apply([
    {
      type: 'workflow:started',
      runId: 'r',
      seq: 1,
      ts: 0,
      workflow: { name: 'w', path: '/w', hash: 'h' },
      inputs: {},
      nodes: [{ id: 'a', nodeId: 'a', name: 'a', kind: 'run', needs: [] }],
      concurrency: 1,
    },
  ]);
  return fold;
}
const line = (text: string) => ({ stream: 'stdout' as const, text, ts: 0 });
const log = (...texts: string[]): EngineEvent => ({ type: 'node:log', runId: 'r', seq: 1, ts: 1, nodeId: 'a', lines: texts.map(line) });

describe('DAG panel: what the host sends', () => {
  it('builds the graph from the validator, dropping needs that name no node', () => {
    const { graph, graphError } = dagGraphOf(
      indexOf(
        yaml(
          'version: 1',
          'name: G',
          'nodes:',
          '  a: { run: x, name: Build A, matrix: { os: [l, m], v: [1, 2, 3] } }',
          '  b: { needs: [a, ghost, b], run: x, if: always() }',
        ),
      ),
    );
    assert.equal(graphError, undefined);
    assert.deepEqual(
      graph.nodes.map((n) => [n.id, n.label, n.needs, n.matrix?.count]),
      [
        ['a', 'Build A', [], 6],
        ['b', 'b', ['a'], undefined],
      ],
    );
    assert.equal(graph.nodes[1].condition, 'always()');
  });

  it('names the first YAML syntax error, with its line, and still builds what it can', () => {
    const { graph, graphError } = dagGraphOf(buildIndex(validateWorkflow(yaml('version: 1', 'name: G', 'nodes:', '  a: { run: x }', '\tb: { run: y }'))));
    assert.equal(graphError?.line, 5);
    assert.equal(graphError?.column, 1);
    assert.match(graphError.message, /YAML syntax error/);
    assert.ok(graph.nodes.some((n) => n.id === 'a'));
  });

  it('keeps the events and log tails of the runs the window started, a few runs at most', () => {
    const memory = new LiveRunMemory();
    const lines = Array.from({ length: 450 }, (_, i) => ({ stream: 'stdout' as const, text: `line ${i}`, ts: i }));
    const started = (runId: string): EngineEvent => ({
      type: 'workflow:started',
      runId,
      seq: 1,
      ts: 0,
      workflow: { name: 'w', path: '/w', hash: 'h' },
      inputs: {},
      nodes: [],
      concurrency: 1,
    });
    memory.take(started('r'));
    memory.take({ type: 'node:log', runId: 'r', seq: 1, ts: 1, nodeId: 'a', lines: lines.slice(0, 300) });
    memory.take({ type: 'node:log', runId: 'r', seq: 1, ts: 2, nodeId: 'a', lines: lines.slice(300) });
    assert.deepEqual(
      memory.events('r')!.map((e) => e.type),
      ['workflow:started'],
    );
    assert.equal(memory.tail('r', 'a')!.length, TAIL_LINES);
    assert.equal(memory.tail('r', 'a')!.at(-1)!.text, 'line 449');
    assert.deepEqual(memory.tail('r', 'quiet'), []);
    for (const id of ['s', 't', 'u']) memory.take(started(id));
    assert.equal(memory.has('r'), false, 'the oldest run is dropped');
    assert.equal(memory.tail('r', 'a'), undefined);
  });

  it('puts a log tail read from the file before the lines that came live after the read', () => {
    const fold = oneNodeRun();
    fold.apply([log('3')]);
    const before = fold.liveLines('a');
    fold.apply([log('4')]);
    // The read held lines 1 to 3: line 3 had come live before it, line 4 after.
    fold.seedLogs('a', [line('1'), line('2'), line('3')], { liveLinesBefore: before });
    assert.deepEqual(
      fold.view('a')!.logTail.map((l) => l.text),
      ['1', '2', '3', '4'],
    );
  });

  it('does not add again the live lines a tail from a followed run holds, wherever they are on their way', () => {
    const fold = oneNodeRun();
    // Lines 1 and 2 were logged before the run was shown; 3 came live and arrived; 4 and 5 were sent live and are on
    // their way when the host answers with the tail, which holds 1 to 5 and says it holds the first 3 live lines.
    fold.apply([log('3')]);
    fold.seedLogs('a', ['1', '2', '3', '4', '5'].map(line), { liveThrough: 3 });
    fold.apply([log('4', '5', '6')]);
    fold.apply([log('7')]);
    assert.deepEqual(
      fold.view('a')!.logTail.map((l) => l.text),
      ['1', '2', '3', '4', '5', '6', '7'],
    );
    assert.equal(fold.liveLines('a'), 5);
  });

  it('checks what crosses the boundary in both directions', () => {
    assert.ok('message' in parseWebviewMessage({ type: 'ready', protocolVersion: 1, runId: null }));
    assert.ok('message' in parseWebviewMessage({ type: 'approve', requestId: 3, runId: 'r', nodeId: 'gate', approved: true }));
    assert.match((parseWebviewMessage({ type: 'approve', requestId: 3, runId: 'r', nodeId: 'gate' }) as { error: string }).error, /approved/);
    assert.match((parseWebviewMessage({ type: 'control', requestId: 1, action: 'explode' }) as { error: string }).error, /action \(one of run, runWithInputs/);
    assert.ok('message' in parseWebviewMessage({ type: 'logTail', requestId: 4, runId: 'r', nodeId: 'a' }));
    assert.ok('message' in parseWebviewMessage({ type: 'reveal', nodeId: 'a' }));
    assert.match((parseWebviewMessage('nonsense') as { error: string }).error, /object with a type/);
    assert.match((parseWebviewMessage({ type: 'retryNode', runId: 'r', nodeId: 'a' }) as { error: string }).error, /requestId/);
    assert.ok(parseHostMessage({ type: 'select', nodeId: null }));
    assert.equal(parseHostMessage({ type: 'runEvents', events: [] }), undefined);
    assert.equal(parseHostMessage({ type: 'graph', graph: { name: 'x', nodes: [{ id: 3 }] } }), undefined);
    assert.equal(parseHostMessage({ type: 'evil' }), undefined);
    const layout = { positions: { a: { x: 0, y: 0 } }, layers: { a: 0 }, width: 240, height: 92 };
    assert.ok('message' in parseWebviewMessage({ type: 'keepLayout', workflowUri: 'file:///w.workflow.yaml', key: 'k', layout }));
    for (const bad of [
      { key: 'k', layout },
      { workflowUri: 'file:///w.workflow.yaml', key: '', layout },
      { key: 'k', layout: { ...layout, positions: { a: { x: 'left', y: 0 } } } },
      { key: 'k', layout: { ...layout, layers: { a: 0.5 } } },
      { key: 'k', layout: { ...layout, width: null } },
      { key: 'k' },
    ])
      assert.match((parseWebviewMessage({ type: 'keepLayout', ...bad }) as { error: string }).error, /keepLayout: needs workflowUri, key and layout/);
    const init = { type: 'init', workflow: { uri: 'u', name: 'n' }, runs: [], trusted: true };
    assert.ok(parseHostMessage({ ...init, keptLayout: { key: 'k', layout }, collapseAbove: 0 }));
    assert.equal(parseHostMessage({ ...init, keptLayout: { key: 'k', layout: { positions: [] } } }), undefined);
    assert.equal(parseHostMessage({ ...init, collapseAbove: -1 }), undefined);
    assert.ok(parseHostMessage({ ...init, locked: true }));
    assert.equal(parseHostMessage({ ...init, locked: 'yes' }), undefined);
    assert.ok(parseHostMessage({ type: 'lock', locked: false }));
    assert.equal(parseHostMessage({ type: 'lock' }), undefined);
  });
});

describe('DAG panel: folding a run', () => {
  it('follows a run to the end, one instance per card, with log tails bounded', async () => {
    const noisy = Array.from({ length: LOG_TAIL_LINES + 50 }, (_, i) => `out ${i}`);
    const events = await record(SDLC, { requirements: () => ({ outputs: { stories: '12' }, stdout: noisy }) });
    const fold = new RunFold('r1');
    const change = fold.apply(events);
    assert.equal(fold.header()!.status, 'completed');
    assert.deepEqual([...change.nodes].sort(), ['backend', 'deployment', 'design', 'frontend', 'requirements', 'testing']);
    assert.ok(change.timeline.every((e) => e.type !== 'node:log'));
    const requirements = fold.view('requirements')!;
    assert.deepEqual(requirements.outputs, { stories: '12' });
    assert.equal(requirements.logTail.length, LOG_TAIL_LINES);
    assert.equal(requirements.logTail.at(-1)!.text, `out ${LOG_TAIL_LINES + 49}`);
  });

  it('ignores events it has already seen, and events of other runs', async () => {
    const events = await record(SDLC);
    const fold = new RunFold('r1');
    fold.apply(events.slice(0, 10));
    const again = fold.apply([...events.slice(5, 12), { ...events[11], runId: 'other', seq: 999 }]);
    assert.equal(again.timeline.length, events.slice(10, 12).filter((e) => e.type !== 'node:log').length);
  });

  it('adds up a matrix node: running while any instance runs, failed if one failed', () => {
    const base = {
      info: { id: 't[a=1]', nodeId: 't', name: 't', kind: 'run' as const, needs: [] },
      attempt: 1,
      outputs: {},
      artifacts: [],
      attemptErrors: [],
      logTail: [],
      gatesInside: [],
      subRun: [],
    };
    const running = cardOf([
      { ...base, status: 'completed', startedAt: 0, endedAt: 10 },
      { ...base, info: { ...base.info, id: 't[a=2]' }, status: 'running', startedAt: 5, progress: 50 },
    ]);
    assert.equal(running.status, 'running');
    assert.equal(running.progress, 75);
    assert.deepEqual(running.instances, { total: 2, completed: 1, failed: 0, running: 1 });
    const failed = cardOf([
      { ...base, status: 'completed', startedAt: 0, endedAt: 10 },
      { ...base, info: { ...base.info, id: 't[a=2]' }, status: 'failed', startedAt: 5, endedAt: 30, error: 'exit 1' },
    ]);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.durationMs, 30);
    assert.match(failed.error!, /t\[a=2\]: exit 1/);
    assert.equal(
      cardOf([
        { ...base, status: 'skipped' },
        { ...base, status: 'completed' },
      ]).status,
      'completed',
    );
    assert.equal(
      cardOf([
        { ...base, status: 'skipped' },
        { ...base, status: 'skipped' },
      ]).status,
      'skipped',
    );
    const blockedBy = { mutex: 'db', holder: { runId: 'r0', nodeId: 'migrate' } };
    assert.deepEqual(
      cardOf([
        { ...base, status: 'running' },
        { ...base, info: { ...base.info, id: 't[a=2]' }, status: 'pending', blockedBy },
      ]).blockedBy,
      blockedBy,
      'a matrix waits for the mutex while one of its instances does',
    );
    assert.equal(cardOf([{ ...base, status: 'running', blockedBy }]).blockedBy, undefined, 'a stale wait of a node that started');
    const kept = { runId: 'r0', at: 1 };
    assert.equal(cardOf([{ ...base, status: 'completed', cached: kept }]).reused, 1);
    assert.equal(
      cardOf([
        { ...base, status: 'completed', cached: kept },
        { ...base, info: { ...base.info, id: 't[a=2]' }, status: 'completed' },
      ]).reused,
      1,
      'a matrix counts its instances reused',
    );
  });

  it('publishes new objects only for the cards an event batch touched', async () => {
    const events = await record(SDLC);
    const cut = events.findIndex((e) => e.type === 'node:started' && e.nodeId === 'backend');
    const store = createPanelStore();
    store.getState().loadRun('r1', events.slice(0, cut));
    const before = store.getState().cards;
    store.getState().applyEvents([events[cut]]);
    const after = store.getState().cards;
    assert.equal(after.backend.status, 'running');
    assert.notEqual(after.backend, before.backend);
    for (const id of ['requirements', 'design', 'frontend', 'testing', 'deployment']) assert.equal(after[id], before[id], `${id} re-rendered`);
  });

  it('gives a card to a node a run continued after its file changed did not have', async () => {
    const events = await record(SDLC);
    const store = createPanelStore();
    store.getState().loadRun('r1', events);
    const started = events[0] as Extract<EngineEvent, { type: 'workflow:started' }>;
    const docs = { id: 'docs', nodeId: 'docs', name: 'docs', kind: 'run' as const, needs: ['deployment'] };
    const at = { runId: 'r1', ts: events.at(-1)!.ts + 10 };
    const seq = events.at(-1)!.seq;
    store.getState().applyEvents([
      { ...at, seq: seq + 1, type: 'workflow:resumed', reset: ['docs'], workflow: started.workflow, nodes: [...started.nodes, docs] },
      { ...at, seq: seq + 2, type: 'node:started', nodeId: 'docs', attempt: 1 },
    ]);
    const state = store.getState();
    assert.equal(state.cards.docs?.status, 'running');
    assert.deepEqual(state.instancesOf.docs, ['docs']);
    assert.equal(state.cards.deployment.status, 'completed');
  });

  it('keeps the last graph that parsed while the text does not parse', () => {
    const store = createPanelStore();
    const good = dagGraphOf(buildIndex(validateWorkflow(SDLC))).graph;
    store.getState().setGraph(good, undefined);
    store.getState().setGraph({ name: 'partial', nodes: [] }, { message: 'YAML syntax error: x', line: 3, column: 1 });
    assert.equal(store.getState().graph, good);
    assert.equal(store.getState().graphError?.line, 3);
    store.getState().setGraph(good, undefined);
    assert.equal(store.getState().graphError, undefined);
  });

  it('hands a frame’s worth of events over at once', () => {
    const frames: (() => void)[] = [];
    const batches: number[][] = [];
    const batcher = new FrameBatcher<number>(
      (items) => batches.push(items),
      (cb) => {
        frames.push(cb);
        return () => undefined;
      },
    );
    for (let i = 0; i < 1000; i++) batcher.push([i]);
    assert.equal(frames.length, 1);
    frames[0]();
    batcher.push([1000]);
    frames[1]();
    assert.deepEqual(
      batches.map((b) => b.length),
      [1000, 1],
    );
  });

  it('describes every kind of event in a line', async () => {
    const events = await record(SDLC, { backend: () => ({ exitCode: 2 }) });
    for (const e of events) assert.ok(describeEvent(e).length > 0);
    assert.match(describeEvent(events.find((e) => e.type === 'node:failed')!), /exit 2/);
    // Who paused or resumed a served engine's run is on its line.
    const base = { runId: 'r', seq: 9, ts: 0 };
    assert.equal(describeEvent({ ...base, type: 'workflow:paused', actor: 'ana' }), 'run paused by ana');
    assert.equal(
      describeEvent({ ...base, type: 'workflow:pausing', running: 1, actor: 'ana' }),
      'pause asked by ana: nothing new starts; 1 running node to finish first',
    );
    assert.equal(describeEvent({ ...base, type: 'workflow:resumed', reset: ['a', 'b'], actor: 'ci-bot' }), 'run resumed by ci-bot: 2 nodes to run again');
    assert.equal(describeEvent({ ...base, type: 'workflow:resumed', reset: [] }), 'run resumed');
  });
});

describe('DAG panel: analysis and navigation', () => {
  it('finds the critical path and its longest step', () => {
    const needs: Record<string, string[]> = { a: [], b: ['a'], c: ['a'], d: ['b', 'c'] };
    const gantt = ganttOf(
      0,
      [
        { id: 'a', nodeId: 'a', status: 'completed', startedAt: 0, endedAt: 100 },
        { id: 'b', nodeId: 'b', status: 'completed', startedAt: 100, endedAt: 150 },
        { id: 'c', nodeId: 'c', status: 'completed', startedAt: 100, endedAt: 400 },
        { id: 'd', nodeId: 'd', status: 'completed', startedAt: 400, endedAt: 450 },
        { id: 'e', nodeId: 'e', status: 'pending' },
      ],
      (id) => needs[id] ?? [],
      1000,
      460,
    );
    assert.deepEqual(gantt.critical, ['a', 'c', 'd']);
    assert.deepEqual(gantt.bottleneck, { id: 'c', ms: 300 });
    assert.equal(gantt.totalMs, 460);
    assert.equal(gantt.bars.length, 4, 'a node that never started has no bar');
  });

  it('draws a running node up to now', () => {
    const gantt = ganttOf(0, [{ id: 'a', nodeId: 'a', status: 'running', startedAt: 10 }], () => [], 500);
    assert.deepEqual(
      gantt.bars.map((b) => [b.start, b.end, b.open]),
      [[10, 500, true]],
    );
  });

  it('moves between cards with the arrow keys', () => {
    const graph = dagGraphOf(buildIndex(validateWorkflow(SDLC))).graph;
    const layout = layoutGraph(graph.nodes);
    assert.equal(neighbourOf(graph.nodes, layout, null, 'down'), 'requirements');
    assert.equal(neighbourOf(graph.nodes, layout, 'design', 'down'), 'backend');
    assert.equal(neighbourOf(graph.nodes, layout, 'backend', 'right'), 'frontend');
    assert.equal(neighbourOf(graph.nodes, layout, 'frontend', 'right'), 'frontend');
    assert.equal(neighbourOf(graph.nodes, layout, 'testing', 'up'), 'backend');
    assert.equal(neighbourOf(graph.nodes, layout, 'requirements', 'up'), 'requirements');
  });

  it('searches ids and names, and colours phases in order', () => {
    const graph = dagGraphOf(buildIndex(validateWorkflow(SDLC))).graph;
    assert.deepEqual(searchNodes(graph, 'END'), ['backend', 'frontend']);
    assert.deepEqual(searchNodes(graph, '  '), []);
    assert.deepEqual([...phaseColours(graph).keys()], ['requirements', 'design', 'implementation', 'testing', 'deployment']);
    assert.equal(phaseColours(graph).get('implementation'), 'var(--vscode-charts-green)');
  });
});
