// What may be done with a run or a node in each status: decided here once, and used by the scheduler, the CLI, the
// editor's commands, views and context keys, and the DAG panel.
import type { EngineEvent, NodeStatus, RunListStatus, RunStatus } from './protocol';

/** A run that is going: it can be paused (if running), cancelled, approved; it cannot be deleted. */
export const isActiveRun = (s: RunListStatus): s is 'running' | 'paused' => s === 'running' || s === 'paused';

/** A run that has ended on its own terms. */
export const isEndedRun = (s: RunListStatus): s is RunStatus => s === 'completed' || s === 'failed' || s === 'cancelled';

/** A run's status, and whether a pause asked for waits for its running nodes to finish. */
export type RunStatusOf = { status: RunListStatus; pausing?: boolean };

/** The status views show: a running run whose pause waits for its running nodes to finish is `pausing`. */
export const shownRunStatus = (r: RunStatusOf): RunListStatus | 'pausing' => (r.status === 'running' && r.pausing ? 'pausing' : r.status);

/** A run that Pause can pause: running, and not pausing already. */
export const canPauseRun = (r: RunStatusOf): boolean => r.status === 'running' && !r.pausing;

/**
 * A run that Resume can continue: paused or pausing (the pause is called off), or ended without completing, or left
 * by an engine that stopped.
 */
export const canResumeRun = (r: RunStatusOf): boolean =>
  (r.status === 'running' && r.pausing === true) || r.status === 'paused' || r.status === 'interrupted' || r.status === 'failed' || r.status === 'cancelled';

/** A run whose failed nodes Retry Failed Nodes runs again (from its log). */
export const canRetryFailedRun = (s: RunListStatus): boolean => s === 'failed' || s === 'cancelled' || s === 'interrupted';

/** A run that can be deleted: anything but one going in an engine. */
export const canDeleteRun = (s: RunListStatus): boolean => !isActiveRun(s);

/** An event of the run itself (its start, pause, resume or end), which views show at once rather than batched. */
export const isRunEvent = (e: EngineEvent): boolean => e.type.startsWith('workflow:');

/** A node that has ended: it will not change unless it is retried. */
export const isEndedNode = (s: NodeStatus): boolean => s === 'completed' || s === 'failed' || s === 'skipped' || s === 'cancelled';

/** A node that is under way: running, waiting between attempts, or waiting for an approval. */
export const isBusyNode = (s: NodeStatus): boolean => s === 'running' || s === 'retrying' || s === 'waiting';

/**
 * Why a node inside a sub-run (`deploy/build`) cannot be run again by itself: its sub-run is one attempt of its
 * `workflow` node, which is retried instead. Undefined when the id is in no sub-run of the run's nodes.
 */
export function subRunNodeNotRetried(id: string, isRunNode: (id: string) => boolean): string | undefined {
  const holder = subRunHolder(id, isRunNode);
  return holder && `'${id}' is inside the sub-run of '${holder}': retry '${holder}' to run its sub-workflow again`;
}

/**
 * The run's own node instance whose sub-run holds a nested id (`deploy` for `deploy/inner/ship`); undefined when
 * none does. Cut at each `/` in turn, since a matrix instance's id may hold one (`m[path=a/b]/ship`).
 */
export function subRunHolder(id: string, isRunNode: (id: string) => boolean): string | undefined {
  for (let cut = id.indexOf('/'); cut > 0; cut = id.indexOf('/', cut + 1)) if (isRunNode(id.slice(0, cut))) return id.slice(0, cut);
  return undefined;
}

/** A node that Retry Node runs again (in a run that has ended or is paused). */
export const canRetryNode = (s: NodeStatus): boolean => s === 'failed' || s === 'cancelled' || s === 'skipped';
