// Node by node over a range of a table's runs: each node's figures, the flaky ones and the bottlenecks. Pure.
import type { Bottleneck, Flake, NodeStats } from './report';
import { makespan } from './schedule';
import { percentilesInPlace, rate } from './stats';
import { STATUS_CODE, type RunGraph, type RunTable } from './table';

const SPARK = 20;
const TOP_BOTTLENECKS = 10;
const COMPLETED = STATUS_CODE.completed;
const FAILED = STATUS_CODE.failed;

/** The nodes of runs `lo`..`hi`, in the order first seen. */
export function rangeNodes(table: RunTable, lo: number, hi: number): number[] {
  const seen = new Set<number>();
  const graphs = new Set<RunGraph>();
  const out: number[] = [];
  for (let i = lo; i < hi; i++) {
    const graph = table.runs[i].graph;
    if (graphs.has(graph)) continue;
    graphs.add(graph);
    for (const id of graph.ids) {
      const j = table.column.get(id)!;
      if (seen.has(j)) continue;
      seen.add(j);
      out.push(j);
    }
  }
  return out;
}

/** Each run of the range by the version of the file it ran (an index into `hashes`). */
export function versionsOf(table: RunTable, lo: number, hi: number): Versions {
  const index = new Map<string, number>();
  const of = new Int32Array(Math.max(0, hi - lo));
  for (let i = lo; i < hi; i++) {
    const hash = table.runs[i].workflowHash;
    let v = index.get(hash);
    if (v === undefined) index.set(hash, (v = index.size));
    of[i - lo] = v;
  }
  return { hashes: [...index.keys()], of };
}

interface Versions {
  hashes: string[];
  of: Int32Array;
}

/** What a node's figures are made of, from one pass over its cells in the range. */
export interface NodePass {
  column: number;
  /** Runs in which it started, failed, took more than one attempt, had an earlier run's result reused. */
  ran: number;
  failed: number;
  retried: number;
  reused: number;
  queues: Float64Array;
  /** Its durations, in run order, with their p50 and p95. */
  durations: Float64Array;
  p50?: number;
  p95?: number;
  passedOnRetry: string[];
  /** By version of the file (index into the versions): how many runs it passed and failed, in the order they came. */
  passedBy: Int32Array;
  failedBy: Int32Array;
  versionOrder: number[];
}

/** One pass over node `j`'s cells in runs `lo`..`hi` (the code runs rarely, so it is mostly not compiled: passes
 * are what cost). */
export function passOver(table: RunTable, j: number, lo: number, hi: number, versions: Versions): NodePass {
  const { status, attempts, reused, start, end, queue, runs } = table;
  const m = Math.max(0, hi - lo);
  const durations = new Float64Array(m);
  const queues = new Float64Array(m);
  const passedBy = new Int32Array(versions.hashes.length);
  const failedBy = new Int32Array(versions.hashes.length);
  const out = { column: j, ran: 0, failed: 0, retried: 0, reused: 0, passedOnRetry: [] as string[], versionOrder: [] as number[] };
  let durationCount = 0;
  let queueCount = 0;
  for (let i = lo, k = j * runs.length + lo; i < hi; i++, k++) {
    const code = status[k];
    if (!Number.isNaN(start[k])) {
      out.ran++;
      if (code === FAILED) out.failed++;
      if (attempts[k] > 1) out.retried++;
      if (reused[k]) out.reused++;
      if (!Number.isNaN(queue[k])) queues[queueCount++] = queue[k];
    }
    // A reused result says nothing of how long the node takes, nor whether it passes now.
    if (reused[k]) continue;
    const duration = end[k] - start[k];
    if (!Number.isNaN(duration)) durations[durationCount++] = duration;
    if (code !== COMPLETED && code !== FAILED) continue;
    const v = versions.of[i - lo];
    if (passedBy[v] === 0 && failedBy[v] === 0) out.versionOrder.push(v);
    if (code === FAILED) failedBy[v]++;
    else {
      passedBy[v]++;
      if (attempts[k] > 1) out.passedOnRetry.push(runs[i].runId);
    }
  }
  const inOrder = durations.subarray(0, durationCount);
  const [p50, p95] = percentilesInPlace(inOrder.slice(), [50, 95]);
  return { ...out, durations: inOrder, queues: queues.subarray(0, queueCount), p50, p95, passedBy, failedBy };
}

/** A node's durations in runs `lo`..`hi`, in any order. */
function durations(table: RunTable, j: number, lo: number, hi: number): Float64Array {
  const base = j * table.runs.length;
  const out = new Float64Array(Math.max(0, hi - lo));
  let count = 0;
  for (let i = lo; i < hi; i++) {
    const d = table.end[base + i] - table.start[base + i];
    if (!Number.isNaN(d) && !table.reused[base + i]) out[count++] = d;
  }
  return out.subarray(0, count);
}

