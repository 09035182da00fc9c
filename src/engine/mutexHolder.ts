// How a mutex's holder is said, by the CLI and the panel alike. Pure.
import type { MutexHolding } from './protocol';

/** `serve of the run 20261205-…, process 4321`; `the run 20261205-…`; `process 4321`; `another run` when nothing is known. */
export function mutexHolderText(holder: MutexHolding): string {
  const run = holder.runId !== undefined ? `the run ${holder.runId}` : undefined;
  const who = run && holder.nodeId !== undefined ? `${holder.nodeId} of ${run}` : run;
  const where = holder.pid !== undefined ? `process ${holder.pid}` : undefined;
  if (who && where) return `${who}, ${where}`;
  return who ?? where ?? 'another run';
}
