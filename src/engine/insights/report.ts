// Insights over a workflow's runs: the figures the Insights view and `maestro-dag stats` show. Pure, over a table of
// runs (or digests, made into one).
import type { RunStatus } from '../protocol';
import type { RunDigest } from './digest';
import { bottlenecks, flakes, nodeStats, passOver, rangeNodes, versionsOf } from './nodeFigures';
import { sortedPercentile } from './stats';
import { tableOf, type RunTable } from './table';

export interface RunPoint {
  runId: string;
  startedAt: number;
  durationMs: number;
  status: RunStatus;
  workflowHash: string;
  /** 1 for the oldest version of the file among the runs shown, 2 for the next, … */
  version: number;
}

export interface NodeStats {
  node: string;
  /** Runs in which it started. */
  runs: number;
  failureRate: number;
  /** Of the runs it ran in, those where it needed more than one attempt. */
  retryRate: number;
  /** Of the runs it started in, those where it did not run: an earlier run's result was reused (see `cache`). */
  reuseRate: number;
  p50Ms?: number;
  p95Ms?: number;
  queueP50Ms?: number;
  /** Its durations in the last runs, oldest first (a sparkline). */
  recentMs: number[];
  /** Its p50 against that of as many runs before the range. */
  trend?: { previousP50Ms: number; deltaMs: number; ratio: number };
}

export interface Flake {
  node: string;
  /** Runs where it failed, then passed on a retry. */
  passedOnRetry: string[];
  /** Versions of the file (content hashes) under which it both passed and failed, with those runs. */
  mixed: { workflowHash: string; passed: string[]; failed: string[] }[];
}

export interface Bottleneck {
  node: string;
  /** Runs in which it was on the critical path. */
  criticalRuns: number;
  /** Its time on the critical path over the runs' total time. */
  timeShare: number;
  p50Ms?: number;
  p95Ms?: number;
  /** How much sooner a run with every node at its p95 ends when this one takes its p50 instead (for the top ten). */
  savingMs?: number;
}

export interface InsightsReport {
  workflowPath: string;
  /** How many runs the figures are based on, and how many the workflow has in all. */
  basedOn: number;
  totalRuns: number;
  summary: { completed: number; failed: number; cancelled: number; successRate?: number; p50Ms?: number; p95Ms?: number };
  runs: RunPoint[];
  nodes: NodeStats[];
  flaky: Flake[];
  bottlenecks: Bottleneck[];
}

/** A workflow's report as the engine answers it. */
export interface WorkflowInsights {
  report: InsightsReport;
  /** The newest run's digest: the graph a forecast compares against. */
  lastRun?: RunDigest;
  /** The index was missing or damaged and was made again from the runs. */
  rebuilt: boolean;
}

/** The report over `digests`, the range being the last `last` runs by start (all when undefined). */
export const insightsReport = (workflowPath: string, digests: readonly RunDigest[], last?: number): InsightsReport =>
  reportOfTable(workflowPath, tableOf(digests), last);

/** The report over a table's runs, the range being its last `last` runs (all when undefined); the runs before the
 * range, as many again, are what trends compare with. */
export function reportOfTable(workflowPath: string, table: RunTable, last?: number): InsightsReport {
  const all = table.runs;
  const hi = all.length;
  const lo = last === undefined ? 0 : Math.max(0, hi - last);
  const previous = last === undefined ? lo : Math.max(0, hi - 2 * last);
  const range = all.slice(lo, hi);
  const durations = range.map((d) => d.durationMs).sort((a, b) => a - b);
  const count = (s: RunStatus) => range.filter((d) => d.status === s).length;
  const fileVersions = versionsOf(table, lo, hi);
  const passes = rangeNodes(table, lo, hi).map((j) => passOver(table, j, lo, hi, fileVersions));
  return {
    workflowPath,
    basedOn: range.length,
    totalRuns: all.length,
    summary: {
      completed: count('completed'),
      failed: count('failed'),
      cancelled: count('cancelled'),
      // No rate without runs: absent, as the percentiles are.
      ...(range.length > 0 ? { successRate: count('completed') / range.length } : {}),
      p50Ms: sortedPercentile(durations, 50),
      p95Ms: sortedPercentile(durations, 95),
    },
    runs: range.map((d, i) => ({
      runId: d.runId,
      startedAt: d.startedAt,
      durationMs: d.durationMs,
      status: d.status,
      workflowHash: d.workflowHash,
      version: fileVersions.of[i] + 1,
    })),
    nodes: nodeStats(table, passes, previous, lo),
    flaky: flakes(table, passes, lo, hi, fileVersions),
    bottlenecks: bottlenecks(table, passes, lo, hi),
  };
}
