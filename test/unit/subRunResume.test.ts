// A run continued from its log with a sub-run half done: the sub-run's completed nodes are kept, at any depth,
// with their outputs; a retry of the `workflow` node, or a resume from it, runs its sub-run over.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/engine/protocol';
import { resumeRunFromLog, startRun } from '../../src/engine/run/engine';
import type { WorkflowSpec } from '../../src/engine/model';
import { instancesToKeep } from '../../src/engine/run/resumeFrom';
import { foldEvents } from '../../src/engine/runState';
import { yaml } from './helpers';

let seq = 0;
const at = () => ({ runId: 'r', ts: 0, seq: ++seq });
const info = (id: string) => ({ id, nodeId: id, name: id, kind: 'workflow' as const, needs: [] });
const started = (nodeId: string, parentNodeId: string, attempt = 1): EngineEvent => ({ ...at(), type: 'node:started', nodeId, parentNodeId, attempt });
const completed = (nodeId: string, parentNodeId: string, outputs = {}, attempt = 1): EngineEvent => ({
  ...at(),
  type: 'node:completed',
  nodeId,
  parentNodeId,
  attempt,
  outputs,
  artifacts: [],
  durationMs: 1,
});

describe('sub-runs continued from the log', () => {
  it('keeps the nodes whose last word is that they completed, at any depth, until their workflow node is reset', () => {
    const header = { name: 'W', path: '/w.workflow.yaml', hash: 'h' };
    const state = foldEvents([
      { ...at(), type: 'workflow:started', workflow: header, inputs: {}, nodes: [info('sub'), info('other')], concurrency: 1 },
      started('sub/a', 'sub'),
      completed('sub/a', 'sub', { v: '1' }),
      started('sub/leaf', 'sub'),
      completed('sub/leaf/x', 'sub/leaf', {}, 2),
      completed('sub/b', 'sub'),
      started('sub/b', 'sub', 2),
      completed('other/c', 'other'),
      { ...at(), type: 'workflow:resumed', reset: ['other'] },
    ]);
    const workflow = {
      nodes: [
        { id: 'sub', needs: [] },
        { id: 'other', needs: [] },
      ],
    } as unknown as WorkflowSpec;
    const kept = Object.fromEntries([...instancesToKeep(state, workflow, undefined, '/w.workflow.yaml')].filter(([id]) => id.includes('/')));
    assert.deepEqual(kept, {
      'sub/a': { status: 'completed', outputs: { v: '1' }, attempt: 1 },
      'sub/leaf/x': { status: 'completed', outputs: {}, attempt: 2 },
    });
    const fromSub = [...instancesToKeep(state, workflow, 'sub', '/w.workflow.yaml').keys()];
    assert.deepEqual(fromSub, ['other'], 'a resume from the workflow node runs its sub-run over');
  });

  describe('with real processes', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-subresume-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** main runs `deploy` (child), whose `leaf` runs grandchild; `gate` holds the run until the test halts it. */
    const write = (final: string) => {
      const count = (name: string) => `echo ${name} >> "${dir}/ran"; echo "v=${name}" >> "$MAESTRO_OUTPUT"`;
      writeFileSync(join(dir, 'grandchild.workflow.yaml'), yaml('version: 1', 'name: G', 'nodes:', `  x: { run: '${count('x')}', outputs: [v] }`));
      writeFileSync(
        join(dir, 'child.workflow.yaml'),
        yaml(
          'version: 1',
          'name: C',
          'nodes:',
          `  first: { run: '${count('first')}', outputs: [v] }`,
          '  leaf: { workflow: ./grandchild.workflow.yaml }',
          `  last: { needs: [first, leaf], run: '${final}', outputs: [v] }`,
        ),
      );
      const main = join(dir, 'main.workflow.yaml');
      writeFileSync(main, yaml('version: 1', 'name: Main', 'nodes:', '  deploy: { workflow: ./child.workflow.yaml, outputs: [v] }'));
      return main;
    };
    const ran = () => readFileSync(join(dir, 'ran'), 'utf8').trim().split('\n');

    it("continues a half-done sub-run: its completed nodes, a sub-run's sub-run's too, do not run again and keep their outputs", async () => {
      const main = write('sleep 30');
      const runsDir = join(dir, 'runs');
      const events: EngineEvent[] = [];
      let seen = () => undefined as unknown;
      const run = startRun({ workflowPath: main, runsDir, onEvent: (e) => (events.push(e), seen()) });
      await new Promise<void>((resolve) => {
        seen = () => events.some((e) => e.type === 'node:started' && e.nodeId === 'deploy/last') && resolve();
        seen();
      });
      await run.scheduler.halt('the editor window closed');
      run.dispose();
      write('exit 1');
      const after: EngineEvent[] = [];
      const resumed = await resumeRunFromLog({ runsDir, runId: run.runId, onEvent: (e) => after.push(e) });
      assert.equal(await resumed.finished(), 'failed');
      assert.deepEqual(ran().sort(), ['first', 'x'], 'nothing that completed ran again');
      const startedAgain = after.filter((e) => e.type === 'node:started').map((e) => (e as { nodeId: string }).nodeId);
      assert.deepEqual(startedAgain, ['deploy', 'deploy/last']);
      // The sub-run continued lists its nodes again: what completed in it stays completed, the rest ran again.
      const nested = foldEvents([...events, ...after])!.nestedNodes;
      assert.deepEqual(
        ['deploy/first', 'deploy/leaf', 'deploy/leaf/x', 'deploy/last'].map((id) => nested[id]?.status),
        ['completed', 'completed', 'completed', 'failed'],
      );

      // Retried, the workflow node runs its whole sub-run again; the kept outputs reach the node's.
      write('echo "v=$(echo done)" >> "$MAESTRO_OUTPUT"');
      resumed.scheduler.retryNode('deploy');
      assert.equal(await resumed.finished(), 'completed');
      resumed.dispose();
      assert.deepEqual(ran().sort(), ['first', 'first', 'x', 'x']);
      const deploy = after.filter((e) => e.type === 'node:completed' && e.nodeId === 'deploy').at(-1);
      assert.deepEqual((deploy as { outputs: object }).outputs, { v: 'done' });
      const listed = after.flatMap((e) => (e.type === 'node:subrun' ? [`${e.nodeId}${e.continued ? ' continued' : ''}`] : []));
      assert.deepEqual(listed, ['deploy continued', 'deploy', 'deploy/leaf']);
    });

    it('keeps what a sub-run completed through a second halt and resume: the first resume tells its log what it kept', async () => {
      const main = write('sleep 30');
      const runsDir = join(dir, 'runs');
      /** Runs until the sub-run's last node has started, and halts the run there, as a window closing would. */
      const haltAtLast = async (start: (onEvent: (e: EngineEvent) => void) => Promise<ReturnType<typeof startRun>>) => {
        let lastStarted: () => void = () => undefined;
        const reached = new Promise<void>((resolve) => (lastStarted = resolve));
        const run = await start((e) => e.type === 'node:started' && e.nodeId === 'deploy/last' && lastStarted());
        await reached;
        await run.scheduler.halt('the editor window closed');
        run.dispose();
        return run.runId;
      };
      const runId = await haltAtLast(async (onEvent) => startRun({ workflowPath: main, runsDir, onEvent }));
      await haltAtLast((onEvent) => resumeRunFromLog({ runsDir, runId, onEvent }));
      write('true');
      const last = await resumeRunFromLog({ runsDir, runId });
      assert.equal(await last.finished(), 'completed');
      last.dispose();
      assert.deepEqual(ran().sort(), ['first', 'x'], 'what the sub-run completed before the first halt never ran again');
    });

    it("keeps a sub-run's outputs for its node when only what failed in it runs again", async () => {
      const main = write('exit 1');
      const runsDir = join(dir, 'runs');
      const run = startRun({ workflowPath: main, runsDir });
      assert.equal(await run.finished(), 'failed');
      run.dispose();
      write('echo "v=last" >> "$MAESTRO_OUTPUT"');
      const events: EngineEvent[] = [];
      const resumed = await resumeRunFromLog({ runsDir, runId: run.runId, onEvent: (e) => events.push(e) });
      assert.equal(await resumed.finished(), 'completed');
      resumed.dispose();
      assert.deepEqual(ran().sort(), ['first', 'x']);
      const deploy = events.find((e) => e.type === 'node:completed' && e.nodeId === 'deploy') as { outputs: object };
      assert.deepEqual(deploy.outputs, { v: 'last' });
      // A resume from the workflow node runs its sub-run over.
      const over = await resumeRunFromLog({ runsDir, runId: run.runId, fromNode: 'deploy' });
      assert.equal(await over.finished(), 'completed');
      over.dispose();
      assert.deepEqual(ran().sort(), ['first', 'first', 'x', 'x']);
    });

    it('refuses to run a node inside a sub-run by itself, saying which node to retry', async () => {
      const main = write('exit 1');
      const runsDir = join(dir, 'runs');
      const run = startRun({ workflowPath: main, runsDir });
      assert.equal(await run.finished(), 'failed');
      assert.throws(
        () => run.scheduler.retryNode('deploy/last'),
        /^Error: 'deploy\/last' is inside the sub-run of 'deploy': retry 'deploy' to run its sub-workflow again$/,
      );
      run.dispose();
      await assert.rejects(
        resumeRunFromLog({ runsDir, runId: run.runId, fromNode: 'deploy/leaf/x' }),
        /'deploy\/leaf\/x' is inside the sub-run of 'deploy': retry 'deploy'/,
      );
    });
  });
});
