// Nodes with `cache` in the scheduler, over a cache whose answers the test gives: a kept result completes the node
// without a process, a miss runs it and keeps what it gave, and nothing starts for a node cancelled while it is
// looked up.
import { strict as assert } from 'node:assert';
import type { CacheLookup, CacheLookupOptions, CacheQuery, KeepPreparation, KeptResult, NodeCache } from '../../src/engine/run/core/ports';
import { foldEvents } from '../../src/engine/runState';
import { describeEvent } from '../../src/webview/analysis/describeEvent';
import { flush } from './fakes';
import { setup } from './schedulerSetup';

/** A cache whose lookups wait until the test answers them. */
class ScriptedCache implements NodeCache {
  readonly lookups: { query: CacheQuery; options: CacheLookupOptions; answer: (found: CacheLookup) => void }[] = [];
  readonly kept: { key: string; result: KeptResult & { artifacts: string[]; query: CacheQuery; prepared?: KeepPreparation } }[] = [];
  /** Set by a test that copies artifacts: each call waits for the test to answer it. */
  prepare?: (query: CacheQuery) => Promise<KeepPreparation>;
  /** Answers every lookup at once with this, when set. */
  constructor(private readonly always?: (query: CacheQuery, options: CacheLookupOptions) => CacheLookup) {}

  lookup(query: CacheQuery, options: CacheLookupOptions): Promise<CacheLookup> {
    if (this.always) return Promise.resolve(this.always(query, options));
    return new Promise((answer) => this.lookups.push({ query, options, answer }));
  }

  /** Why the next results cannot be kept, when set (an artifact that cannot be stamped). */
  refusal?: string;

  keep(key: string, result: KeptResult & { artifacts: string[]; query: CacheQuery; prepared?: KeepPreparation }): string | undefined {
    if (this.refusal !== undefined) return this.refusal;
    this.kept.push({ key, result });
    return undefined;
  }
}

const HIT: KeptResult = { runId: 'r0', at: 5, outputs: { v: 'kept' } };