/** Each node's figures; the runs from `previous` to `lo` (before the range) are what the trends compare with. */
export function nodeStats(table: RunTable, passes: readonly NodePass[], previous: number, lo: number): NodeStats[] {
  return passes.map((pass) => {
    const { p50: p50Ms, p95: p95Ms, ran } = pass;
    const [previousP50Ms] = percentilesInPlace(durations(table, pass.column, previous, lo), [50]);
    return {
      node: table.nodes[pass.column],
      runs: ran,
      failureRate: rate(pass.failed, ran),
      retryRate: rate(pass.retried, ran),
      reuseRate: rate(pass.reused, ran),
      p50Ms,
      p95Ms,
      queueP50Ms: percentilesInPlace(pass.queues, [50])[0],
      recentMs: Array.from(pass.durations.subarray(Math.max(0, pass.durations.length - SPARK))),
      ...(p50Ms !== undefined && previousP50Ms !== undefined
        ? { trend: { previousP50Ms, deltaMs: p50Ms - previousP50Ms, ratio: previousP50Ms === 0 ? 1 : p50Ms / previousP50Ms } }
        : {}),
    };
  });
}

/** A node's runs that passed and failed under each version where it did both, in the order the versions came. */
function mixedRuns(table: RunTable, pass: NodePass, lo: number, hi: number, versions: Versions): Flake['mixed'] {
  const n = table.runs.length;
  return pass.versionOrder
    .filter((v) => pass.passedBy[v] > 0 && pass.failedBy[v] > 0)
    .map((v) => {
      const entry = { workflowHash: versions.hashes[v], passed: [] as string[], failed: [] as string[] };
      for (let i = lo, k = pass.column * n + lo; i < hi; i++, k++) {
        if (versions.of[i - lo] !== v || table.reused[k]) continue;
        if (table.status[k] === COMPLETED) entry.passed.push(table.runs[i].runId);
        else if (table.status[k] === FAILED) entry.failed.push(table.runs[i].runId);
      }
      return entry;
    });
}

/** Flaky: failed then passed on a retry in one run, or passed and failed in runs of the same file content. */
export function flakes(table: RunTable, passes: readonly NodePass[], lo: number, hi: number, versions: Versions): Flake[] {
  const out: Flake[] = [];
  for (const pass of passes) {
    const mixed = mixedRuns(table, pass, lo, hi, versions);
    if (pass.passedOnRetry.length || mixed.length) out.push({ node: table.nodes[pass.column], passedOnRetry: pass.passedOnRetry, mixed });
  }
  return out.sort((a, b) => b.passedOnRetry.length + b.mixed.length - (a.passedOnRetry.length + a.mixed.length) || a.node.localeCompare(b.node));
}

/** Each node's runs on the critical path and its time there, over runs `lo`..`hi`. */
function timeOnPath(table: RunTable, lo: number, hi: number): Map<string, { runs: number; ms: number }> {
  const n = table.runs.length;
  const onPath = new Map<string, { runs: number; ms: number }>();
  for (let i = lo; i < hi; i++)
    for (const node of new Set(table.runs[i].critical)) {
      const entry = onPath.get(node) ?? { runs: 0, ms: 0 };
      entry.runs++;
      const j = table.column.get(node);
      const d = j === undefined ? NaN : table.end[j * n + i] - table.start[j * n + i];
      entry.ms += Number.isNaN(d) ? 0 : d;
      onPath.set(node, entry);
    }
  return onPath;
}

/** Nodes by their share of the runs' time on the critical path, with what taking their p50 would save. */
export function bottlenecks(table: RunTable, passes: readonly NodePass[], lo: number, hi: number): Bottleneck[] {
  if (hi <= lo) return [];
  let total = 0;
  for (let i = lo; i < hi; i++) total += table.runs[i].durationMs;
  const latest = table.runs[hi - 1];
  const order = latest.graph.ids;
  const needsOf = new Map(order.map((id, k) => [id, latest.graph.needs[k]]));
  const byColumn = new Map(passes.map((p) => [p.column, p]));
  const timesOf = (id: string) => byColumn.get(table.column.get(id)!);
  const p95 = new Map(order.map((id) => [id, timesOf(id)?.p95 ?? 0]));
  const p50 = new Map(order.map((id) => [id, timesOf(id)?.p50 ?? 0]));
  const base = { order, needs: (id: string) => needsOf.get(id) ?? [], concurrency: latest.concurrency };
  const slow = makespan({ ...base, duration: (id) => p95.get(id) ?? 0 });
  const ranked = [...timeOnPath(table, lo, hi)]
    .map(([node, e]): Bottleneck => ({ node, criticalRuns: e.runs, timeShare: rate(e.ms, total), p50Ms: p50.get(node), p95Ms: p95.get(node) }))
    .sort((a, b) => b.timeShare - a.timeShare || a.node.localeCompare(b.node));
  // A what-if is a schedule of the whole graph: made for the ten that matter, the ones shown.
  for (const b of ranked.slice(0, TOP_BOTTLENECKS))
    b.savingMs = needsOf.has(b.node) ? slow - makespan({ ...base, duration: (id) => (id === b.node ? p50.get(id)! : p95.get(id)!) }) : 0;
  return ranked;
}
