/**
 * Collects items as they arrive and hands them over once per animation frame, so that a burst of thousands of
 * events costs one store update and one render.
 */
export class FrameBatcher<T> {
  private queue: T[] = [];
  private scheduled = false;

  constructor(
    private readonly flushTo: (items: T[]) => void,
    /** Runs a callback at the next frame: requestAnimationFrame in the panel. */
    private readonly schedule: (callback: () => void) => void,
  ) {}

  push(items: readonly T[]): void {
    for (const item of items) this.queue.push(item);
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  /** Hands over what is queued now (also used before a snapshot replaces the state, so nothing stale lands after it). */
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const items = this.queue;
    this.queue = [];
    this.flushTo(items);
  }

  /** Drops what is queued (the run shown changed). */
  clear(): void {
    this.queue = [];
  }
}
