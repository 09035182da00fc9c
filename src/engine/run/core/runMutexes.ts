// The mutexes of a run. Its workflow's own `mutex`: the run holds it from before its first node starts to its end,
// so that the runs that name it take turns (GitHub's workflow `concurrency`, Argo's `spec.synchronization`); a node
// that names what its run holds would wait for its own run (it fails instead). A sub-run takes none of its file's: it
// would wait while its run holds its own, and two runs could each wait for the other's. Its nodes' mutexes: an attempt
// takes them as the last check before it starts, and waits for nothing while it holds them.
import type { EventDraft, MutexHolding } from '../../protocol';
import type { Instance } from './instances';
import type { MutexRegistry } from './mutexes';

export interface RunMutexOptions {
  registry: MutexRegistry;
  /** The workflow's mutexes; none: the run waits for nothing. */
  names: readonly string[] | undefined;
  runId: string;
  /** A sub-run's nodes' ids in the run (`deploy/`): a sub-run takes none of its workflow's mutexes. */
  idPrefix?: string;
  /** Called once a mutex the run waits for may have been given back. */
  pump: () => void;
  emit: (draft: EventDraft) => void;
  /** Called when the run takes its mutexes: its timeout counts from there, not through the wait. */
  onTaken: () => void;
}

export class RunMutexes {
  /** What the run took; undefined until it holds its mutexes. */
  private taken: readonly string[] | undefined;
  private told: string | undefined;

  constructor(private readonly o: RunMutexOptions) {}

  /** Whether the run may start nodes: it holds its mutexes, taking them now when they are free. */
  holds(): boolean {
    const { registry, names, runId } = this.o;
    if (this.held || names === undefined) return true;
    if (registry.tryTake(names, this.o.pump, { runId })) {
      this.taken = names;
      this.told = undefined;
      this.o.onTaken();
      return true;
    }
    this.sayBlocked(names);
    return false;
  }

  /** Whether the run holds its mutexes now (or has none to take). */
  get held(): boolean {
    return this.taken !== undefined || this.o.names === undefined || this.o.idPrefix !== undefined;
  }

  /** Gives back what the run took, at its end (a retry that opens it again takes them again). */
  giveBack(): void {
    if (this.taken?.length) this.o.registry.give(this.taken);
    this.taken = undefined;
  }

  /** The mutex of the node's that its run holds, which it would wait for forever. */
  heldByOwnRun(nodeMutexes: readonly string[] | undefined): string | undefined {
    return nodeMutexes?.find((name) => this.o.registry.runHolds(name, this.o.runId));
  }

  /**
   * Takes the mutexes the instance names, unless one is held (in this run, its sub-runs, another run of the engine or
   * another process): the last check before its attempt starts, which holds them from here on.
   */
  takeFor(inst: Instance): boolean {
    const names = inst.mutex;
    const { registry, runId, pump } = this.o;
    if (names === undefined || registry.tryTake(names, pump, { runId, nodeId: (this.o.idPrefix ?? '') + inst.id })) return true;
    this.sayNodeBlocked(inst, names);
    return false;
  }

  /** Says which other run holds the mutex the instance waits for, once per holder (a node of this run, its events say). */
  private sayNodeBlocked(inst: Instance, names: readonly string[]): void {
    const held = this.o.registry.holderOf(names);
    if (held === undefined || held.holder.runId === this.o.runId) return;
    const key = JSON.stringify(held);
    if (inst.blockedBy === key) return;
    inst.blockedBy = key;
    this.o.emit({ type: 'node:blocked', nodeId: inst.id, ...held });
  }

  private sayBlocked(names: readonly string[]): void {
    const held: { mutex: string; holder: MutexHolding } | undefined = this.o.registry.holderOf(names);
    if (held === undefined) return;
    const key = JSON.stringify(held);
    if (key === this.told) return;
    this.told = key;
    this.o.emit({ type: 'workflow:blocked', ...held });
  }
}
