// The nodes of sub-runs in a run's state: folded from their events under their ids in the run, with what the events
// show of their kind, forgotten when their workflow node runs again, and described for the Runs tree.
import { strict as assert } from 'node:assert';
import type { EngineEvent } from '../../src/engine/protocol';
import { allInstanceIds, applyEvent, foldEvents, fromSnapshot, hasInstance, toSnapshot } from '../../src/engine/runState';
import { nodeItem } from '../../src/extension/views/treeModels';

const e = (partial: Record<string, unknown>, seq: number): EngineEvent => ({ runId: 'r', seq, ts: 1000 + seq, ...partial }) as EngineEvent;
const run = [
  e(
    {
      type: 'workflow:started',
      workflow: { name: 'W', path: '/w', hash: 'h' },
      inputs: {},
      concurrency: 2,
      nodes: [
        { id: 'deploy', nodeId: 'deploy', name: 'deploy', kind: 'workflow', needs: [] },
        { id: 'm[p=a/b]', nodeId: 'm', name: 'm', kind: 'workflow', needs: [], matrix: { p: 'a/b' } },
      ],
    },
    1,
  ),
  e({ type: 'node:started', nodeId: 'deploy', attempt: 1 }, 2),
  e({ type: 'node:started', nodeId: 'deploy/build', parentNodeId: 'deploy', attempt: 1 }, 3),
  e({ type: 'node:completed', nodeId: 'deploy/build', parentNodeId: 'deploy', attempt: 1, outputs: { v: '1' }, artifacts: [], durationMs: 5 }, 4),
  e({ type: 'node:started', nodeId: 'deploy/inner', parentNodeId: 'deploy', attempt: 1 }, 5),
  e({ type: 'node:started', nodeId: 'deploy/inner/test[s=1]', parentNodeId: 'deploy/inner', attempt: 1 }, 6),
  e({ type: 'node:failed', nodeId: 'deploy/inner/test[s=1]', parentNodeId: 'deploy/inner', attempt: 1, error: 'exit 1', exitCode: 1, durationMs: 2 }, 7),
  e({ type: 'node:waiting', nodeId: 'deploy/ship', parentNodeId: 'deploy', prompt: 'Ship?' }, 8),
  e({ type: 'node:started', nodeId: 'm[p=a/b]', attempt: 1 }, 9),
  e({ type: 'node:started', nodeId: 'm[p=a/b]/x', parentNodeId: 'm[p=a/b]', attempt: 1 }, 10),
];

