// The run's slots for attempts: one pool shared by the run and its sub-runs at any depth, so that `concurrency`
// bounds the processes of the whole run, as a make jobserver bounds those of recursive makes. A `workflow` node
// takes no slot (it runs no process; its sub-run's nodes take theirs), so sub-runs cannot wait on their own parents.
export class SlotPool {
  private used = 0;
  /** Schedulers that found no slot free: pumped again once one is given back. */
  private readonly waiting = new Set<() => void>();
  private wakeQueued = false;

  constructor(readonly limit: number) {}

  get free(): boolean {
    return this.used < this.limit;
  }

  take(): void {
    this.used++;
  }

  /**
   * Gives a slot back; the schedulers waiting for one are pumped after the current event is handled, so that
   * another scheduler never starts in the middle of the one whose attempt ended.
   */
  give(): void {
    this.used--;
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
