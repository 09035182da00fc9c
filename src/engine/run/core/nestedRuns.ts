// What a run does to its sub-runs. A paused run pauses them too: nothing new starts in them either, and the run is
// paused once nothing runs in it but sub-runs that are paused themselves, with nothing running in them. And an
// approval gate inside a sub-run (`deploy/approve`) is decided through the node that runs it.
import { subRunHolder } from '../../runRules';
import type { Instance } from './instances';
import type { RunningAttempt } from './ports';

type GateDecider = Required<Pick<RunningAttempt, 'approve'>>;

/**
 * Where the run holds a nested id: the running sub-run that holds it, with the id inside it; or, when the
 * `workflow` node that would hold it runs no sub-run now, why not. Undefined when no node of the run would hold it.
 */
export function subRunHolding(byId: ReadonlyMap<string, Instance>, id: string): { subRun: GateDecider; id: string } | { notRunning: string } | undefined {
  const holderId = subRunHolder(id, (i) => byId.get(i)?.spec.kind === 'workflow');
  const holder = holderId === undefined ? undefined : byId.get(holderId);
  if (!holder) return undefined;
  if (holder.status === 'running' && holder.running?.approve) return { subRun: holder.running as GateDecider, id: id.slice(holder.id.length + 1) };
  return { notRunning: `node '${id}' is not waiting for approval: '${holder.id}' is ${holder.status}, and runs no sub-run now` };
}

export class SubRunPauses {
  /** The instances whose sub-run is paused with nothing running in it. */
  private readonly quiet = new Set<Instance>();
  /** A pause or a resume makes what a sub-run says of an earlier pause stale. */
  private generation = 0;

  /** How many running attempts are paused sub-runs with nothing running in them. */
  get size(): number {
    return this.quiet.size;
  }

  /** Pauses the sub-runs among the running instances; `onQuiet` whenever one has nothing running any more. */
  pause(instances: Iterable<Instance>, onQuiet: (inst: Instance) => void): void {
    const generation = ++this.generation;
    for (const inst of instances) {
      const attempt = inst.running;
      if (inst.status !== 'running' || !attempt?.pause) continue;
      attempt.pause(() => {
        if (generation !== this.generation || inst.running !== attempt) return;
        this.quiet.add(inst);
        onQuiet(inst);
      });
    }
  }

  /** Resumes the sub-runs among the running instances; `onWake` for each that was quiet. */
  resume(instances: Iterable<Instance>, onWake: (inst: Instance) => void): void {
    this.generation++;
    for (const inst of this.quiet) onWake(inst);
    this.quiet.clear();
    for (const inst of instances) if (inst.status === 'running') inst.running?.resume?.();
  }

  /** The instance's attempt ended: it is no longer a paused sub-run. */
  ended(inst: Instance): void {
    this.quiet.delete(inst);
  }
}
