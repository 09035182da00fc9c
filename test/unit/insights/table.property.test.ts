import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { DIGEST_VERSION, type NodeDigest, type RunDigest } from '../../../src/engine/insights/digest';
import { insightsReport } from '../../../src/engine/insights/report';
import { digestsOf, tableOf } from '../../../src/engine/insights/table';
import type { NodeStatus } from '../../../src/engine/protocol';
import { referenceReport } from './referenceReport';
import { referenceSchedule } from './referenceSchedule';
import { schedule, makespan } from '../../../src/engine/insights/schedule';

const IDS = ['a', 'b', 'c', 'd', 'e', 'f'];
const STATUSES: NodeStatus[] = ['completed', 'failed', 'skipped', 'cancelled'];

/** A node in a run: any status, sometimes never started, sometimes started and not ended, sometimes queued or reused. */
const nodeArb: fc.Arbitrary<NodeDigest> = fc
  .record({
    status: fc.constantFrom(...STATUSES),
    attempts: fc.integer({ min: 0, max: 3 }),
    start: fc.option(fc.nat(500), { nil: undefined }),
    length: fc.option(fc.nat(500), { nil: undefined }),
    queue: fc.option(fc.nat(50), { nil: undefined }),
    reused: fc.boolean(),
  })
  .map(({ status, attempts, start, length, queue, reused }) => {
    const n: NodeDigest = { status, attempts };
    if (start === undefined) return n;
    n.start = start;
    if (length !== undefined) n.end = start + length;
    if (queue !== undefined) n.queue = queue;
    if (reused) n.reused = true;
    return n;
  });

/** A run of some subset of the nodes (the file changed between runs), its needs and critical path among them. */
const runArb = fc.record({
  present: fc.subarray(IDS, { minLength: 1 }),
  nodes: fc.array(nodeArb, { minLength: IDS.length, maxLength: IDS.length }),
  critical: fc.subarray(IDS),
  needFrom: fc.array(fc.nat(IDS.length), { minLength: IDS.length, maxLength: IDS.length }),
  hash: fc.constantFrom('h1', 'h2', 'h3'),
  status: fc.constantFrom<RunDigest['status'][]>('completed', 'failed', 'cancelled'),
  startedAt: fc.nat(20),
  durationMs: fc.nat(2000),
  concurrency: fc.integer({ min: 1, max: 4 }),
});

const runsArb = fc.array(runArb, { minLength: 0, maxLength: 25 }).map((runs) =>
  runs.map((r, i): RunDigest => {
    const ids = IDS.filter((id) => r.present.includes(id));
    return {
      v: DIGEST_VERSION,
      runId: `run-${i}`,
      workflowPath: '/w.workflow.yaml',
      workflowName: 'w',
      workflowHash: r.hash,
      status: r.status,
      // Starts collide on purpose: ties are ordered by run id.
      startedAt: r.startedAt * 1000,
      endedAt: r.startedAt * 1000 + r.durationMs,
      durationMs: r.durationMs,
      concurrency: r.concurrency,
      nodes: Object.fromEntries(ids.map((id) => [id, r.nodes[IDS.indexOf(id)]])),
      critical: r.critical,
      needs: Object.fromEntries(ids.map((id, k) => [id, ids.slice(0, k).filter((_, m) => m === r.needFrom[k] % Math.max(1, k))])),
    };
  }),
);

describe('the table of runs (properties)', () => {
  it('gives the same report as reading the digests one object at a time', () => {
    fc.assert(
      fc.property(runsArb, fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }), (runs, last) => {
        assert.deepEqual(insightsReport('/w.workflow.yaml', runs, last), referenceReport('/w.workflow.yaml', runs, last));
      }),
      { numRuns: 400 },
    );
  });

  it('gives back every digest it was made of, oldest first', () => {
    fc.assert(
      fc.property(runsArb, (runs) => {
        const sorted = [...runs].sort((a, b) => a.startedAt - b.startedAt || (a.runId < b.runId ? -1 : 1));
        assert.deepEqual(digestsOf(tableOf(runs)), sorted);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the schedule of a graph (property)', () => {
  it('is the one the step-by-step reference gives, cycles, unknown needs and ties included', () => {
    const graphArb = fc.integer({ min: 0, max: 14 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        durations: fc.array(fc.constantFrom(0, 1, 2, 5, 10, 10, 30), { minLength: n, maxLength: n }),
        edges: fc.array(fc.tuple(fc.nat(Math.max(0, n - 1)), fc.nat(n + 1)), { maxLength: 30 }),
        concurrency: fc.integer({ min: 0, max: 5 }),
      }),
    );
    fc.assert(
      fc.property(graphArb, ({ n, durations, edges, concurrency }) => {
        const ids = Array.from({ length: n }, (_, i) => `n${i}`);
        const needs = new Map(ids.map((id) => [id, [] as string[]]));
        // Any edge: backwards, forwards (cycles), to itself, or to a node not in the graph (n, n + 1).
        for (const [from, to] of edges) needs.get(ids[from])?.push(`n${to}`);
        const input = { order: ids, needs: (id: string) => needs.get(id) ?? [], duration: (id: string) => durations[Number(id.slice(1))], concurrency };
        const fast = schedule(input);
        const reference = referenceSchedule(input);
        assert.deepEqual([...fast.start], [...reference.start]);
        assert.deepEqual([...fast.end], [...reference.end]);
        assert.equal(fast.makespan, reference.makespan);
        assert.equal(makespan(input), reference.makespan);
        assert.deepEqual(fast.critical, reference.critical);
      }),
      { numRuns: 1000 },
    );
  });
});
