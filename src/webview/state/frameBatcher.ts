/**
 * Collects items as they arrive and hands them over at an animation frame, so that a burst of thousands of events
 * costs one store update and one render. With a minimum gap, batches are at least that far apart: a run that streams
 * events redraws a few times a second instead of every frame, which leaves the page (and, in a browser-hosted
 * editor, the workbench that shares its thread) time for everything else. An urgent push (a run's end) is handed
 * over at the next frame whatever the gap.
 */
export class FrameBatcher<T> {
  private queue: T[] = [];
  private cancelScheduled: (() => void) | undefined;
  private lastFlushAt = -Infinity;

  constructor(
    private readonly flushTo: (items: T[]) => void,
    /** Runs a callback at the first frame after `delayMs` (requestAnimationFrame after a timer); returns a cancel. */
    private readonly schedule: (callback: () => void, delayMs: number) => () => void,
    private readonly minGapMs: () => number = () => 0,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(items: readonly T[], urgent = false): void {
    for (const item of items) this.queue.push(item);
    if (this.queue.length === 0) return;
    if (urgent) this.cancel();
    else if (this.cancelScheduled) return;
    const delay = urgent ? 0 : Math.max(0, this.lastFlushAt + this.minGapMs() - this.now());
    this.cancelScheduled = this.schedule(() => this.flush(), delay);
  }

  /** Hands over what is queued now (also used before a snapshot replaces the state, so nothing stale lands after it). */
  flush(): void {
    this.cancel();
    if (this.queue.length === 0) return;
    this.lastFlushAt = this.now();
    const items = this.queue;
    this.queue = [];
    this.flushTo(items);
  }

  /** Drops what is queued (the run shown changed). */
  clear(): void {
    this.queue = [];
  }

  private cancel(): void {
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
  }
}
