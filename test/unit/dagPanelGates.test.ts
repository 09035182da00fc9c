// The DAG panel and approval gates inside sub-runs: the card of the `workflow` node that holds one says a gate waits,
// and its details list each with its prompt, until it is answered or the run ends.
import { strict as assert } from 'node:assert';
import type { EngineEvent } from '../../src/engine/protocol';
import { cardOf, RunFold } from '../../src/webview/state/runView';

const node = (id: string, kind: 'run' | 'workflow' = 'workflow', matrix?: Record<string, string>) => ({
  id,
  nodeId: id.replace(/\[.*$/, ''),
  name: id,
  kind,
  needs: [],
  ...(matrix ? { matrix } : {}),
});

describe('DAG panel: gates waiting inside sub-runs', () => {
  let seq = 0;
  const at = () => ({ runId: 'r1', seq: ++seq, ts: seq });
  const started: EngineEvent = {
    ...at(),
    type: 'workflow:started',
    workflow: { name: 'W', path: '/w.workflow.yaml', hash: 'h' },
    inputs: {},
    nodes: [node('deploy'), node('m[x=a/b]', 'workflow', { x: 'a/b' }), node('m[x=c]', 'workflow', { x: 'c' }), node('after', 'run')],
    concurrency: 2,
  };
  const waiting = (nodeId: string, parentNodeId: string, prompt: string): EngineEvent => ({ ...at(), type: 'node:waiting', nodeId, parentNodeId, prompt });
  const completed = (nodeId: string, parentNodeId: string): EngineEvent => ({
    ...at(),
    type: 'node:completed',
    nodeId,
    parentNodeId,
    attempt: 1,
    outputs: {},
    artifacts: [],
    durationMs: 1,
  });

  it('puts each gate under the instance whose sub-run holds it, at any depth, and takes it away once answered', () => {
    seq = 0;
    const fold = new RunFold('r1');
    fold.apply([
      started,
      { ...at(), type: 'node:started', nodeId: 'deploy', attempt: 1 },
      { ...at(), type: 'node:started', nodeId: 'deploy/inner', parentNodeId: 'deploy', attempt: 1 },
    ]);
    const first = fold.apply([waiting('deploy/inner/ship', 'deploy/inner', 'Ship it?'), waiting('m[x=a/b]/gate', 'm[x=a/b]', 'Go a/b?')]);
    assert.deepEqual([...first.instances].sort(), ['deploy', 'm[x=a/b]']);
    assert.deepEqual([...first.nodes].sort(), ['deploy', 'm']);
    assert.deepEqual(fold.view('deploy')!.gatesInside, [{ id: 'deploy/inner/ship', prompt: 'Ship it?' }]);
    assert.deepEqual(fold.view('m[x=a/b]')!.gatesInside, [{ id: 'm[x=a/b]/gate', prompt: 'Go a/b?' }]);
    assert.deepEqual(fold.view('after')!.gatesInside, []);
    assert.deepEqual(
      fold.view('deploy')!.subRun.map((n) => [n.id, n.name, n.status, n.depth]),
      [
        ['deploy/inner', 'inner', 'running', 1],
        ['deploy/inner/ship', 'ship', 'waiting', 2],
      ],
      "the sub-run's nodes, each under the node that runs it",
    );
    assert.deepEqual(fold.view('after')!.subRun, []);
    assert.equal(cardOf([fold.view('m[x=a/b]')!, fold.view('m[x=c]')!]).gatesInside, 1);

    const log: EngineEvent = { ...at(), type: 'node:log', nodeId: 'deploy/inner/ship', parentNodeId: 'deploy/inner', lines: [] };
    assert.deepEqual([...fold.apply([log]).instances], [], 'a log line changes no gate');
    const answered = fold.apply([completed('deploy/inner/ship', 'deploy/inner')]);
    assert.deepEqual([...answered.instances], ['deploy']);
    assert.deepEqual(fold.view('deploy')!.gatesInside, []);
    assert.equal(cardOf([fold.view('deploy')!]).gatesInside, 0);

    const ended = fold.apply([
      { ...at(), type: 'workflow:completed', status: 'cancelled', summary: { total: 4, completed: 0, failed: 0, skipped: 0, cancelled: 4, durationMs: 9 } },
    ]);
    assert.ok(ended.instances.has('m[x=a/b]'), 'the end of the run takes the last gates away');
    assert.deepEqual(fold.view('m[x=a/b]')!.gatesInside, []);
  });
});
