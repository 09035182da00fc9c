import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MutexRegistry } from '../../src/engine/run/core/mutexes';
import { SlotPool } from '../../src/engine/run/core/slots';
import { subWorkflowRunner } from '../../src/engine/run/subRuns';
import { validateWorkflow } from '../../src/engine/validation/validate';
import type { MemorySink } from './fakes';
import { yaml } from './helpers';
import { setup } from './schedulerSetup';

const startOrder = (sink: MemorySink) => sink.of('node:started').map((e) => e.nodeId);
const DEPLOY = ['mutex: deploy-prod', 'nodes:', '  build: { run: x }', '  ship: { needs: build, run: x }', '  tidy: { needs: ship, if: always(), run: x }'];

/** Two runs of one file sharing one engine's mutexes, as the editor's runs do. */
function twoRuns(lines: string[], second: string[] = lines) {
  const mutexes = new MutexRegistry();
  const first = setup(lines, { '*': () => ({ durationMs: 1000 }) }, { mutexes, runId: 'r1' });
  const next = setup(second, { '*': () => ({ durationMs: 1000 }) }, { mutexes, runId: 'r2' });
  return { first, next };
}

describe("scheduler: a workflow's own mutex", () => {
  it('runs the runs that name it one at a time, the second starting nothing until the first has ended', async () => {
    const { first, next } = twoRuns(DEPLOY, ['timeout: 5s', ...DEPLOY]);
    first.scheduler.start();
    next.scheduler.start();
    await next.clock.advance(10);
    assert.deepEqual(
      next.sink.of('workflow:blocked').map(({ mutex, holder }) => ({ mutex, holder })),
      [{ mutex: 'deploy-prod', holder: { runId: 'r1', pid: process.pid } }],
    );
    await first.clock.advance(1500);
    assert.deepEqual(startOrder(first.sink), ['build', 'ship']);
    await next.clock.advance(4000);
    assert.deepEqual(startOrder(next.sink), [], 'the whole first run holds it, not one node');
    await first.clock.advance(2000);
    assert.equal(await first.scheduler.done, 'completed');
    await next.clock.advance(10);
    assert.deepEqual(startOrder(next.sink), ['build']);
    await next.clock.advance(5000);
    assert.equal(await next.scheduler.done, 'completed', 'its timeout (5s) counts from when it had the mutex, not through the wait');
    assert.equal(next.sink.of('workflow:blocked').length, 1, 'said once');
  });

  it('times a run out from when it has the mutex', async () => {
    const { first, next } = twoRuns(DEPLOY, ['timeout: 1500ms', ...DEPLOY]);
    first.scheduler.start();
    next.scheduler.start();
    await next.clock.advance(4000);
    await first.clock.advance(3500);
    assert.equal(await first.scheduler.done, 'completed');
    await next.clock.advance(5000);
    assert.equal(await next.scheduler.done, 'failed');
    assert.deepEqual(startOrder(next.sink), ['build', 'ship', 'tidy'], 'its clean-up node runs after the timeout, as it holds the mutex');
    assert.equal(next.scheduler.stopReason, 'the run timed out after 1.50s');
  });

  it('cancels every node of a run cancelled while it waits, its clean-up nodes too', async () => {
    const { first, next } = twoRuns(DEPLOY);
    first.scheduler.start();
    next.scheduler.start();
    await next.clock.advance(10);
    next.scheduler.cancel();
    await next.clock.advance(10);
    assert.equal(await next.scheduler.done, 'cancelled');
    assert.deepEqual(startOrder(next.sink), []);
    assert.deepEqual(
      next.sink.of('node:cancelled').map((e) => e.nodeId),
      ['build', 'ship', 'tidy'],
    );
    await first.clock.advance(5000);
    assert.equal(await first.scheduler.done, 'completed');
  });

  it('pauses while it waits, and takes the mutex only once resumed', async () => {
    const { first, next } = twoRuns(DEPLOY);
    first.scheduler.start();
    next.scheduler.start();
    next.scheduler.pause();
    await next.clock.advance(10);
    assert.equal(next.sink.of('workflow:paused').length, 1);
    await first.clock.advance(5000);
    assert.equal(await first.scheduler.done, 'completed');
    await next.clock.advance(1000);
    assert.deepEqual(startOrder(next.sink), [], 'paused: nothing starts');
    const again = setup(DEPLOY, { '*': () => ({ durationMs: 1000 }) }, { mutexes: first.scheduler.mutexes, runId: 'r3' });
    again.scheduler.start();
    await again.clock.advance(10);
    assert.deepEqual(startOrder(again.sink), ['build'], 'a paused run that waited holds nothing');
    next.scheduler.resume();
    await next.clock.advance(10);
    assert.deepEqual(startOrder(next.sink), []);
    await again.clock.advance(5000);
    await next.clock.advance(5000);
    assert.deepEqual(startOrder(next.sink), ['build', 'ship', 'tidy']);
  });

  describe('with sub-runs', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-run-mutex-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    function withSubRuns(lines: string[], mutexes = new MutexRegistry(), runId = 'r1') {
      return setup(lines, { '*': () => ({ durationMs: 100 }) }, ({ clock, runner }) => {
        const slots = new SlotPool(4);
        const context = { runId, tempDir: '/tmp/x', concurrency: 4, baseEnv: { PATH: '/bin' }, runner, clock, slots, mutexes };
        return { runId, workflowPath: join(dir, 'main.workflow.yaml'), baseDir: dir, slots, mutexes, subWorkflows: subWorkflowRunner(context) };
      });
    }

    it("takes none of a sub-workflow's own: two runs whose sub-runs name each other's mutex both end", async () => {
      writeFileSync(join(dir, 'a.workflow.yaml'), yaml('version: 1', 'name: A', 'mutex: lock-a', 'nodes:', '  work: { run: x }'));
      writeFileSync(join(dir, 'b.workflow.yaml'), yaml('version: 1', 'name: B', 'mutex: lock-b', 'nodes:', '  work: { run: x }'));
      const mutexes = new MutexRegistry();
      const first = withSubRuns(['mutex: lock-a', 'nodes:', '  sub: { workflow: ./b.workflow.yaml }'], mutexes, 'r1');
      const second = withSubRuns(['mutex: lock-b', 'nodes:', '  sub: { workflow: ./a.workflow.yaml }'], mutexes, 'r2');
      first.scheduler.start();
      second.scheduler.start();
      await first.clock.advance(1000);
      await second.clock.advance(1000);
      assert.equal(await first.scheduler.done, 'completed');
      assert.equal(await second.scheduler.done, 'completed');
    });

    it('runs a sub-run whose file names it too; a node of the sub-run that names it fails, saying why', async () => {
      writeFileSync(join(dir, 'same.workflow.yaml'), yaml('version: 1', 'name: Same', 'mutex: deploy-prod', 'nodes:', '  push: { run: x }'));
      writeFileSync(join(dir, 'clash.workflow.yaml'), yaml('version: 1', 'name: Clash', 'nodes:', '  lock: { run: x, mutex: deploy-prod }'));
      const { scheduler, clock, sink } = withSubRuns([
        'mutex: deploy-prod',
        'nodes:',
        '  same: { workflow: ./same.workflow.yaml }',
        '  clash: { workflow: ./clash.workflow.yaml }',
      ]);
      scheduler.start();
      await clock.advance(5000);
      assert.equal(await scheduler.done, 'failed');
      assert.ok(startOrder(sink).includes('same/push'), 'the sub-run does not wait for its own run');
      const failed = sink.of('node:failed').find((e) => e.nodeId === 'clash/lock');
      assert.equal(failed?.error, "its mutex deploy-prod is held by its own run (the workflow's mutex): it would wait for its own run");
      assert.deepEqual(sink.of('workflow:blocked'), []);
    });
  });

  it("refuses a node that names its workflow's mutex, and a name that is not one", () => {
    const clash = validateWorkflow(yaml('version: 1', 'name: W', 'mutex: [deploy-prod, db]', 'nodes:', '  a: { run: x, mutex: [cache, db] }'));
    assert.deepEqual(
      clash.diagnostics.map((d) => [d.code, d.message]),
      [['mutex-of-run', "'a' names the mutex db, which its run holds (the workflow's mutex): it would wait for its own run — remove it from the node"]],
    );
    const bad = validateWorkflow(yaml('version: 1', 'name: W', 'mutex: "deploy prod"', 'nodes:', '  a: { run: x }'));
    assert.deepEqual(
      bad.diagnostics.map((d) => d.message),
      ["'deploy prod' is not a valid mutex name: start with a letter or digit, then use letters, digits, '_', '.' or '-'"],
    );
    assert.deepEqual(validateWorkflow(yaml('version: 1', 'name: W', 'mutex: deploy-prod', 'nodes:', '  a: { run: x }')).workflow.mutex, ['deploy-prod']);
  });
});
