// The report as first written, over digests one object at a time: the reference the table's report must equal.
import type { RunStatus } from '../../../src/engine/protocol';
import { durationOf, type NodeDigest, type RunDigest } from '../../../src/engine/insights/digest';
import type { Bottleneck, Flake, InsightsReport, NodeStats } from '../../../src/engine/insights/report';
import { schedule } from '../../../src/engine/insights/schedule';
import { percentile, rate, sortedPercentile } from '../../../src/engine/insights/stats';

const SPARK = 20;
const TOP_BOTTLENECKS = 10;

/** The report over `digests` (oldest first), the range being its last `last` runs (all when undefined). */
export function referenceReport(workflowPath: string, digests: readonly RunDigest[], last?: number): InsightsReport {
  const sorted = [...digests].sort((a, b) => a.startedAt - b.startedAt || a.runId.localeCompare(b.runId));
  const range = last === undefined ? sorted : sorted.slice(-last);
  const before = last === undefined ? [] : sorted.slice(Math.max(0, sorted.length - 2 * last), sorted.length - range.length);
  const versions = new Map<string, number>();
  for (const d of range) if (!versions.has(d.workflowHash)) versions.set(d.workflowHash, versions.size + 1);
  const durations = range.map((d) => d.durationMs);
  const count = (s: RunStatus) => range.filter((d) => d.status === s).length;
  return {
    workflowPath,
    basedOn: range.length,
    totalRuns: sorted.length,
    summary: {
      completed: count('completed'),
      failed: count('failed'),
      cancelled: count('cancelled'),
      ...(range.length > 0 ? { successRate: count('completed') / range.length } : {}),
      p50Ms: percentile(durations, 50),
      p95Ms: percentile(durations, 95),
    },
    runs: range.map((d) => ({
      runId: d.runId,
      startedAt: d.startedAt,
      durationMs: d.durationMs,
      status: d.status,
      workflowHash: d.workflowHash,
      version: versions.get(d.workflowHash)!,
    })),
    nodes: nodeStats(range, before),
    flaky: flakes(range),
    bottlenecks: bottlenecks(range),
  };
}

function nodeIds(runs: readonly RunDigest[]): string[] {
  const ids = new Set<string>();
  for (const r of runs) for (const id in r.nodes) ids.add(id);
  return [...ids];
}

const ascending = (a: number, b: number) => a - b;

/** Each node's durations over the runs where it ran, in run order. */
function durationsByNode(runs: readonly RunDigest[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of runs)
    for (const id in r.nodes) {
      const d = durationOf(r.nodes[id]);
      if (d === undefined || r.nodes[id].reused) continue;
      let list = out.get(id);
      if (!list) out.set(id, (list = []));
      list.push(d);
    }
  return out;
}

function nodeStats(runs: readonly RunDigest[], previous: readonly RunDigest[]): NodeStats[] {
  const times = durationsByNode(runs);
  const before = durationsByNode(previous);
  return nodeIds(runs).map((node) => {
    const ran = runs.map((r) => r.nodes[node]).filter((n): n is NodeDigest => n?.start !== undefined);
    const mine = times.get(node) ?? [];
    const sorted = [...mine].sort(ascending);
    const queues = ran
      .map((n) => n.queue)
      .filter((q): q is number => q !== undefined)
      .sort(ascending);
    const p50Ms = sortedPercentile(sorted, 50);
    const previousP50Ms = sortedPercentile([...(before.get(node) ?? [])].sort(ascending), 50);
    return {
      node,
      runs: ran.length,
      failureRate: rate(ran.filter((n) => n.status === 'failed').length, ran.length),
      retryRate: rate(ran.filter((n) => n.attempts > 1).length, ran.length),
      reuseRate: rate(ran.filter((n) => n.reused).length, ran.length),
      p50Ms,
      p95Ms: sortedPercentile(sorted, 95),
      queueP50Ms: sortedPercentile(queues, 50),
      recentMs: mine.slice(-SPARK),
      ...(p50Ms !== undefined && previousP50Ms !== undefined
        ? { trend: { previousP50Ms, deltaMs: p50Ms - previousP50Ms, ratio: previousP50Ms === 0 ? 1 : p50Ms / previousP50Ms } }
        : {}),
    };
  });
}

/** Flaky: failed then passed on a retry in one run, or passed and failed in runs of the same file content. */
function flakes(runs: readonly RunDigest[]): Flake[] {
  const out: Flake[] = [];
  for (const node of nodeIds(runs)) {
    // A reused result is not the node passing again.
    const ran = runs.filter((r) => !r.nodes[node]?.reused);
    const passedOnRetry = ran.filter((r) => r.nodes[node]?.status === 'completed' && (r.nodes[node]?.attempts ?? 0) > 1).map((r) => r.runId);
    const byHash = new Map<string, { passed: string[]; failed: string[] }>();
    for (const r of ran) {
      const status = r.nodes[node]?.status;
      if (status !== 'completed' && status !== 'failed') continue;
      const entry = byHash.get(r.workflowHash) ?? { passed: [], failed: [] };
      (status === 'completed' ? entry.passed : entry.failed).push(r.runId);
      byHash.set(r.workflowHash, entry);
    }
    const mixed = [...byHash].filter(([, e]) => e.passed.length && e.failed.length).map(([workflowHash, e]) => ({ workflowHash, ...e }));
    if (passedOnRetry.length || mixed.length) out.push({ node, passedOnRetry, mixed });
  }
  return out.sort((a, b) => b.passedOnRetry.length + b.mixed.length - (a.passedOnRetry.length + a.mixed.length) || a.node.localeCompare(b.node));
}

/** Nodes by their share of the runs' time on the critical path, with what taking their p50 would save. */
function bottlenecks(runs: readonly RunDigest[]): Bottleneck[] {
  if (!runs.length) return [];
  const total = runs.reduce((s, r) => s + r.durationMs, 0);
  const onPath = new Map<string, { runs: number; ms: number }>();
  for (const r of runs)
    for (const node of new Set(r.critical)) {
      const entry = onPath.get(node) ?? { runs: 0, ms: 0 };
      entry.runs++;
      entry.ms += durationOf(r.nodes[node]) ?? 0;
      onPath.set(node, entry);
    }
  const latest = runs[runs.length - 1];
  const order = Object.keys(latest.needs);
  const times = durationsByNode(runs);
  const sortedTimes = new Map(order.map((n) => [n, [...(times.get(n) ?? [])].sort(ascending)]));
  const p95 = new Map(order.map((n) => [n, sortedPercentile(sortedTimes.get(n)!, 95) ?? 0]));
  const p50 = new Map(order.map((n) => [n, sortedPercentile(sortedTimes.get(n)!, 50) ?? 0]));
  const base = { order, needs: (n: string) => latest.needs[n] ?? [], concurrency: latest.concurrency };
  const slow = schedule({ ...base, duration: (n) => p95.get(n) ?? 0 }).makespan;
  const ranked = [...onPath]
    .map(([node, e]): Bottleneck => ({ node, criticalRuns: e.runs, timeShare: rate(e.ms, total), p50Ms: p50.get(node), p95Ms: p95.get(node) }))
    .sort((a, b) => b.timeShare - a.timeShare || a.node.localeCompare(b.node));
  // A what-if is a schedule of the whole graph: made for the ten that matter, the ones shown.
  for (const b of ranked.slice(0, TOP_BOTTLENECKS))
    b.savingMs = order.includes(b.node) ? slow - schedule({ ...base, duration: (n) => (n === b.node ? p50.get(n)! : p95.get(n)!) }).makespan : 0;
  return ranked;
}
