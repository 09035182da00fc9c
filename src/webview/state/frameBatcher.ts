/** A batch's drawing takes at most one part in COST_RATIO of the time between batches. */
export const COST_RATIO = 4;
/** However long a batch took to draw, the next one comes within this. */
export const MAX_GAP_MS = 2000;

/**
 * Collects items as they arrive and hands them over at an animation frame, so that a burst of thousands of events
 * costs one store update and one render. With a minimum gap, batches are at least that far apart: a run that streams
 * events redraws a few times a second instead of every frame, which leaves the page (and, in a browser-hosted
 * editor, the workbench that shares its thread) time for everything else. When the page says how long a batch took
 * to draw, the gap grows to COST_RATIO times that (up to MAX_GAP_MS): on a machine too loaded to draw a big graph
 * quickly, the page redraws less often rather than take the thread from the workbench. An urgent push (a run's end)
 * is handed over at the next frame whatever the gap.
 */
export class FrameBatcher<T> {
  private queue: T[] = [];
  private cancelScheduled: (() => void) | undefined;
  private lastFlushAt = -Infinity;
  /** How long the last batch took, from its hand-over until it was drawn. */
  private lastCostMs = 0;

  constructor(
    private readonly flushTo: (items: T[]) => void,
    /** Runs a callback at the first frame after `delayMs` (requestAnimationFrame after a timer); returns a cancel. */
    private readonly schedule: (callback: () => void, delayMs: number) => () => void,
    private readonly minGapMs: () => number = () => 0,
    private readonly now: () => number = () => performance.now(),
    /** Runs a callback once what a hand-over changed has been drawn; none: the gap stays `minGapMs`. */
    private readonly drawn?: (callback: () => void) => void,
  ) {}

  push(items: readonly T[], urgent = false): void {
    for (const item of items) this.queue.push(item);
    if (this.queue.length === 0) return;
    if (urgent) this.cancel();
    else if (this.cancelScheduled) return;
    const delay = urgent ? 0 : Math.max(0, this.lastFlushAt + this.gapMs() - this.now());
    this.cancelScheduled = this.schedule(() => this.flush(), delay);
  }

  /** Hands over what is queued now (also used before a snapshot replaces the state, so nothing stale lands after it). */
  flush(): void {
    this.cancel();
    if (this.queue.length === 0) return;
    this.lastFlushAt = this.now();
    const items = this.queue;
    this.queue = [];
    const started = this.lastFlushAt;
    this.flushTo(items);
    this.drawn?.(() => (this.lastCostMs = this.now() - started));
  }

  /** The gap before the next batch: the minimum, or more when drawing a batch took long (none without a minimum). */
  private gapMs(): number {
    const min = this.minGapMs();
    return min > 0 ? Math.max(min, Math.min(MAX_GAP_MS, COST_RATIO * this.lastCostMs)) : 0;
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
