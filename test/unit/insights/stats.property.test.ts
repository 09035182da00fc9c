import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { criticalPath } from '../../../src/engine/insights/criticalPath';
import { DIGEST_VERSION, type RunDigest } from '../../../src/engine/insights/digest';
import { insightsReport } from '../../../src/engine/insights/report';
import { schedule } from '../../../src/engine/insights/schedule';
import { percentile, percentilesInPlace } from '../../../src/engine/insights/stats';

/** The definition, by brute force: the smallest value with at least p% of the values at or below it. */
function percentileByDefinition(values: number[], p: number): number | undefined {
  const candidates = [...new Set(values)].sort((a, b) => a - b);
  return candidates.find((x) => values.filter((v) => v <= x).length >= (p / 100) * values.length);
}

const STATUSES = ['completed', 'failed'] as const;

/** A run of a fixed three-node chain a → b → c, with random times, statuses and attempts. */
const runArb = (i: number) =>
  fc
    .record({
      durations: fc.tuple(fc.nat(1000), fc.nat(1000), fc.nat(1000)),
      statuses: fc.tuple(fc.constantFrom(...STATUSES), fc.constantFrom(...STATUSES), fc.constantFrom(...STATUSES)),
      attempts: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      hash: fc.constantFrom('h1', 'h2'),
    })
    .map(({ durations, statuses, attempts, hash }): RunDigest => {
      let t = 0;
      const nodes: RunDigest['nodes'] = {};
      ['a', 'b', 'c'].forEach((id, k) => {
        nodes[id] = { status: statuses[k], attempts: attempts[k], start: t, end: t + durations[k], queue: 0 };
        t += durations[k];
      });
      return {
        v: DIGEST_VERSION,
        runId: `run-${String(i).padStart(4, '0')}`,
        workflowPath: '/w.workflow.yaml',
        workflowName: 'w',
        workflowHash: hash,
        status: statuses.includes('failed') ? 'failed' : 'completed',
        startedAt: i * 10_000,
        endedAt: i * 10_000 + t,
        durationMs: t,
        concurrency: 2,
        nodes,
        critical: ['a', 'b', 'c'],
        needs: { a: [], b: ['a'], c: ['b'] },
      };
    });

const runsArb = fc.integer({ min: 1, max: 30 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => runArb(i))));

