import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/engine/protocol';
import { readRun } from '../../src/engine/run/io/runStore';
import { foldEvents } from '../../src/engine/runState';
import { runsInFolder } from './runsInFolder';

describe('engine: a matrix made at run time, with real processes', () => {
  const { dir, runsDir, write, run, resume } = runsInFolder('matrix');
  const PLAN = `  plan: { run: "echo 'matrix={\\"shard\\":[1,2,3]}' >> \\"$MAESTRO_OUTPUT\\"", outputs: [matrix] }`;
  /** A workflow of PLAN and a matrix made from it whose second instance fails until `flag` exists. */
  const failingSecond = (name: string, flag: string) =>
    write(
      name,
      'version: 1',
      'name: Resume',
      'nodes:',
      PLAN,
      '  test:',
      '    needs: plan',
      '    matrix: ${{ fromJSON(nodes.plan.outputs.matrix) }}',
      `    run: 'test "\${{ matrix.shard }}" != 2 || test -f ${flag}'`,
    );
  /** Runs a workflow, which fails; makes `flag`, and continues the run from its log to its end. */
  const failThenResume = async (path: string, flag: string) => {
    const { handle, status } = await run(path);
    assert.equal(status, 'failed');
    writeFileSync(flag, '');
    const resumed = await resume(handle.runId);
    assert.equal(resumed.status, 'completed');
    return { runId: handle.runId, started: resumed.events.flatMap((e) => (e.type === 'node:started' ? [e.nodeId] : [])), events: resumed.events };
  };

  it('fans out over what a script wrote, and the next node reads each instance by its id', async () => {
    const path = write(
      'plan.workflow.yaml',
      'version: 1',
      'name: Plan',
      'nodes:',
      PLAN,
      '  test:',
      '    needs: plan',
      '    matrix: ${{ fromJSON(nodes.plan.outputs.matrix) }}',
      '    run: echo "n=$((SHARD * 10))" >> "$MAESTRO_OUTPUT"',
      '    env: { SHARD: "${{ matrix.shard }}" }',
      '    outputs: [n]',
      '  sum:',
      '    needs: test',
      '    run: echo "$ALL" > sum.txt',
      '    env: { ALL: "${{ toJSON(nodes.test.outputs.n) }}" }',
    );
    const { status } = await run(path);
    assert.equal(status, 'completed');
    assert.deepEqual(JSON.parse(readFileSync(join(dir(), 'sum.txt'), 'utf8')), { 'test[shard=1]': '10', 'test[shard=2]': '20', 'test[shard=3]': '30' });
  });

  it('continues a run from its log with the instances it made: the failed one runs again, the matrix is not made again', async () => {
    const flag = join(dir(), 'flag');
    const { runId, started, events } = await failThenResume(failingSecond('resume.workflow.yaml', flag), flag);
    assert.deepEqual(started, ['test[shard=2]']);
    assert.deepEqual(
      events.filter((e) => e.type === 'node:matrix'),
      [],
    );
    const state = foldEvents(readRun(runsDir(), runId).events)!;
    assert.deepEqual(
      state.order.map((id) => [id, state.nodes.get(id)!.status]),
      [
        ['plan', 'completed'],
        ['test[shard=1]', 'completed'],
        ['test[shard=2]', 'completed'],
        ['test[shard=3]', 'completed'],
      ],
    );
  });

  it("continues a sub-workflow's matrix from the log: its completed instances keep what they reached, the failed one runs", async () => {
    const flag = join(dir(), 'flag');
    failingSecond('child.workflow.yaml', flag);
    const path = write('parent.workflow.yaml', 'version: 1', 'name: Parent', 'nodes:', '  sub: { workflow: child.workflow.yaml }');
    const { runId, started } = await failThenResume(path, flag);
    assert.deepEqual(started, ['sub', 'sub/test[shard=2]']);
    const state = foldEvents(readRun(runsDir(), runId).events)!;
    assert.deepEqual(
      state.nested.map((id) => [id, state.nestedNodes[id].status]),
      [
        ['sub/plan', 'completed'],
        ['sub/test[shard=1]', 'completed'],
        ['sub/test[shard=2]', 'completed'],
        ['sub/test[shard=3]', 'completed'],
      ],
    );
  });

  it("makes a sub-workflow's matrix under its node, where the run's state lists its instances", async () => {
    write(
      'child.workflow.yaml',
      'version: 1',
      'name: Child',
      'nodes:',
      PLAN,
      '  test: { needs: plan, matrix: "${{ fromJSON(nodes.plan.outputs.matrix) }}", run: "true" }',
    );
    const path = write('parent.workflow.yaml', 'version: 1', 'name: Parent', 'nodes:', '  sub: { workflow: child.workflow.yaml }');
    const { status, events } = await run(path);
    assert.equal(status, 'completed');
    const made = events.find((e) => e.type === 'node:matrix') as Extract<EngineEvent, { type: 'node:matrix' }>;
    assert.equal(made.nodeId, 'sub/test');
    assert.equal(made.parentNodeId, 'sub');
    assert.deepEqual(
      made.nodes.map((n) => n.id),
      ['sub/test[shard=1]', 'sub/test[shard=2]', 'sub/test[shard=3]'],
    );
    const state = foldEvents(events)!;
    assert.deepEqual(state.nested, ['sub/plan', 'sub/test[shard=1]', 'sub/test[shard=2]', 'sub/test[shard=3]']);
    assert.ok(state.nested.every((id) => state.nestedNodes[id].status === 'completed'));
  });
});
