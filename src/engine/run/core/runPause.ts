// A run's pause. Once it is asked for, nothing new starts (but what a retry forces, and clean-up while cancelling);
// the run says at once that it is pausing, and that it is paused once nothing runs in it but sub-runs paused with
// it. While it is paused, the run's timeout and the timeouts of its paused sub-runs' nodes stand still.
import type { EventDraft } from '../../protocol';
import { isEndedNode } from '../../runRules';
import type { Instance } from './instances';
import { SubRunPauses } from './nestedRuns';
import type { PausableTimeout } from './pausableTimeout';

/** An event's `actor` field, when someone is named. */
export const byActor = (actor: string | undefined): { actor?: string } => (actor ? { actor } : {});

/** What a pause works on: the run's instances and timeouts, and its events. */
export interface PausableRun {
  instances(): readonly Instance[];
  readonly runTimeout: PausableTimeout;
  holdTimeout(inst: Instance): void;
  releaseTimeout(inst: Instance): void;
  emit(draft: EventDraft): void;
  /** Decides whether the run is paused, or has ended, now. */
  settle(): void;
}

export class RunPause {
  /** The sub-runs the pause paused. */
  readonly subRuns = new SubRunPauses();
  private asked = false;
  /** What the run's events have said of the pause: it is under way, or it has taken effect. */
  private told: 'pausing' | 'paused' | undefined;
  /** Who paused the run, told with the pause when it takes effect. */
  private by?: string;

  constructor(private readonly run: PausableRun) {}

  get paused(): boolean {
    return this.asked;
  }

  /**
   * Pauses the run and its sub-runs. Running nodes finish first, which may take long: unless the run is paused (or
   * has ended) at once, it says that it is pausing, with how many nodes run (sub-runs paused already not counted).
   */
  ask(actor: string | undefined, now: { running: () => number; finished: () => boolean }): void {
    if (this.asked) return;
    this.asked = true;
    this.by = actor;
    this.told = undefined;
    this.subRuns.pause(this.run.instances(), (inst) => {
      this.run.holdTimeout(inst);
      this.run.settle();
    });
    this.run.settle();
    if (this.told !== undefined || now.finished()) return;
    this.told = 'pausing';
    this.run.emit({ type: 'workflow:pausing', running: now.running() - this.subRuns.size, ...byActor(actor) });
  }

  /** Calls the pause off, and what it held goes on; false when there was none. One not yet in effect is resumed too. */
  callOff(actor?: string): boolean {
    if (!this.asked) return false;
    this.asked = false;
    if (this.told) this.run.emit({ type: 'workflow:resumed', reset: [], ...byActor(actor) });
    this.told = undefined;
    this.wake();
    return true;
  }

  /** Ends the pause without a word (a retry says it resumes the run); whether there was one, to `wake` after. */
  clear(): boolean {
    const was = this.asked;
    this.asked = false;
    this.told = undefined;
    return was;
  }

  /** What a pause held goes on: the run's timeout, and sub-runs (their nodes' timeouts count again). */
  wake(): void {
    this.run.runTimeout.release();
    this.subRuns.resume(this.run.instances(), (inst) => this.run.releaseTimeout(inst));
  }

  /**
   * Whether a run with nothing running stays paused rather than ending: it says it is paused, once, while some
   * node has not ended, and holds its timeout. A run being cancelled is not held by its pause.
   */
  holdsRun(cancelling: boolean): boolean {
    if (!this.asked || cancelling) return false;
    if (this.told !== 'paused' && this.run.instances().some((i) => !isEndedNode(i.status))) {
      this.told = 'paused';
      this.run.runTimeout.hold();
      this.run.emit({ type: 'workflow:paused', ...byActor(this.by) });
    }
    return this.told === 'paused';
  }
}
