// What *Release Mutex…* shows: the mutexes held on the engine's machine, and what giving one back does to its
// holder. Pure: no vscode import.
import { mutexHolderText } from '../../engine/mutexHolder';
import type { HeldMutex } from '../../engine/protocol';
import { plainText } from '../ui/untrustedText';

export interface MutexChoice {
  label: string;
  description: string;
  detail: string;
  held: HeldMutex;
}

/** Who holds it, as plain text (its lock is read from a file, whatever wrote it). */
export const mutexHolderOf = (held: HeldMutex): string => (held.holder ? plainText(mutexHolderText(held.holder)) : 'a file that is not a lock');

function heldFor(since: string | undefined, now: number): string {
  const at = since === undefined ? NaN : Date.parse(since);
  if (Number.isNaN(at)) return '';
  const minutes = Math.floor(Math.max(0, now - at) / 60_000);
  const time = new Date(at).toLocaleTimeString();
  return minutes < 1 ? `since ${time}` : `since ${time} (${minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h`})`;
}

/** What becomes of the mutex, and of its holder, when it is released. */
function stateOf(held: HeldMutex): string {
  if (held.here) return 'held by a run of this window: given back when it ends';
  if (!held.holder) return 'the next run that wants it takes it over';
  return held.live ? 'its process still runs' : 'its holder has ended: the next run that wants it takes it over';
}

/** One row per mutex, in the order given. */
export function mutexChoices(held: HeldMutex[], now: number): MutexChoice[] {
  return held.map((m) => ({
    label: plainText(m.mutex),
    description: mutexHolderOf(m),
    detail: [heldFor(m.since, now), stateOf(m)].filter(Boolean).join(' · '),
    held: m,
  }));
}

/**
 * What is asked before a mutex is released, or undefined when nothing is lost by it (its holder has ended, or it is
 * not a lock): a holder that still runs goes on as if it held it, beside the next run that takes it.
 */
export function releaseWarning(held: HeldMutex): { message: string; detail: string } | undefined {
  if (!held.live || !held.holder) return undefined;
  return {
    message: `Release the mutex ${plainText(held.mutex)}?`,
    detail:
      `${mutexHolderOf(held)} holds it, and that process still runs: it goes on as if it held the mutex, and the next run ` +
      'that wants it starts beside it. Release it only when that process is no longer the run (the run was killed and another process got its id).',
  };
}

/** Why a mutex of this window's own runs is not released, and what to do instead. */
export const heldHereText = (held: HeldMutex): string =>
  `The mutex ${plainText(held.mutex)} is held by ${mutexHolderOf(held)}, a run of this window: it is given back when that ends, or when you cancel the run.`;
