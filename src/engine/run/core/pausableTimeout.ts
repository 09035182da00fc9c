import type { Clock, TimerHandle } from './ports';

/**
 * A timeout that stops counting while it is held and counts on from where it stopped when released: a run's
 * `timeout` does not run out while the run is paused with nothing running in it.
 */
export class PausableTimeout {
  private handle: TimerHandle | undefined;
  /** When it falls due while counting; what was left of it while held. */
  private state: { dueAt: number } | { leftMs: number } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: () => void,
  ) {}

  arm(ms: number): void {
    this.clear();
    this.count(ms);
  }

  hold(): void {
    if (!this.state || !('dueAt' in this.state)) return;
    const leftMs = Math.max(0, this.state.dueAt - this.clock.now());
    this.stopTimer();
    this.state = { leftMs };
  }

  release(): void {
    if (!this.state || !('leftMs' in this.state)) return;
    this.count(this.state.leftMs);
  }

  clear(): void {
    this.stopTimer();
    this.state = undefined;
  }

  private count(ms: number): void {
    this.state = { dueAt: this.clock.now() + ms };
    this.handle = this.clock.setTimeout(() => {
      this.handle = undefined;
      this.state = undefined;
      this.onDue();
    }, ms);
  }

  private stopTimer(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
