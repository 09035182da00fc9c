// The mutexes nodes and workflows name (`mutex:`): one registry is shared by a run and its sub-runs, and by the runs
// of one engine (the editor window's, or a served engine's), so that two runs that start a service on one port take
// turns; through its lock files, with the engines of other processes too. Attempts of run nodes hold a node's, all at
// once and for the attempt alone, never while waiting for anything; a run holds its workflow's, all at once, and a
// sub-run none. What holds a mutex while it waits for one (a run, through its nodes) waits for attempts, which hold
// theirs without waiting: no two can wait for each other.
import { mutexHolderText } from '../../mutexHolder';
import type { HeldMutex, MutexHolding } from '../../protocol';
import type { MutexLockEntry, MutexLockFiles } from '../io/mutexLocks';
import { Wakeups } from './wakeups';

/** How often a scheduler waiting for a mutex another process holds looks again. */
export const OUTSIDE_POLL_MS = 100;

/** Who asks for mutexes, written in the lock files for saying who holds them: a node of a run, or a run itself. */
export interface MutexTaker {
  runId: string;
  nodeId?: string;
}

/** A holder's run and node, those it has. */
const holding = (by: { runId?: string; nodeId?: string }): MutexHolding => ({
  ...(by.runId !== undefined && { runId: by.runId }),
  ...(by.nodeId !== undefined && { nodeId: by.nodeId }),
});

/** A lock as the protocol tells of it; `here`: held by this engine. */
const heldMutexOf = (entry: MutexLockEntry, here: boolean): HeldMutex => ({
  mutex: entry.mutex,
  ...(entry.holder && { holder: { ...holding(entry.holder), pid: entry.holder.pid }, since: entry.holder.since }),
  live: entry.live,
  here,
});

export class MutexRegistry {
  /** The mutexes this engine's attempts hold, and who took each. */
  private readonly held = new Map<string, MutexTaker | undefined>();
  private readonly wakeups = new Wakeups();
  private poll: NodeJS.Timeout | undefined;
  private outsideFailed = false;

  /** `outside`: the lock files shared with other processes; `onWarning` is told once if they cannot be used. */
  constructor(
    private readonly outside?: MutexLockFiles,
    private readonly onWarning?: (message: string) => void,
  ) {}

  /**
   * Takes all of the mutexes when none is held (here, or by another process), or none of them; when one is held,
   * `pump` is called once it may have been given back.
   */
  tryTake(names: readonly string[], pump: () => void, by?: MutexTaker): boolean {
    if (names.some((name) => this.held.has(name))) {
      this.wakeups.add(pump);
      return false;
    }
    if (!this.takeOutside(names, by)) {
      this.wakeups.add(pump);
      this.poll ??= setTimeout(() => {
        this.poll = undefined;
        this.wakeups.wake();
      }, OUTSIDE_POLL_MS);
      return false;
    }
    for (const name of names) this.held.set(name, by);
    return true;
  }

  /** Whether the run itself (its workflow's `mutex`, not one of its nodes) holds the mutex in this engine. */
  runHolds(name: string, runId: string): boolean {
    const taker = this.held.get(name);
    return taker !== undefined && taker.runId === runId && taker.nodeId === undefined;
  }

  /** The first of the mutexes that is held, and who holds it (in this engine or, as its lock file says, another process). */
  holderOf(names: readonly string[]): { mutex: string; holder: MutexHolding } | undefined {
    for (const name of names) {
      if (!this.held.has(name)) continue;
      const taker = this.held.get(name);
      return { mutex: name, holder: this.holdingHere(taker) };
    }
    if (!this.outside || this.outsideFailed) return undefined;
    for (const name of names) {
      const holder = this.readOutside(name);
      if (holder) return { mutex: name, holder: { ...holding(holder), pid: holder.pid } };
    }
    return undefined;
  }

  /** The mutexes held: by this engine's runs, and by other processes' as their locks say (unless they cannot be used). */
  /** The folder of the lock files shared with other processes, while they can be used. */
  folder(): string | undefined {
    return this.outside && !this.outsideFailed ? this.outside.folder : undefined;
  }

  list(): HeldMutex[] {
    const files = this.outside && !this.outsideFailed ? this.outside.list() : [];
    const listed = files.map((entry) => heldMutexOf(entry, this.held.has(entry.mutex)));
    for (const [mutex, taker] of this.held)
      if (!listed.some((m) => m.mutex === mutex)) listed.push({ mutex, holder: this.holdingHere(taker), live: true, here: true });
    return listed.sort((a, b) => a.mutex.localeCompare(b.mutex));
  }

  /**
   * Gives back a mutex another process holds, whoever that is: its runs go on as if they held it. One that a run of
   * this engine holds is refused (it is given back when that run or node ends; cancelling it gives it back now).
   */
  release(name: string): HeldMutex {
    if (this.held.has(name))
      throw new Error(
        `the mutex '${name}' is held by ${mutexHolderText(this.holdingHere(this.held.get(name)))}, a run of this engine: it is given back when that ends, or when the run is cancelled`,
      );
    const released = this.outside && !this.outsideFailed ? this.outside.release(name) : undefined;
    if (!released) throw new Error(`no run holds the mutex '${name}'`);
    this.wakeups.wake();
    return heldMutexOf(released, false);
  }

  private holdingHere(taker: MutexTaker | undefined): MutexHolding {
    return { ...(taker && holding(taker)), pid: process.pid };
  }

  private readOutside(name: string): ReturnType<MutexLockFiles['holderOf']> {
    try {
      return this.outside?.holderOf(name);
    } catch {
      // A lock file that cannot be read says nothing about its holder; the wait goes on all the same.
      return undefined;
    }
  }

  /** Gives the mutexes back; the schedulers waiting for one are pumped after the current event is handled. */
  give(names: readonly string[]): void {
    for (const name of names) this.held.delete(name);
    this.giveOutside(names);
    this.wakeups.wake();
  }

  /** Removes the lock files of the names, those taken before the folder failed too (they would hold other processes). */
  private giveOutside(names: readonly string[]): void {
    try {
      this.outside?.give(names);
    } catch {
      // One that cannot be removed is taken over once this process has ended.
    }
  }

  private takeOutside(names: readonly string[], by: MutexTaker | undefined): boolean {
    if (!this.outside || this.outsideFailed) return true;
    try {
      return this.outside.tryTake(names, by);
    } catch (e) {
      // Without its folder, a mutex is still one at a time among this engine's runs.
      this.outsideFailed = true;
      this.onWarning?.(`mutexes are not shared with other processes: their folder ${this.outside.folder} cannot be used (${(e as Error).message})`);
      return true;
    }
  }
}
