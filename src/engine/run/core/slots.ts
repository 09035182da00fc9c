// The run's slots for attempts: one pool shared by the run and its sub-runs at any depth, so that `concurrency`
// bounds the processes of the whole run, as a make jobserver bounds those of recursive makes. A `workflow` node
// takes no slot (it runs no process; its sub-run's nodes take theirs), so sub-runs cannot wait on their own parents.
import { Wakeups } from './wakeups';

export class SlotPool {
  private used = 0;
  private readonly wakeups = new Wakeups();

  constructor(readonly limit: number) {}

  get free(): boolean {
    return this.used < this.limit;
  }

  take(): void {
    this.used++;
  }

  /** Gives a slot back; the schedulers waiting for one are pumped after the current event is handled. */
  give(): void {
    this.used--;
    this.wakeups.wake();
  }

  /** `pump` is called once a slot is given back (once: a scheduler that still finds none asks again). */
  waitFor(pump: () => void): void {
    this.wakeups.add(pump);
  }
}
