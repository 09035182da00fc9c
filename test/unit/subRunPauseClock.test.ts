// Sub-runs under a pause, on a fake clock: a `workflow` node's timeout does not count while its sub-run is paused
// with nothing running in it (nor does the sub-workflow's own run timeout), and a node retried in a paused run resumes the run's sub-runs with it.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MutexRegistry } from '../../src/engine/run/core/mutexes';
import { SlotPool } from '../../src/engine/run/core/slots';
import { subWorkflowRunner } from '../../src/engine/run/subRuns';
import { foldEvents } from '../../src/engine/runState';
import type { Behaviour } from './fakes';
import { yaml } from './helpers';
import { setup } from './schedulerSetup';

describe('sub-runs under a pause (fake clock)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-subclock-'));
    writeFileSync(join(dir, 'leaf.workflow.yaml'), yaml('version: 1', 'name: Leaf', 'nodes:', '  first: { run: x }', '  second: { needs: first, run: x }'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A run of `lines` whose `workflow` nodes run the files of `dir` with the fake processes. */
  const withSubRuns = (lines: string[], behaviours: Record<string, Behaviour> = {}) =>
    setup(lines, behaviours, ({ clock, runner }) => {
      const slots = new SlotPool(4);
      return {
        workflowPath: join(dir, 'main.workflow.yaml'),
        baseDir: dir,
        slots,
        subWorkflows: subWorkflowRunner({
          runId: 'r1',
          tempDir: '/tmp/x',
          concurrency: 4,
          baseEnv: { PATH: '/bin' },
          runner,
          clock,
          slots,
          mutexes: new MutexRegistry(),
        }),
      };
    });
  const failures = (events: ReturnType<typeof setup>['sink']) => events.of('node:failed').map((e) => `${e.nodeId}: ${e.error}`);

  it("holds a workflow node's timeout while its sub-run is paused and quiet; resumed, it counts on from where it stopped", async () => {
    const { scheduler, clock, sink } = withSubRuns(['nodes:', '  mid: { workflow: ./leaf.workflow.yaml, timeout: 1s }'], { second: () => ({ hang: true }) });
    scheduler.start();
    await clock.advance(50);
    scheduler.pause();
    await clock.advance(100);
    assert.equal(foldEvents(sink.events)?.status, 'paused', 'paused once `first` has finished');
    await clock.advance(60_000);
    assert.deepEqual(failures(sink), [], 'a minute paused did not time the node out');
    scheduler.resume();
    await clock.advance(700);
    assert.deepEqual(failures(sink), [], '100 ms before the pause and 700 ms after it are within the second');
    await clock.advance(300);
    assert.ok(
      failures(sink).some((f) => /^mid: .*timed out after 1\.00s/.test(f)),
      failures(sink).join('\n'),
    );
    assert.equal(await scheduler.done, 'failed');
  });

  it("holds a sub-workflow's own run timeout while its sub-run is paused and quiet", async () => {
    writeFileSync(
      join(dir, 'timed.workflow.yaml'),
      yaml('version: 1', 'name: Timed', 'timeout: 1s', 'nodes:', '  first: { run: x }', '  second: { needs: first, run: x }'),
    );
    const { scheduler, clock, sink } = withSubRuns(['nodes:', '  mid: { workflow: ./timed.workflow.yaml }'], { second: () => ({ hang: true }) });
    scheduler.start();
    await clock.advance(50);
    scheduler.pause();
    await clock.advance(100);
    assert.equal(foldEvents(sink.events)?.status, 'paused');
    await clock.advance(60_000);
    assert.deepEqual(failures(sink), [], 'a minute paused did not time the sub-run out');
    scheduler.resume();
    await clock.advance(800);
    assert.deepEqual(failures(sink), [], '150 ms before the pause and 800 ms after it are within the second');
    await clock.advance(200);
    assert.deepEqual(failures(sink), ['mid: the sub-workflow Timed failed: the run timed out after 1.00s']);
  });

  it('still times out a sub-run that runs a node through the pause', async () => {
    const { scheduler, clock, sink } = withSubRuns(['nodes:', '  mid: { workflow: ./leaf.workflow.yaml, timeout: 1s }'], { first: () => ({ hang: true }) });
    scheduler.start();
    await clock.advance(50);
    scheduler.pause();
    await clock.advance(1000);
    assert.ok(failures(sink).some((f) => /^mid: .*timed out after 1\.00s/.test(f)));
  });

  it('counts, in a pause under way, the nodes that still run: not a sub-run that only waits at its gate', async () => {
    writeFileSync(join(dir, 'gated.workflow.yaml'), yaml('version: 1', 'name: Gated', 'nodes:', '  ok: { approval: { prompt: ok? } }'));
    const { scheduler, clock, sink } = withSubRuns(['nodes:', '  long: { run: x }', '  mid: { workflow: ./gated.workflow.yaml }'], {
      long: () => ({ hang: true }),
    });
    scheduler.start();
    await clock.advance(10);
    scheduler.pause();
    assert.deepEqual(
      sink.of('workflow:pausing').map((e) => e.running),
      [1],
    );
  });

  it('resumes the sub-runs of a paused run when a node is retried in it: the run goes on to its end', async () => {
    let badRuns = 0;
    const { scheduler, clock, runner, sink } = withSubRuns(['nodes:', '  bad: { run: x }', '  mid: { workflow: ./leaf.workflow.yaml }'], {
      bad: () => ({ exitCode: ++badRuns === 1 ? 1 : 0 }),
    });
    scheduler.start();
    await clock.advance(50);
    scheduler.pause();
    await clock.advance(100);
    assert.equal(foldEvents(sink.events)?.status, 'paused');
    scheduler.retryNode('bad');
    await clock.advance(1000);
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['bad', 'first', 'second', 'bad'],
    );
    assert.equal(await scheduler.done, 'completed');
  });
});