describe('scheduler: cached nodes', () => {
  it('completes a node from a kept result without starting it; what needs it reads the kept outputs', async () => {
    const cache = new ScriptedCache((query) => (query.instanceId === 'build' ? { key: 'k', hit: HIT } : { key: `k-${query.instanceId}` }));
    const { scheduler, clock, runner, sink } = setup(
      ['nodes:', '  build: { run: make, outputs: [v], cache: true }', '  test: { needs: build, run: "echo ${{ nodes.build.outputs.v }}" }'],
      {},
      { cache },
    );
    scheduler.start();
    await clock.advance(1000);
    assert.equal(await scheduler.done, 'completed');
    assert.deepEqual(
      runner.started.map((r) => [r.instanceId, r.script]),
      [['test', 'echo kept']],
    );
    const started = sink.of('node:started').find((e) => e.nodeId === 'build')!;
    assert.equal(started.pid, undefined, 'no process, no pid');
    const completed = sink.of('node:completed').find((e) => e.nodeId === 'build')!;
    assert.deepEqual(completed.cached, { runId: 'r0', at: 5 });
    assert.deepEqual(completed.outputs, { v: 'kept' });
    assert.match(sink.logs.find((l) => l.id === 'build')!.line.text, /^maestro: not run: the result of run r0 .* is reused/);
    assert.deepEqual(cache.kept, [], 'a reused result is not kept again, and a node without cache never is');
    const state = foldEvents(sink.events)!;
    assert.deepEqual(state.nodes.get('build')!.cached, { runId: 'r0', at: 5 });
    assert.equal(state.nodes.get('test')!.cached, undefined);
    assert.match(describeEvent(completed), /^completed, not run: the result of run r0 reused, outputs v$/);
  });

  it('runs a node with no kept result, starts it after the lookup, and keeps its outputs, quality and artifacts under the key', async () => {
    const cache = new ScriptedCache();
    const { scheduler, clock, runner, sink } = setup(
      ['nodes:', '  build:', '    run: make', '    outputs: [v]', '    artifacts: [dist/app]', '    env: { MODE: fast }', '    cache: { files: [src/**] }'],
      { build: () => ({ outputs: { v: 'new' }, stdout: ['::quality 0.9'] }) },
      { cache },
    );
    scheduler.start();
    await flush();
    assert.equal(runner.started.length, 0, 'nothing starts before the lookup has answered');
    assert.equal(sink.of('node:started').length, 0);
    const [{ query, options, answer }] = cache.lookups;
    assert.deepEqual(
      { ...query, env: query.env },
      {
        workflowPath: '/w/test.workflow.yaml',
        instanceId: 'build',
        script: 'make',
        cwd: '/w',
        env: { MODE: 'fast' },
        matrix: {},
        files: ['src/**'],
        outputs: ['v'],
        artifacts: ['dist/app'],
      },
      "the declared environment only, not the engine's own (PATH)",
    );
    assert.equal(options.reuse, true);
    answer({ key: 'k1' });
    await clock.advance(1000);
    assert.equal(await scheduler.done, 'completed');
    assert.equal(runner.started.length, 1);
    assert.equal(sink.of('node:started')[0].pid, 1001);
    assert.equal(sink.of('node:completed')[0].cached, undefined);
    assert.deepEqual(cache.kept, [
      { key: 'k1', result: { runId: 'r1', at: clock.now() - 900, outputs: { v: 'new' }, quality: 0.9, artifacts: ['dist/app'], query } },
    ]);
  });

  it('starts nothing for a node cancelled while its result is looked up', async () => {
    const cache = new ScriptedCache();
    const { scheduler, clock, runner, sink } = setup(['nodes:', '  build: { run: make, cache: true }', '  after: { needs: build, run: x }'], {}, { cache });
    scheduler.start();
    await flush();
    scheduler.cancel();
    cache.lookups[0].answer({ key: 'k' });
    await clock.advance(1000);
    assert.equal(await scheduler.done, 'cancelled');
    assert.deepEqual(runner.started, []);
    assert.equal(sink.statusOf('build'), 'cancelled');
    assert.deepEqual(cache.kept, []);
  });

  it('keeps no result whose outputs hold a masked value, and says so in the log', async () => {
    const cache = new ScriptedCache(() => ({ key: 'k' }));
    const { scheduler, clock, sink } = setup(
      ['nodes:', '  login: { run: x, outputs: [token], cache: true }'],
      { login: () => ({ stdout: ['::add-mask::s3cret'], outputs: { token: 's3cret' } }) },
      { cache },
    );
    scheduler.start();
    await clock.advance(1000);
    assert.equal(await scheduler.done, 'completed');
    assert.deepEqual(cache.kept, []);
    assert.ok(sink.logs.some((l) => l.id === 'login' && /not kept for reuse: an output holds a masked value/.test(l.line.text)));
  });

  it('completes a node whose result the cache cannot keep, and says why in its log', async () => {
    const cache = new ScriptedCache(() => ({ key: 'k' }));
    cache.refusal = 'the result is not kept for reuse: its artifact dist is gone';
    const { scheduler, clock, sink } = setup(['nodes:', '  build: { run: x, cache: true }'], {}, { cache });
    scheduler.start();
    await clock.advance(1000);
    assert.equal(await scheduler.done, 'completed');
    assert.ok(sink.logs.some((l) => l.id === 'build' && l.line.text === 'maestro: the result is not kept for reuse: its artifact dist is gone'));
  });

  it('says in the log which artifacts were put back for a reused result, and why a found one was not reused', async () => {
    const note = 'the result of run r0 is not reused, as its artifacts changed and cannot be put back: dist holds dist/x, which the kept result has not';
    const cache = new ScriptedCache((query) => (query.instanceId === 'build' ? { key: 'k', hit: HIT, restored: ['dist', 'out.bin'] } : { key: 'k2', note }));
    const { scheduler, clock, runner, sink } = setup(
      ['nodes:', '  build: { run: make, cache: true }', '  pack: { needs: build, run: tar, cache: true }'],
      {},
      { cache },
    );
    scheduler.start();
    await clock.advance(1000);
    assert.equal(await scheduler.done, 'completed');
    const lines = (id: string) => sink.logs.filter((l) => l.id === id).map((l) => l.line.text);
    assert.ok(
      lines('build').some((t) => t.endsWith('same script, settings and files; its artifacts dist, out.bin were put back from the copies kept with it')),
    );
    assert.ok(lines('pack').includes(`maestro: ${note}`));
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['pack'],
      'a result found but not reused: the node runs',
    );
    assert.deepEqual(
      cache.kept.map((k) => k.key),
      ['k2'],
      'and its new result is kept',
    );
  });

  it('copies the artifacts of a node that ended well before it completes; a stop then completes it at once, without them', async () => {
    const cache = new ScriptedCache(() => ({ key: 'k' }));
    const preparing: { query: CacheQuery; answer: (p: KeepPreparation) => void }[] = [];
    cache.prepare = (query) => new Promise((answer) => preparing.push({ query, answer }));
    const { scheduler, clock, runner, sink } = setup(
      ['nodes:', '  build: { run: make, artifacts: [dist], cache: true }', '  broken: { run: x, cache: true }', '  after: { needs: build, run: min }'],
      { broken: () => ({ exitCode: 2 }) },
      { cache },
    );
    scheduler.start();
    await clock.advance(1000);
    assert.deepEqual(
      preparing.map((p) => p.query.instanceId),
      ['build'],
      'a node that failed has nothing to copy',
    );
    assert.equal(sink.of('node:completed').length, 0, 'not completed while its artifacts are copied');
    assert.deepEqual(
      runner.started.map((r) => r.instanceId),
      ['build', 'broken'],
      'what comes after it waits: it may change them',
    );
    preparing[0].answer({ note: 'the result is kept, but its artifacts are not copied: they take 2 GB' });
    await clock.advance(1000);
    assert.equal(await scheduler.done, 'failed');
    assert.deepEqual(cache.kept[0].result.prepared, { note: 'the result is kept, but its artifacts are not copied: they take 2 GB' });

    const stopped = setup(['nodes:', '  build: { run: make, artifacts: [dist], cache: true }'], {}, { cache });
    stopped.scheduler.start();
    await stopped.clock.advance(1000);
    assert.equal(preparing.length, 2);
    stopped.scheduler.cancel();
    await stopped.clock.advance(10);
    assert.deepEqual(
      stopped.sink.of('node:completed').map((e) => e.nodeId),
      ['build'],
      'its process had ended well',
    );
    assert.equal(cache.kept[1].result.prepared, undefined);
  });

  it('reuses nothing for a retry, but keeps the result of the attempt that completed', async () => {
    const cache = new ScriptedCache(() => ({ key: 'k' }));
    let attempts = 0;
    const { scheduler, clock, runner } = setup(
      ['nodes:', '  flaky: { run: x, retry: { max: 1, delay: 1s }, cache: true }'],
      { flaky: () => ({ exitCode: ++attempts === 1 ? 1 : 0 }) },
      { cache },
    );
    const reuse: boolean[] = [];
    const lookup = cache.lookup.bind(cache);
    cache.lookup = (q, o) => (reuse.push(o.reuse), lookup(q, o));
    scheduler.start();
    await clock.advance(5000);
    assert.equal(await scheduler.done, 'completed');
    assert.equal(runner.started.length, 2);
    assert.deepEqual(reuse, [true, false]);
    assert.equal(cache.kept.length, 1);
  });

  it('reuses nothing for a node retried by name after the run ended, but does for what comes after it', async () => {
    const reuse: [string, boolean][] = [];
    const cache = new ScriptedCache((q, o) => (reuse.push([q.instanceId, o.reuse]), { key: q.instanceId }));
    let fail = true;
    const { scheduler, clock } = setup(
      ['nodes:', '  check: { run: x, cache: true }', '  after: { needs: check, run: y, cache: true }'],
      { check: () => ({ exitCode: fail ? 1 : 0 }) },
      { cache },
    );
    scheduler.start();
    await clock.advance(1000);
    assert.equal(await scheduler.done, 'failed');
    fail = false;
    scheduler.retryNode('check');
    await clock.advance(1000);
    assert.equal(await scheduler.done, 'completed');
    assert.deepEqual(reuse, [
      ['check', true],
      ['check', false],
      ['after', true],
    ]);
  });

  it('runs the node, and keeps nothing, when its cache files cannot be read', async () => {
    const cache = new ScriptedCache(() => ({ key: '', problem: 'its cache files cannot be read (EACCES)' }));
    const { scheduler, clock, runner, sink } = setup(['nodes:', '  build: { run: make, cache: { files: [a] } }'], {}, { cache });
    scheduler.start();
    await clock.advance(1000);
    assert.equal(await scheduler.done, 'completed');
    assert.equal(runner.started.length, 1);
    assert.deepEqual(cache.kept, []);
    assert.ok(sink.logs.some((l) => /no result is reused or kept for this node: its cache files cannot be read/.test(l.line.text)));
  });

  it('looks up each matrix instance by its own values, and no node without cache, approval gate or sub-workflow', async () => {
    const cache = new ScriptedCache((q) => ({ key: q.instanceId }));
    const { scheduler, clock } = setup(
      ['nodes:', '  test: { run: "t ${{ matrix.shard }}", matrix: { shard: [1, 2] }, cache: true }', '  plain: { run: x }', '  gate: { approval: {} }'],
      {},
      { cache },
    );
    const queries: CacheQuery[] = [];
    const lookup = cache.lookup.bind(cache);
    cache.lookup = (q, o) => (queries.push(q), lookup(q, o));
    scheduler.start();
    await clock.advance(1000);
    assert.deepEqual(
      queries.map((q) => [q.instanceId, q.script, q.matrix]),
      [
        ['test[shard=1]', 't 1', { shard: '1' }],
        ['test[shard=2]', 't 2', { shard: '2' }],
      ],
    );
    scheduler.approve('gate', true);
    assert.equal(await scheduler.done, 'completed');
  });

  it('re-checks a quality gate against the kept score', async () => {
    const cache = new ScriptedCache(() => ({ key: 'k', hit: { ...HIT, quality: 0.5 } }));
    const { scheduler, clock, sink } = setup(['nodes:', '  lint: { run: x, quality: { min: 0.8 }, cache: true }'], {}, { cache });
    scheduler.start();
    await clock.advance(1000);
    assert.equal(await scheduler.done, 'failed');
    assert.match(sink.of('node:failed')[0].error, /quality 0.5 is below the gate's minimum of 0.8/);
  });
});
