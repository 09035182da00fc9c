import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MutexRegistry } from '../../src/engine/run/core/mutexes';
import { SlotPool } from '../../src/engine/run/core/slots';
import { subWorkflowRunner } from '../../src/engine/run/subRuns';
import type { MemorySink } from './fakes';
import { yaml } from './helpers';
import { setup } from './schedulerSetup';

/** The most attempts of the instances `ids` matches that ran at once, from the events. */
function mostAtOnce(sink: MemorySink, matches: (id: string) => boolean): number {
  let now = 0;
  let most = 0;
  for (const e of sink.events) {
    if (!('nodeId' in e) || !matches(e.nodeId)) continue;
    if (e.type === 'node:started') most = Math.max(most, ++now);
    else if (e.type === 'node:completed' || e.type === 'node:failed' || e.type === 'node:retrying') now--;
  }
  return most;
}

const startOrder = (sink: MemorySink) => sink.of('node:started').map((e) => `${e.nodeId}#${e.attempt}`);

describe('scheduler slots: concurrency and maxParallel', () => {
  it('starts a retry whose delay has passed only when a slot is free, as the run’s concurrency says', async () => {
    const { scheduler, clock, runner, sink } = setup(['concurrency: 1', 'nodes:', '  a: { run: x, retry: { max: 1, delay: 200ms } }', '  b: { run: x }'], {
      a: (r) => ({ exitCode: r.attempt === 1 ? 1 : 0, durationMs: 100 }),
      b: () => ({ durationMs: 1000 }),
    });
    scheduler.start();
    await clock.advance(5000);
    assert.equal(runner.maxRunning, 1, 'the retry waited for b');
    assert.deepEqual(startOrder(sink), ['a#1', 'b#1', 'a#2']);
    assert.equal(await scheduler.done, 'completed');
  });

  it('runs at most maxParallel instances of a matrix, while the nodes after it in the file go on', async () => {
    const { scheduler, clock, runner, sink } = setup(
      ['concurrency: 8', 'nodes:', '  deploy:', '    matrix: { region: [a, b, c, d, e] }', '    maxParallel: 2', '    run: x', '  other: { run: x }'],
      { '*': () => ({ durationMs: 300 }) },
    );
    scheduler.start();
    await clock.advance(50);
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['deploy[region=a]', 'deploy[region=b]', 'other'],
      'other does not wait behind the held instances',
    );
    await clock.advance(5000);
    assert.equal(
      mostAtOnce(sink, (id) => id.startsWith('deploy[')),
      2,
    );
    assert.deepEqual(
      sink.of('node:started').map((e) => e.nodeId),
      ['deploy[region=a]', 'deploy[region=b]', 'other', 'deploy[region=c]', 'deploy[region=d]', 'deploy[region=e]'],
    );
    assert.equal(await scheduler.done, 'completed');
  });

  it("counts an instance's retry against its matrix's maxParallel", async () => {
    const { scheduler, clock, sink } = setup(
      ['nodes:', '  t:', '    matrix: { n: [1, 2, 3] }', '    maxParallel: 1', '    retry: { max: 1, delay: 10ms }', '    run: x'],
      { 't[n=1]': (r) => ({ exitCode: r.attempt === 1 ? 1 : 0, durationMs: 100 }), '*': () => ({ durationMs: 100 }) },
    );
    scheduler.start();
    await clock.advance(5000);
    assert.equal(
      mostAtOnce(sink, (id) => id.startsWith('t[')),
      1,
    );
    assert.deepEqual(startOrder(sink), ['t[n=1]#1', 't[n=2]#1', 't[n=1]#2', 't[n=3]#1']);
    assert.equal(await scheduler.done, 'completed');
  });

  it('starts a retry that fell due during a pause once the run resumes, within its slots', async () => {
    const { scheduler, clock, runner, sink } = setup(
      ['concurrency: 1', 'nodes:', '  a: { run: x, retry: { max: 1, delay: 50ms } }', '  b: { needs: a, run: x }'],
      { a: (r) => ({ exitCode: r.attempt === 1 ? 1 : 0, durationMs: 100 }) },
    );
    scheduler.start();
    await clock.advance(120);
    scheduler.pause();
    await clock.advance(1000);
    assert.deepEqual(startOrder(sink), ['a#1'], 'nothing starts while paused');
    scheduler.resume();
    await clock.advance(1000);
    assert.deepEqual(startOrder(sink), ['a#1', 'a#2', 'b#1']);
    assert.equal(runner.maxRunning, 1);
    assert.equal(await scheduler.done, 'completed');
  });

  describe('with sub-runs', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'maestro-slots-'));
      const leaf = (concurrency: string[]) =>
        yaml('version: 1', 'name: Leaf', ...concurrency, 'nodes:', '  x: { run: x }', '  y: { run: x }', '  z: { run: x }');
      writeFileSync(join(dir, 'leaf.workflow.yaml'), leaf([]));
      writeFileSync(join(dir, 'one-at-a-time.workflow.yaml'), leaf(['concurrency: 1']));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** A run of `concurrency` whose `workflow` nodes run the files of `dir`, sharing its slots as the engine makes them. */
    const withSubRuns = (concurrency: number, lines: string[]) =>
      setup([`concurrency: ${concurrency}`, ...lines], { '*': () => ({ durationMs: 100 }) }, ({ clock, runner }) => {
        const slots = new SlotPool(concurrency);
        const mutexes = new MutexRegistry();
        const context = { runId: 'r1', tempDir: '/tmp/x', concurrency, baseEnv: { PATH: '/bin' }, runner, clock, slots, mutexes };
        return { workflowPath: join(dir, 'main.workflow.yaml'), baseDir: dir, slots, mutexes, subWorkflows: subWorkflowRunner(context) };
      });

    it("bounds the processes of the run and its sub-runs together by the run's concurrency", async () => {
      const { scheduler, clock, runner, sink } = withSubRuns(2, [
        'nodes:',
        '  one: { workflow: ./leaf.workflow.yaml }',
        '  two: { workflow: ./leaf.workflow.yaml }',
        '  own: { run: x }',
      ]);
      scheduler.start();
      await clock.advance(5000);
      assert.equal(runner.maxRunning, 2, 'two at once, where each sub-run alone would run two');
      assert.equal(runner.started.length, 7);
      assert.equal(sink.of('workflow:completed').length, 1);
      assert.equal(await scheduler.done, 'completed');
    });

    it("bounds a sub-run by its own file's concurrency too", async () => {
      const { scheduler, clock, runner } = withSubRuns(4, ['nodes:', '  one: { workflow: ./one-at-a-time.workflow.yaml }']);
      scheduler.start();
      await clock.advance(5000);
      assert.equal(runner.maxRunning, 1);
      assert.equal(await scheduler.done, 'completed');
    });
  });
});
