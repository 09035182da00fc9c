// A workflow's history for the Insights view's tests: generated digests of a six-node workflow, with a node that
// fails now and then, one that gets slower, one whose kept result is often reused, and a change of the file half-way.
import { DIGEST_VERSION, type RunDigest } from '../../src/engine/insights/digest';
import { insightsReport, type WorkflowInsights } from '../../src/engine/insights/report';

const NEEDS: Record<string, string[]> = {
  checkout: [],
  build: ['checkout'],
  unit: ['build'],
  lint: ['checkout'],
  e2e: ['build'],
  ship: ['unit', 'lint', 'e2e'],
};
const BASE: Record<string, number> = { checkout: 400, build: 3000, unit: 1500, lint: 700, e2e: 5200, ship: 300 };

/** A deterministic pseudo-random sequence, so that screenshots are comparable. */
function noise(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
}

export function historyOf(count: number, start = Date.UTC(2026, 10, 1)): RunDigest[] {
  const rnd = noise(7);
  return Array.from({ length: count }, (_, i) => {
    const nodes: RunDigest['nodes'] = {};
    const end = new Map<string, number>();
    let failed = false;
    for (const node of Object.keys(NEEDS)) {
      const ready = Math.max(0, ...NEEDS[node].map((n) => end.get(n) ?? 0));
      const slower = node === 'e2e' ? (i / count) * 2000 : 0;
      const reused = node === 'checkout' && i % 5 !== 0;
      const duration = reused ? 3 : Math.round(BASE[node] * (0.8 + 0.4 * rnd()) + slower);
      const flaky = node === 'unit' && rnd() < 0.25;
      const fails = node === 'lint' && rnd() < 0.08;
      failed ||= fails;
      nodes[node] = { status: fails ? 'failed' : 'completed', attempts: flaky ? 2 : 1, start: ready + 5, end: ready + 5 + duration, queue: 5 };
      if (reused) nodes[node].reused = true;
      end.set(node, ready + 5 + duration);
    }
    const total = Math.max(...end.values());
    return {
      v: DIGEST_VERSION,
      runId: `20261101-${String(100000 + i)}-${(i * 7919).toString(16).slice(-4).padStart(4, '0')}`,
      workflowPath: '/work/ci.workflow.yaml',
      workflowName: 'CI',
      workflowHash: i < count / 2 ? 'aaaa' : 'bbbb',
      status: failed ? 'failed' : 'completed',
      startedAt: start + i * 3_600_000,
      endedAt: start + i * 3_600_000 + total,
      durationMs: total,
      concurrency: 4,
      nodes,
      critical: ['checkout', 'build', 'e2e', 'ship'],
      needs: NEEDS,
    };
  });
}

export function insightsOf(count: number, last?: number): WorkflowInsights {
  const digests = historyOf(count);
  return { report: insightsReport('/work/ci.workflow.yaml', digests, last), lastRun: digests.at(-1), rebuilt: false };
}