describe('run state: the nodes of sub-runs', () => {
  it('folds them under their ids in the run, with their parent and what the events show of their kind', () => {
    const state = foldEvents(run)!;
    const build = state.nestedNodes['deploy/build'];
    assert.deepEqual(
      [build.status, build.outputs, build.parentNodeId, build.info.nodeId, build.info.name],
      ['completed', { v: '1' }, 'deploy', 'build', 'build'],
    );
    const test = state.nestedNodes['deploy/inner/test[s=1]'];
    assert.deepEqual([test.status, test.error, test.info.nodeId, test.info.name], ['failed', 'exit 1', 'test', 'test[s=1]']);
    assert.deepEqual(
      ['deploy/build', 'deploy/inner', 'deploy/ship'].map((id) => state.nestedNodes[id].info.kind),
      ['run', 'workflow', 'approval'],
    );
    assert.equal(state.nestedNodes['deploy/ship'].prompt, 'Ship?');
    assert.deepEqual(state.nestedGates, { 'deploy/ship': 'Ship?' });
    // Each sub-run's nodes right after the node that ran it, a matrix value holding a slash or not.
    assert.deepEqual(allInstanceIds(state), ['deploy', 'deploy/build', 'deploy/inner', 'deploy/inner/test[s=1]', 'deploy/ship', 'm[p=a/b]', 'm[p=a/b]/x']);
  });

  it("lists a sub-run's nodes pending as it starts; another attempt starts afresh, one continued keeps what completed", () => {
    const info = (id: string, kind = 'run', needs: string[] = []) => ({ id, nodeId: id.split('/').at(-1)!, name: id.split('/').at(-1)!, kind, needs });
    const listing = (nodeId: string, nodes: unknown[], seq: number, more: Record<string, unknown> = {}) =>
      e({ type: 'node:subrun', nodeId, nodes, ...(nodeId.includes('/') ? { parentNodeId: nodeId.slice(0, nodeId.lastIndexOf('/')) } : {}), ...more }, seq);
    const state = foldEvents([
      run[0],
      run[1],
      listing('deploy', [info('deploy/build'), info('deploy/ship', 'approval', ['deploy/build']), info('deploy/inner', 'workflow')], 3),
      e({ type: 'node:started', nodeId: 'deploy/inner', parentNodeId: 'deploy', attempt: 1 }, 4),
      listing('deploy/inner', [info('deploy/inner/test')], 5),
      e({ type: 'node:completed', nodeId: 'deploy/build', parentNodeId: 'deploy', attempt: 1, outputs: { v: '1' }, artifacts: [], durationMs: 5 }, 6),
    ])!;
    assert.deepEqual(allInstanceIds(state), ['deploy', 'deploy/build', 'deploy/ship', 'deploy/inner', 'deploy/inner/test', 'm[p=a/b]']);
    const of = (s: typeof state, id: string) => [s.nestedNodes[id].status, s.nestedNodes[id].info.kind, s.nestedNodes[id].parentNodeId];
    assert.deepEqual(
      ['deploy/build', 'deploy/ship', 'deploy/inner', 'deploy/inner/test'].map((id) => of(state, id)),
      [
        ['completed', 'run', 'deploy'],
        ['pending', 'approval', 'deploy'],
        ['running', 'workflow', 'deploy'],
        ['pending', 'run', 'deploy/inner'],
      ],
    );
    assert.deepEqual(state.nestedNodes['deploy/ship'].info.needs, ['deploy/build']);

    // Continued from the log, `ship` gone from the sub-workflow's file: `build` keeps what it reached, the rest waits.
    const continued = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(state))) as ReturnType<typeof toSnapshot>);
    applyEvent(continued, listing('deploy', [info('deploy/build'), info('deploy/inner', 'workflow')], 7, { continued: true }));
    assert.deepEqual(allInstanceIds(continued), ['deploy', 'deploy/build', 'deploy/inner', 'deploy/inner/test', 'm[p=a/b]']);
    assert.deepEqual([continued.nestedNodes['deploy/build'].outputs, of(continued, 'deploy/inner')[0]], [{ v: '1' }, 'pending']);

    // Another attempt of `deploy`: its sub-run starts afresh.
    applyEvent(state, listing('deploy', [info('deploy/build')], 7));
    assert.deepEqual(allInstanceIds(state), ['deploy', 'deploy/build', 'm[p=a/b]']);
    assert.equal(state.nestedNodes['deploy/build'].status, 'pending');
  });

  it('forgets a sub-run when its workflow node is reset to run again', () => {
    const state = foldEvents(run)!;
    applyEvent(state, e({ type: 'workflow:resumed', reset: ['deploy'] }, 11));
    assert.deepEqual(state.nested, ['m[p=a/b]/x']);
    assert.deepEqual(Object.keys(state.nestedNodes), ['m[p=a/b]/x']);
  });

  it('crosses a boundary whole, and reads a snapshot from an engine older than them as having none', () => {
    const state = foldEvents(run)!;
    const copy = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(state))) as ReturnType<typeof toSnapshot>);
    const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
    assert.deepEqual(json(toSnapshot(copy)), json(toSnapshot(state)));
    const { nestedNodes: _gone, ...older } = JSON.parse(JSON.stringify(toSnapshot(state))) as ReturnType<typeof toSnapshot>;
    assert.deepEqual(fromSnapshot(older).nestedNodes, {});
  });

  it('describes them in the Runs tree by their own id, as nodes that are not retried by themselves', () => {
    const state = foldEvents(run)!;
    const test = nodeItem(state.nestedNodes['deploy/inner/test[s=1]'], 2000, { nested: true });
    assert.deepEqual([test.label, test.contextValue, test.collapsible], ['test[s=1]', 'subnode-failed', false]);
    assert.match(test.tooltip ?? '', /^test\[s=1\] \(deploy\/inner\/test\[s=1\]\)/);
    const inner = nodeItem(state.nestedNodes['deploy/inner'], 2000, { nested: true, children: true });
    assert.deepEqual([inner.label, inner.contextValue, inner.collapsible], ['inner', 'subnode-running', true]);
    assert.equal(nodeItem(state.nestedNodes['deploy/ship'], 2000, { nested: true }).contextValue, 'subnode-waiting');
    const deploy = nodeItem(state.nodes.get('deploy')!, 2000, { children: true });
    assert.deepEqual([deploy.label, deploy.contextValue, deploy.collapsible], ['deploy', 'node-running', true]);
  });

  it('knows which node ids a run has: its own, those its sub-runs told, and any under a workflow node yet to tell', () => {
    const state = foldEvents(run)!;
    for (const id of ['deploy', 'deploy/build', 'deploy/inner/test[s=1]', 'deploy/inner/later', 'deploy/later', 'm[p=a/b]', 'm[p=a/b]/y'])
      assert.ok(hasInstance(state, id), id);
    for (const id of ['nope', 'deploy/build/x', 'm[p=a/zz]', 'm[p=a', 'nope/build', 'deploy/ship/x']) assert.ok(!hasInstance(state, id), id);
  });
});
