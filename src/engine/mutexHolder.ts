// How a mutex's holder, and a wait for it, are said: by the CLI, the Runs view and the panel alike. Pure.
import type { MutexHolding } from './protocol';

/** `serve of the run 20261205-…, process 4321`; `the run 20261205-…`; `process 4321`; `another run` when nothing is known. */
export function mutexHolderText(holder: MutexHolding): string {
  const run = holder.runId !== undefined ? `the run ${holder.runId}` : undefined;
  const who = run && holder.nodeId !== undefined ? `${holder.nodeId} of ${run}` : run;
  const where = holder.pid !== undefined ? `process ${holder.pid}` : undefined;
  if (who && where) return `${who}, ${where}`;
  return who ?? where ?? 'another run';
}

/** `the mutex port-5432, which serve of the run …, process 4321 holds`: what a node or a run waits for. */
export const heldMutexText = (held: { mutex: string; holder: MutexHolding }): string => `the mutex ${held.mutex}, which ${mutexHolderText(held.holder)} holds`;
