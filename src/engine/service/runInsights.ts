// Insights for a host: a workflow's report from its runs' index, and two runs compared, read from their logs.
import { compareRuns, type CompareRow } from '../insights/compare';

export type { WorkflowInsights } from '../insights/report';
import { insightsReport, type WorkflowInsights } from '../insights/report';
import { readIndexedRuns } from '../run/io/runIndex';
import { readRun } from '../run/io/runStore';
import { foldEvents } from '../runState';

/** The report over a workflow's last `last` runs (all when undefined); twice as many are read for the trends. */
export function workflowInsights(runsDir: string, workflowPath: string, last?: number): WorkflowInsights {
  const indexed = readIndexedRuns(runsDir, workflowPath, last === undefined ? undefined : 2 * last);
  const report = { ...insightsReport(workflowPath, indexed.digests, last), totalRuns: indexed.total };
  const lastRun = indexed.digests[indexed.digests.length - 1];
  return { report, ...(lastRun ? { lastRun } : {}), rebuilt: indexed.rebuilt };
}

export function compareStoredRuns(a: { runsDir: string; runId: string }, b: { runsDir: string; runId: string }): CompareRow[] {
  const stateOf = (r: { runsDir: string; runId: string }) => {
    const state = foldEvents(readRun(r.runsDir, r.runId).events);
    if (!state) throw new Error(`run ${r.runId} has no events to compare`);
    return state;
  };
  return compareRuns(stateOf(a), stateOf(b));
}
