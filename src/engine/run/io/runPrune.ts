// Deleting old runs: beyond the newest `keep` of each workflow, or older than a date; never a run that is going
// (running or paused in a live engine). The indexes of insights are compacted after.
import { resolve } from 'node:path';
import { compactIndexes } from './runIndex';
import { deleteRun, listRuns } from './runStore';

export interface PruneOptions {
  /** Runs to keep per workflow, newest first. */
  keep?: number;
  /** Runs that started before this time (epoch ms) go. */
  olderThan?: number;
  /** Only this workflow's runs. */
  workflowPath?: string;
}

/** Which runs a prune deletes, newest first: pure over a list of runs (newest first). */
export function runsToPrune<R extends { runId: string; workflowPath: string; startedAt: number; status: string; interrupted: boolean }>(
  runs: readonly R[],
  o: PruneOptions,
): R[] {
  const seen = new Map<string, number>();
  const target = o.workflowPath === undefined ? undefined : resolve(o.workflowPath);
  return runs.filter((r) => {
    if (target !== undefined && resolve(r.workflowPath) !== target) return false;
    const rank = (seen.get(r.workflowPath) ?? 0) + 1;
    seen.set(r.workflowPath, rank);
    // A run marked running is going unless its engine is gone (interrupted): those are never deleted.
    if (r.status === 'running' && !r.interrupted) return false;
    return (o.keep !== undefined && rank > o.keep) || (o.olderThan !== undefined && r.startedAt < o.olderThan);
  });
}

/** Deletes the runs a prune selects in a runs folder; returns their ids. */
export function pruneRuns(runsDir: string, o: PruneOptions, isLive: (runId: string) => boolean = () => false): string[] {
  const doomed = runsToPrune(listRuns(runsDir), o).filter((r) => !isLive(r.runId));
  for (const r of doomed) deleteRun(runsDir, r.runId);
  if (doomed.length) compactIndexes(runsDir);
  return doomed.map((r) => r.runId);
}
