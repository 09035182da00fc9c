// Schedulers waiting for something another scheduler gives back (a slot, a mutex): each is pumped once, after the
// event that gave it back is handled, so that another scheduler never starts in the middle of the one whose attempt
// ended.
export class Wakeups {
  private readonly waiting = new Set<() => void>();
  private queued = false;

  /** `pump` is called at the next wake (once: a scheduler that still finds nothing free asks again). */
  add(pump: () => void): void {
    this.waiting.add(pump);
  }

  /** Pumps the waiting schedulers once the current event is handled. */
  wake(): void {
    if (this.waiting.size === 0 || this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      const waiting = [...this.waiting];
      this.waiting.clear();
      for (const pump of waiting) pump();
    });
  }
}
