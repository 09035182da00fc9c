import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { MutexRegistry } from '../../src/engine/run/core/mutexes';
import { MutexLockFiles } from '../../src/engine/run/io/mutexLocks';
import { SlotPool } from '../../src/engine/run/core/slots';
import { subWorkflowRunner } from '../../src/engine/run/subRuns';
import type { MemorySink } from './fakes';
import { yaml } from './helpers';
import { setup } from './schedulerSetup';

const ENDS = new Set(['node:completed', 'node:failed', 'node:retrying', 'node:cancelled']);

/** Pairs of attempts that ran at the same time though both hold one mutex, from the events: `a & b (m)`. */
function overlaps(sink: MemorySink, mutexOf: (instanceId: string) => readonly string[]): string[] {
  const holders = new Map<string, string>();
  const found: string[] = [];
  for (const e of sink.events) {
    if (!('nodeId' in e)) continue;
    for (const name of mutexOf(e.nodeId)) {
      const holder = holders.get(name);
      if (e.type === 'node:started') {
        if (holder !== undefined) found.push(`${holder} & ${e.nodeId} (${name})`);
        holders.set(name, e.nodeId);
      } else if (ENDS.has(e.type) && holder === e.nodeId) holders.delete(name);
    }
  }
  return found;
}

const startOrder = (sink: MemorySink) => sink.of('node:started').map((e) => e.nodeId);
const base = (id: string) => id.replace(/\[.*$/, '').replace(/^.*\//, '');

describe('scheduler: mutexes', () => {
  it('runs the nodes that name one mutex one at a time, and the others beside them', async () => {
    const mutexes: Record<string, string[]> = { a: ['port-5432'], b: ['port-5432', 'db'], c: ['db'] };
    const { scheduler, clock, sink } = setup(
      [
        'concurrency: 4',
        'nodes:',
        '  a: { run: x, mutex: port-5432 }',
        '  b: { run: x, mutex: [port-5432, db] }',
        '  c: { run: x, mutex: db }',
        '  d: { run: x }',
      ],
      { '*': () => ({ durationMs: 100 }) },
    );
    scheduler.start();
    await clock.advance(50);
    assert.deepEqual(startOrder(sink), ['a', 'c', 'd'], 'b waits for both of its mutexes; d, which names none, does not wait behind it');
    await clock.advance(5000);
    assert.deepEqual(startOrder(sink), ['a', 'c', 'd', 'b']);
    assert.deepEqual(
      overlaps(sink, (id) => mutexes[id] ?? []),
      [],
    );
    assert.equal(await scheduler.done, 'completed');
  });

  it("runs a matrix's instances one at a time under a mutex, and holds none through a retry's delay", async () => {
    const { scheduler, clock, sink } = setup(
      ['nodes:', '  t:', '    matrix: { n: [1, 2, 3] }', '    mutex: port-8080', '    retry: { max: 1, delay: 10ms }', '    run: x'],
      { 't[n=1]': (r) => ({ exitCode: r.attempt === 1 ? 1 : 0, durationMs: 100 }), '*': () => ({ durationMs: 100 }) },
    );
    scheduler.start();
    await clock.advance(5000);
    assert.deepEqual(
      sink.of('node:started').map((e) => `${e.nodeId}#${e.attempt}`),
      ['t[n=1]#1', 't[n=2]#1', 't[n=1]#2', 't[n=3]#1'],
      "n=2 takes the mutex while n=1's retry waits out its delay; the retry then waits for the mutex",
    );
    assert.deepEqual(
      overlaps(sink, (id) => (id.startsWith('t[') ? ['port-8080'] : [])),
      [],
    );
    assert.equal(await scheduler.done, 'completed');
  });

  it('gives a mutex back when its holder fails or is stopped, and a retried node takes it again', async () => {
    const { scheduler, clock, sink } = setup(['nodes:', '  a: { run: x, mutex: m }', '  b: { run: x, mutex: m }', '  c: { run: x, mutex: m }'], {
      a: () => ({ exitCode: 1, durationMs: 100 }),
      b: () => ({ hang: true }),
      c: () => ({ durationMs: 100 }),
    });
    scheduler.start();
    await clock.advance(150);
    assert.deepEqual(startOrder(sink), ['a', 'b']);
    scheduler.pause();
    scheduler.cancel();
    await clock.advance(5000);
    assert.equal(await scheduler.done, 'cancelled');
    assert.deepEqual(
      sink
        .of('node:cancelled')
        .map((e) => e.nodeId)
        .sort(),
      ['b', 'c'],
    );
    scheduler.retryNode('c');
    await clock.advance(5000);
    assert.deepEqual(startOrder(sink), ['a', 'b', 'c'], 'the mutex b held was given back when it was stopped');
    assert.equal(sink.of('node:completed').at(-1)?.nodeId, 'c');
  });

  describe('with sub-runs', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'maestro-mutex-'));
      writeFileSync(join(dir, 'leaf.workflow.yaml'), yaml('version: 1', 'name: Leaf', 'nodes:', '  x: { run: x, mutex: db }', '  y: { run: x }'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('shares the run’s mutexes with its sub-runs', async () => {
      const { scheduler, clock, sink } = setup(
        ['concurrency: 4', 'nodes:', '  one: { workflow: ./leaf.workflow.yaml }', '  two: { workflow: ./leaf.workflow.yaml }', '  own: { run: x, mutex: db }'],
        { '*': () => ({ durationMs: 100 }) },
        ({ clock, runner }) => {
          const slots = new SlotPool(4);
          const mutexes = new MutexRegistry();
          const context = { runId: 'r1', tempDir: '/tmp/x', concurrency: 4, baseEnv: { PATH: '/bin' }, runner, clock, slots, mutexes };
          return { workflowPath: join(dir, 'main.workflow.yaml'), baseDir: dir, slots, mutexes, subWorkflows: subWorkflowRunner(context) };
        },
      );
      scheduler.start();
      await clock.advance(5000);
      const holdsDb = (id: string) => (['x', 'own'].includes(base(id)) ? ['db'] : []);
      assert.deepEqual(overlaps(sink, holdsDb), []);
      assert.deepEqual(startOrder(sink).filter((id) => holdsDb(id).length).length, 3, 'one/x, two/x and own each ran');
      assert.equal(await scheduler.done, 'completed');
    });
  });

  it("shares the mutexes with the engine's other runs: two runs take turns", async () => {
    const mutexes = new MutexRegistry();
    const lines = ['nodes:', '  up: { run: x, mutex: port-5432 }', '  other: { run: x }'];
    const first = setup(lines, { '*': () => ({ durationMs: 100 }) }, { mutexes, runId: 'r1' });
    const second = setup(lines, { '*': () => ({ durationMs: 100 }) }, { mutexes, runId: 'r2' });
    first.scheduler.start();
    second.scheduler.start();
    await first.clock.advance(50);
    await second.clock.advance(50);
    assert.deepEqual(startOrder(first.sink), ['up', 'other']);
    assert.deepEqual(startOrder(second.sink), ['other'], "the second run's up waits for the first's");
    await second.clock.advance(50);
    assert.deepEqual(
      second.sink.of('node:blocked').map(({ nodeId, mutex, holder }) => ({ nodeId, mutex, holder })),
      [{ nodeId: 'up', mutex: 'port-5432', holder: { runId: 'r1', nodeId: 'up', pid: process.pid } }],
      'said once, however often the second run looks again',
    );
    assert.deepEqual(first.sink.of('node:blocked'), []);
    await first.clock.advance(100);
    await second.clock.advance(10);
    assert.deepEqual(startOrder(second.sink), ['other', 'up'], 'it starts once the first run gives the mutex back');
    await second.clock.advance(1000);
    assert.equal(await first.scheduler.done, 'completed');
    assert.equal(await second.scheduler.done, 'completed');
  });

  it("waits for another process's holder, names it, and starts once the lock file is given back", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'maestro-locks-'));
    try {
      const elsewhere = new MutexLockFiles(folder);
      assert.equal(elsewhere.tryTake(['db'], { runId: 'other-run', nodeId: 'migrate' }), true);
      const { scheduler, clock, sink } = setup(
        ['nodes:', '  up: { run: x, mutex: db }', '  after: { needs: up, run: x, mutex: db }'],
        {},
        {
          mutexes: new MutexRegistry(new MutexLockFiles(folder)),
        },
      );
      scheduler.start();
      await clock.advance(50);
      assert.deepEqual(startOrder(sink), []);
      const [blocked] = sink.of('node:blocked');
      assert.deepEqual(
        { nodeId: blocked.nodeId, mutex: blocked.mutex, holder: blocked.holder },
        { nodeId: 'up', mutex: 'db', holder: { runId: 'other-run', nodeId: 'migrate', pid: process.pid } },
      );
      elsewhere.giveAll();
      while (startOrder(sink).length === 0) await new Promise((r) => setTimeout(r, 10));
      assert.equal(new MutexLockFiles(folder).holderOf('db')?.nodeId, 'up', 'the run holds it across processes now');
      await clock.advance(1000);
      assert.equal(await scheduler.done, 'completed');
      assert.deepEqual(startOrder(sink), ['up', 'after']);
      assert.deepEqual(readdirSync(folder), [], 'given back');
      assert.equal(sink.of('node:blocked').length, 1);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('never runs two holders of one mutex at once, and always ends (any DAG, mutexes, durations, failures, concurrency)', async () => {
    const node = fc.record({
      needs: fc.uniqueArray(fc.nat(7), { maxLength: 3 }),
      mutex: fc.uniqueArray(fc.constantFrom('m1', 'm2', 'm3'), { maxLength: 2 }),
      durationMs: fc.integer({ min: 1, max: 300 }),
      fails: fc.boolean(),
      instances: fc.integer({ min: 1, max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(node, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 4 }), async (nodes, concurrency) => {
        const lines = ['nodes:'];
        nodes.forEach((n, i) => {
          const needs = n.needs.filter((j) => j < i).map((j) => `n${j}`);
          lines.push(
            `  n${i}:`,
            '    run: x',
            '    retry: { max: 1, delay: 5ms }',
            ...(needs.length ? [`    needs: [${needs.join(', ')}]`, '    if: always()'] : []),
            ...(n.mutex.length ? [`    mutex: [${n.mutex.join(', ')}]`] : []),
            ...(n.instances > 1 ? [`    matrix: { k: [${Array.from({ length: n.instances }, (_, k) => k).join(', ')}] }`] : []),
          );
        });
        const byId = (id: string) => nodes[Number(base(id).slice(1))];
        const { scheduler, clock, sink } = setup([`concurrency: ${concurrency}`, ...lines], {
          '*': (r) => ({ durationMs: byId(r.instanceId).durationMs, exitCode: byId(r.instanceId).fails && r.attempt === 1 ? 1 : 0 }),
        });
        scheduler.start();
        await clock.advance(100_000);
        assert.deepEqual(
          overlaps(sink, (id) => byId(id).mutex),
          [],
        );
        assert.equal(await scheduler.done, 'completed', 'every node ran to the end: no holder waits on another');
        assert.equal(
          sink.of('node:completed').length,
          nodes.reduce((sum, n) => sum + n.instances, 0),
        );
      }),
      { numRuns: 150 },
    );
  });
});
