import { strict as assert } from 'node:assert';
import { dagGraphOf } from '../../src/engine/dagGraph';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { pendingReason } from '../../src/webview/analysis/pendingReason';
import type { InstanceView } from '../../src/webview/state/runView';
import { createPanelStore } from '../../src/webview/state/store';
import { yaml } from './helpers';
import { setup } from './schedulerSetup';

const LINES = [
  'concurrency: 2',
  'nodes:',
  '  a: { run: x, mutex: db }',
  '  b: { run: x, mutex: db }',
  '  c: { needs: a, run: x }',
  '  m: { run: x, matrix: { k: [1, 2] }, maxParallel: 1 }',
  '  d: { run: x }',
];

describe('why a node of a live run waits (the details panel)', () => {
  it('says what the engine waits for: needs, the mutex and who holds it, maxParallel, a slot, a pause', async () => {
    const { scheduler, clock, sink } = setup(LINES, { '*': () => ({ durationMs: 300 }) });
    const graph = dagGraphOf(buildIndex(validateWorkflow(yaml('version: 1', 'name: Test', ...LINES)))).graph;
    const reasons = () => {
      const store = createPanelStore();
      store.getState().setGraph(graph, undefined);
      store.getState().loadRun('r1', sink.events);
      const s = store.getState();
      const scene = { run: s.run, instances: s.instances, nodeOf: (id: string) => s.graph?.nodes.find((n) => n.id === id) };
      return Object.fromEntries(Object.values(s.instances).map((i) => [i.info.id, pendingReason(i, scene)]));
    };
    scheduler.start();
    await clock.advance(50);
    assert.deepEqual(reasons(), {
      a: undefined,
      b: 'Waits for the mutex db, which a holds',
      c: 'Waits for a to end',
      'm[k=1]': undefined,
      'm[k=2]': 'Waits: 1 of its instances run at once (maxParallel)',
      d: "Waits for a free slot: 2 running (the run's concurrency)",
    });
    // A mutex no node of this run holds: another run of the engine may.
    const store = createPanelStore();
    store.getState().setGraph(graph, undefined);
    store.getState().loadRun('r1', sink.events);
    const s = store.getState();
    const elsewhere = (running: string[], blockedBy?: InstanceView['blockedBy']) =>
      pendingReason(
        { ...s.instances.b, info: { ...s.instances.b.info, needs: [] }, blockedBy },
        {
          run: s.run,
          instances: Object.fromEntries(Object.entries(s.instances).map(([id, i]) => [id, running.includes(id) ? i : { ...i, status: 'pending' as const }])),
          nodeOf: (id) => s.graph?.nodes.find((n) => n.id === id),
        },
      );
    assert.equal(elsewhere(['m[k=1]']), "Waits for a free slot: 1 running (the run's concurrency), or for the mutex db, which another run may hold");
    assert.equal(elsewhere([]), 'Waits for the mutex db, which another run may hold');
    // The engine names the other run's holder (node:blocked) when it knows it.
    const holder = { runId: '20261205-0405-ab12', nodeId: 'migrate', pid: 4321 };
    assert.equal(elsewhere([], { mutex: 'db', holder }), 'Waits for the mutex db, which migrate of the run 20261205-0405-ab12, process 4321 holds');
    assert.equal(
      elsewhere(['m[k=1]'], { mutex: 'db', holder: { pid: 4321 } }),
      "Waits for a free slot: 1 running (the run's concurrency), or for the mutex db, which process 4321 holds",
    );
    scheduler.pause();
    await clock.advance(10);
    assert.equal(reasons().d, 'Waits: the run is paused');
    scheduler.resume();
    await clock.advance(10_000);
    assert.equal(await scheduler.done, 'completed');
    assert.deepEqual(Object.values(reasons()), [undefined, undefined, undefined, undefined, undefined, undefined], 'nothing waits in an ended run');
  });

  it('reads the mutexes and maxParallel as the run has them, not as the file says now', async () => {
    const { scheduler, clock, sink } = setup(LINES, { '*': () => ({ durationMs: 300 }) });
    // The file edited since the run started: no mutex, no maxParallel.
    const edited = [
      'concurrency: 2',
      'nodes:',
      '  a: { run: x }',
      '  b: { run: x }',
      '  c: { needs: a, run: x }',
      '  m: { run: x, matrix: { k: [1, 2] } }',
      '  d: { run: x }',
    ];
    const graph = dagGraphOf(buildIndex(validateWorkflow(yaml('version: 1', 'name: Test', ...edited)))).graph;
    scheduler.start();
    await clock.advance(50);
    const store = createPanelStore();
    store.getState().setGraph(graph, undefined);
    store.getState().loadRun('r1', sink.events);
    const s = store.getState();
    const scene = { run: s.run, instances: s.instances, nodeOf: (id: string) => s.graph?.nodes.find((n) => n.id === id) };
    assert.equal(pendingReason(s.instances.b, scene), 'Waits for the mutex db, which a holds');
    assert.equal(pendingReason(s.instances['m[k=2]'], scene), 'Waits: 1 of its instances run at once (maxParallel)');
    // A run recorded before its events said them: the file's.
    const older = { ...s.instances.b, info: { ...s.instances.b.info, mutex: undefined } };
    assert.equal(pendingReason(older, scene), "Waits for a free slot: 2 running (the run's concurrency)");
    await clock.advance(10_000);
    assert.equal(await scheduler.done, 'completed');
  });
});
