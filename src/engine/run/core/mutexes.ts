// The mutexes nodes name (`mutex:`), held by attempts: one registry is shared by a run and its sub-runs, and by the
// runs of one engine (the editor window's, or a served engine's), so that two runs that start a service on one port
// take turns. Only attempts of run nodes hold mutexes, all of a node's at once and for the attempt alone, never while
// waiting for anything: no two attempts can wait on each other.
import { Wakeups } from './wakeups';

export class MutexRegistry {
  private readonly held = new Set<string>();
  private readonly wakeups = new Wakeups();

  /** Whether none of the mutexes is held; when one is, `pump` is called once a mutex is given back. */
  free(names: readonly string[], pump: () => void): boolean {
    if (names.every((name) => !this.held.has(name))) return true;
    this.wakeups.add(pump);
    return false;
  }

  /** Takes the mutexes (free: see `free`). */
  take(names: readonly string[]): void {
    for (const name of names) this.held.add(name);
  }

  /** Gives the mutexes back; the schedulers waiting for one are pumped after the current event is handled. */
  give(names: readonly string[]): void {
    for (const name of names) this.held.delete(name);
    this.wakeups.wake();
  }
}
