/** How many ended runs keep their state in the window's memory. */
export const STATES_HELD = 16;

/**
 * Which ended runs keep their folded state in the window: the ones used last (ended, read, shown), at most `limit`.
 * An older one's state is let go and read again from the engine when asked for, as a past run's is; a window open
 * for days holds a bounded number of states, whatever the number of runs it saw end.
 */
export class HeldStates {
  /** Least recently used first. */
  private readonly order: string[] = [];

  constructor(private readonly limit = STATES_HELD) {}

  /** A run's state was used: the runs whose state is let go now, oldest first. */
  use(runId: string): string[] {
    this.forget(runId);
    this.order.push(runId);
    return this.order.length > this.limit ? this.order.splice(0, this.order.length - this.limit) : [];
  }

  /** A run runs again, or is gone: its state is not one of those held. */
  forget(runId: string): void {
    const at = this.order.indexOf(runId);
    if (at >= 0) this.order.splice(at, 1);
  }

  clear(): void {
    this.order.length = 0;
  }
}