describe('insights statistics (properties, against brute force)', () => {
  it('percentile is the nearest-rank percentile: a value that occurred, with p% at or below it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 100 }), (values, p) => {
        assert.equal(percentile(values, p), percentileByDefinition(values, p));
      }),
      { numRuns: 500 },
    );
    assert.equal(percentile([], 50), undefined);
  });

  it('selecting percentiles in place gives the nearest-rank ones, whatever the order and the repeats', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 300 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
        (values, ps) => {
          assert.deepEqual(
            percentilesInPlace(new Float64Array(values), ps),
            ps.map((p) => percentileByDefinition(values, p)),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("each node's figures are what counting the runs by hand gives", () => {
    fc.assert(
      fc.property(runsArb, fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }), (runs, last) => {
        const report = insightsReport('/w.workflow.yaml', runs, last);
        const range = last === undefined ? runs : runs.slice(-last);
        assert.equal(report.basedOn, range.length);
        for (const node of ['a', 'b', 'c']) {
          const stats = report.nodes.find((n) => n.node === node)!;
          const mine = range.map((r) => r.nodes[node]);
          assert.equal(stats.runs, mine.length);
          assert.equal(stats.failureRate, mine.filter((i) => i.status === 'failed').length / mine.length);
          assert.equal(stats.retryRate, mine.filter((i) => i.attempts > 1).length / mine.length);
          assert.equal(
            stats.p50Ms,
            percentileByDefinition(
              mine.map((i) => i.end! - i.start!),
              50,
            ),
          );
          assert.equal(
            stats.p95Ms,
            percentileByDefinition(
              mine.map((i) => i.end! - i.start!),
              95,
            ),
          );
        }
        assert.equal(report.summary.successRate, range.filter((r) => r.status === 'completed').length / range.length);
      }),
      { numRuns: 300 },
    );
  });

  it('gives no success rate, nor percentiles, for a workflow without runs', () => {
    const { basedOn, summary } = insightsReport('w.workflow.yaml', []);
    assert.deepEqual([basedOn, JSON.parse(JSON.stringify(summary))], [0, { completed: 0, failed: 0, cancelled: 0 }], 'as stats --json writes it');
  });

  it('a node is flaky exactly when it passed on a retry, or passed and failed on the same file', () => {
    fc.assert(
      fc.property(runsArb, (runs) => {
        const found = new Map(insightsReport('/w.workflow.yaml', runs).flaky.map((f) => [f.node, f]));
        for (const node of ['a', 'b', 'c']) {
          const retried = runs.filter((r) => r.nodes[node].status === 'completed' && r.nodes[node].attempts > 1).map((r) => r.runId);
          const mixed = ['h1', 'h2'].filter((h) => {
            const of = runs.filter((r) => r.workflowHash === h).map((r) => r.nodes[node].status);
            return of.includes('completed') && of.includes('failed');
          });
          assert.equal(found.has(node), retried.length > 0 || mixed.length > 0, node);
          if (found.has(node)) {
            assert.deepEqual(found.get(node)!.passedOnRetry, retried);
            assert.deepEqual(
              found
                .get(node)!
                .mixed.map((m) => m.workflowHash)
                .sort(),
              mixed,
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("critical-path shares are each node's time on the path over all the runs' time", () => {
    fc.assert(
      fc.property(runsArb, (runs) => {
        const report = insightsReport('/w.workflow.yaml', runs);
        const total = runs.reduce((s, r) => s + r.durationMs, 0);
        for (const b of report.bottlenecks) {
          const mine = runs.reduce((s, r) => s + (r.nodes[b.node].end! - r.nodes[b.node].start!), 0);
          assert.equal(b.criticalRuns, runs.length);
          assert.equal(b.timeShare, total === 0 ? 0 : mine / total);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a schedule respects needs and concurrency, and its makespan is at least the longest chain', () => {
    const graphArb = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.record({
        durations: fc.array(fc.nat(100), { minLength: n, maxLength: n }),
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 20 }),
        concurrency: fc.integer({ min: 1, max: 4 }),
      }),
    );
    fc.assert(
      fc.property(graphArb, ({ durations, edges, concurrency }) => {
        const ids = durations.map((_, i) => `n${i}`);
        const needs = new Map(ids.map((id) => [id, [] as string[]]));
        for (const [a, b] of edges) if (a < b) needs.get(ids[b])!.push(ids[a]);
        const s = schedule({ order: ids, needs: (id) => needs.get(id)!, duration: (id) => durations[Number(id.slice(1))], concurrency });
        for (const id of ids) for (const d of needs.get(id)!) assert.ok(s.start.get(id)! >= s.end.get(d)!, `${id} starts after ${d} ends`);
        const events = ids.flatMap((id) => [s.start.get(id)!]);
        for (const t of events) assert.ok(ids.filter((id) => s.start.get(id)! <= t && s.end.get(id)! > t).length <= concurrency);
        const longest = new Map<string, number>();
        for (const id of ids) longest.set(id, durations[Number(id.slice(1))] + Math.max(0, ...needs.get(id)!.map((d) => longest.get(d)!)));
        assert.ok(s.makespan >= Math.max(...longest.values()));
        if (concurrency >= ids.length) assert.equal(s.makespan, Math.max(...longest.values()));
      }),
      { numRuns: 300 },
    );
  });

  it('the critical path is a chain of needs that ends with the last span to end', () => {
    const spans = [
      { id: 'a', nodeId: 'a', start: 0, end: 10 },
      { id: 'b', nodeId: 'b', start: 0, end: 30 },
      { id: 'c', nodeId: 'c', start: 30, end: 40 },
      { id: 'd', nodeId: 'd', start: 10, end: 15 },
    ];
    const needs: Record<string, string[]> = { c: ['a', 'b'], d: ['a'] };
    assert.deepEqual(
      criticalPath(spans, (n) => needs[n] ?? []),
      ['b', 'c'],
    );
  });
});
