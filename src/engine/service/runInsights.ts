// Insights for a host: a workflow's report from its runs' index, and two runs compared, read from their logs.
import { compareRuns, type CompareRow } from '../insights/compare';

export type { WorkflowInsights } from '../insights/report';
import { reportOfTable, type WorkflowInsights } from '../insights/report';
import { digestAt } from '../insights/table';
import { readIndexedRuns } from '../run/io/runIndex';
import { readRun } from '../run/io/runStore';
import { foldEvents } from '../runState';

/** The report over a workflow's last `last` runs (all when undefined); twice as many are read for the trends. */
export function workflowInsights(runsDir: string, workflowPath: string, last?: number): WorkflowInsights {
  const indexed = readIndexedRuns(runsDir, workflowPath, last === undefined ? undefined : 2 * last);
  const { runs } = indexed;
  const report = { ...reportOfTable(workflowPath, runs, last), totalRuns: indexed.total };
  // The run that ended last: the graph a forecast compares against.
  const newest = runs.runs.reduce((best, r, i) => (best < 0 || r.endedAt > runs.runs[best].endedAt ? i : best), -1);
  return { report, ...(newest >= 0 ? { lastRun: digestAt(runs, newest) } : {}), rebuilt: indexed.rebuilt };
}

export function compareStoredRuns(a: { runsDir: string; runId: string }, b: { runsDir: string; runId: string }): CompareRow[] {
  const stateOf = (r: { runsDir: string; runId: string }) => {
    const state = foldEvents(readRun(r.runsDir, r.runId).events);
    if (!state) throw new Error(`run ${r.runId} has no events to compare`);
    return state;
  };
  return compareRuns(stateOf(a), stateOf(b));
}
