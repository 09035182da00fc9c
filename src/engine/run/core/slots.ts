// The run's slots for attempts: one pool shared by the run and its sub-runs at any depth, so that `concurrency`
// bounds the processes of the whole run, as a make jobserver bounds those of recursive makes. A `workflow` node
// takes no slot (it runs no process; its sub-run's nodes take theirs), so sub-runs cannot wait on their own parents.
// The pool also holds the run's mutexes (a node's `mutex`), shared the same way: only attempts of run nodes hold
// them, all of a node's at once and for the attempt alone, so that no two attempts can wait on each other.
export class SlotPool {
  private used = 0;
  /** The mutexes held now. */
  private readonly held = new Set<string>();
  /** Schedulers that found no slot, or a mutex they need, free: pumped again once one is given back. */
  private readonly waiting = new Set<() => void>();
  private wakeQueued = false;

  constructor(readonly limit: number) {}

  get free(): boolean {
    return this.used < this.limit;
  }

  /** Whether none of the mutexes is held; when one is, `pump` is called once a slot or a mutex is given back. */
  mutexesFree(names: readonly string[], pump: () => void): boolean {
    if (names.every((name) => !this.held.has(name))) return true;
    this.waitFor(pump);
    return false;
  }

  /** Takes a slot, and the mutexes an attempt holds while it runs (free: see mutexesFree). */
  take(mutexes: readonly string[] = []): void {
    this.used++;
    for (const name of mutexes) this.held.add(name);
  }

  /**
   * Gives a slot back, and the attempt's mutexes; the schedulers waiting for one are pumped after the current event
   * is handled, so that another scheduler never starts in the middle of the one whose attempt ended.
   */
  give(mutexes: readonly string[] = []): void {
    this.used--;
    for (const name of mutexes) this.held.delete(name);
    if (this.waiting.size === 0 || this.wakeQueued) return;
    this.wakeQueued = true;
    queueMicrotask(() => {
      this.wakeQueued = false;
      const waiting = [...this.waiting];
      this.waiting.clear();
      for (const pump of waiting) pump();
    });
  }

  /** `pump` is called once a slot is given back (once: a scheduler that still finds none asks again). */
  waitFor(pump: () => void): void {
    this.waiting.add(pump);
  }
}
