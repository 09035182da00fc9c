// The instances a run schedules and the groups they form (one group per node, one instance per matrix
// combination), with the counters that say when a group may start: pure bookkeeping, no time, no processes.
import type { MatrixValue } from '../../matrix';
import { expandMatrix, type MatrixInstance, type MatrixSpec, type NodeSpec, type WorkflowSpec } from '../../model';
import { canRetryNode, isEndedNode, subRunNodeNotRetried } from '../../runRules';
import type { NodeStatus, RunNodeInfo } from '../../protocol';
import { MinHeap } from './heap';
import type { RunningAttempt, TimerHandle } from './ports';

export interface Instance {
  /** Position in file order: the ready queue starts instances in this order. */
  index: number;
  id: string;
  /** The node's name (its id when it has none), with its expressions evaluated once the run's scope exists. */
  name: string;
  spec: NodeSpec;
  group: Group;
  matrix: Record<string, MatrixValue>;
  /** Whether its failure leaves the run going: the node's `continueOnError`, decided for this instance. */
  continueOnError: boolean;
  status: NodeStatus;
  attempt: number;
  startedAt?: number;
  outputs: Record<string, string>;
  quality?: number;
  error?: string;
  running?: RunningAttempt;
  timer?: TimerHandle;
  /** When the running attempt's timeout falls due; what was left of it while its sub-run is paused and quiet. */
  timeout?: { dueAt: number } | { leftMs: number };
  /** Why its running attempt is being stopped, where it is not the run's cancel (its matrix failing fast). */
  cancelledFor?: string;
  /** Its mutexes as it holds them, their expressions filled in (once, when it is first about to start). */
  mutex?: readonly string[];
  /** The mutex and holder its last `node:blocked` named, until its next attempt starts. */
  blockedBy?: string;
  /** Started even while the run is paused (an explicit retry). */
  forced?: boolean;
  /** Asked to run by name (a retry, Run from Here): a result kept for it is not reused. */
  runAgain?: boolean;
  /** Where the last attempt ran and its artifact patterns, with their expressions evaluated. */
  artifactsIn?: { cwd: string; patterns: string[] };
}

export interface Group {
  /** The node, with the matrix made at run time once it is made. */
  spec: NodeSpec;
  /** The node as the file has it. */
  readonly fileSpec: NodeSpec;
  instances: Instance[];
  needs: Group[];
  dependents: Group[];
  /** Needed groups that have not ended yet. */
  unendedNeeds: number;
  /** Instances of this group that have ended. */
  ended: number;
  /** Attempts of its instances running now (as the run's own count has them: approval gates are not counted). */
  running: number;
}

/** What a run continued from its log had reached, by instance id; with the node and matrix values of each instance. */
export type PreviousInstances = Map<
  string,
  { status: NodeStatus; outputs: Record<string, string>; attempt: number; nodeId?: string; matrix?: Record<string, MatrixValue> }
>;

/** A group whose matrix is made at run time and is not made yet: it has one instance, under the node's id. */
export const awaitsMatrix = (g: Group): boolean => g.spec.matrixTemplate !== undefined && g.spec.matrix === undefined;

/** A matrix of exactly these combinations (each its own `include` entry), for instances made before. */
const matrixOfInstances = (made: readonly MatrixInstance[]): MatrixSpec => ({ axes: {}, exclude: [], include: made.map((m) => m.values) });

export const isHardFailure = (i: Instance): boolean => i.status === 'failed' && !i.continueOnError;

/** How an instance counts for the nodes after it: a failure under continueOnError counts as completed. */
export const conclusionOf = (i: Instance): NodeStatus => (i.status === 'failed' && i.continueOnError ? 'completed' : i.status);

/**
 * How an ended group went, from its instances' statuses: failed if one failed, else cancelled if one was cancelled,
 * skipped if all were skipped, completed otherwise (a matrix some of whose instances were skipped completed).
 */
export function groupStatusOf(statuses: readonly NodeStatus[]): 'completed' | 'failed' | 'cancelled' | 'skipped' {
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('cancelled')) return 'cancelled';
  return statuses.every((s) => s === 'skipped') ? 'skipped' : 'completed';
}

/**
 * The one rule for what a needed node means to the nodes after it: `nodes.<id>.status`, success() and the default
 * condition all read this. `outcome` is what happened before continueOnError is applied (GitHub's step outcome).
 */
export const groupConclusion = (g: Group) => groupStatusOf(g.instances.map(conclusionOf));
export const groupOutcome = (g: Group) => groupStatusOf(g.instances.map((i) => i.status));

/** The instances of a workflow and their groups; completed instances of a continued run keep their outputs. */
export class InstanceTable {
  readonly instances: Instance[] = [];
  readonly groups = new Map<string, Group>();
  readonly byId = new Map<string, Instance>();
  /** Indexes of instances whose needs have all ended. */
  readonly ready = new MinHeap();

  /** What a continued run had reached, by instance id: instances made with one of these ids keep it. */
  private readonly kept: PreviousInstances;

  constructor(workflow: WorkflowSpec, previous?: PreviousInstances) {
    this.kept = new Map(previous);
    for (const spec of workflow.nodes) {
      const group: Group = { spec, fileSpec: spec, instances: [], needs: [], dependents: [], unendedNeeds: 0, ended: 0, running: 0 };
      this.groups.set(spec.id, group);
      // A matrix made at run time that a continued run had made: the same instances, made again from its log.
      const madeBefore = spec.matrixTemplate === undefined ? [] : this.madeBefore(spec.id);
      if (madeBefore.length) group.spec = { ...spec, matrix: matrixOfInstances(madeBefore) };
      const made = madeBefore.length ? madeBefore : spec.matrixTemplate !== undefined ? [{ id: spec.id, values: {} }] : expandMatrix(spec);
      for (const m of made) this.add(this.instanceOf(group, m));
    }
    for (const g of this.groups.values()) {
      for (const dep of g.spec.needs) {
        const d = this.groups.get(dep);
        if (d && d !== g) {
          g.needs.push(d);
          d.dependents.push(g);
        }
      }
    }
  }

  private madeBefore(nodeId: string): MatrixInstance[] {
    const made: MatrixInstance[] = [];
    for (const [id, p] of this.kept) if (p.nodeId === nodeId && p.matrix) made.push({ id, values: p.matrix });
    return made;
  }

  /** A new instance of a group (completed, with its outputs, where a continued run had completed it). */
  private instanceOf(group: Group, m: MatrixInstance): Instance {
    const { spec } = group;
    const inst: Instance = {
      index: this.instances.length,
      id: m.id,
      name: spec.name ?? spec.id,
      spec,
      group,
      matrix: m.values,
      continueOnError: spec.continueOnError === true,
      status: 'pending',
      attempt: 0,
      outputs: {},
    };
    const before = this.kept.get(m.id);
    if (before?.status === 'completed') Object.assign(inst, { status: 'completed', outputs: before.outputs, attempt: before.attempt });
    group.instances.push(inst);
    return inst;
  }

  private add(inst: Instance): void {
    this.instances.push(inst);
    this.byId.set(inst.id, inst);
  }

  /**
   * Puts a group's instances in place of those it had (its matrix made at run time, or set back to be made again):
   * in file order, with the ready queue kept; `ready`, when its needs have ended and the new ones may start. Returns
   * the new instances.
   */
  replaceInstances(group: Group, spec: NodeSpec, made: readonly MatrixInstance[], ready: boolean): Instance[] {
    const queued: Instance[] = [];
    while (this.ready.size > 0) queued.push(this.instances[this.ready.pop()!]);
    const at = this.instances.indexOf(group.instances[0]);
    const replaced = group.instances.length;
    for (const old of group.instances) this.byId.delete(old.id);
    group.spec = spec;
    group.instances = [];
    const fresh = made.map((m) => this.instanceOf(group, m));
    group.ended = fresh.filter((i) => isEndedNode(i.status)).length;
    this.instances.splice(at, replaced, ...fresh);
    this.instances.forEach((inst, i) => (inst.index = i));
    for (const inst of fresh) this.byId.set(inst.id, inst);
    for (const inst of queued) if (inst.group !== group) this.ready.push(inst.index);
    if (ready) for (const inst of fresh) if (inst.status === 'pending') this.ready.push(inst.index);
    return fresh;
  }

  /** The instances as events describe them. */
  get infos(): RunNodeInfo[] {
    return this.infosOf(this.instances);
  }

  /** Some instances as events describe them. */
  infosOf(instances: readonly Instance[]): RunNodeInfo[] {
    return instances.map((i) => ({
      id: i.id,
      nodeId: i.spec.id,
      name: i.name,
      kind: i.spec.kind,
      ...(i.spec.phase ? { phase: i.spec.phase } : {}),
      needs: i.spec.needs,
      ...(i.spec.matrix ? { matrix: i.matrix } : {}),
      ...(awaitsMatrix(i.group) ? { awaitsMatrix: true as const } : {}),
      ...(i.spec.mutex?.length ? { mutex: i.spec.mutex } : {}),
      ...(i.spec.maxParallel !== undefined ? { maxParallel: i.spec.maxParallel } : {}),
    }));
  }

  /** Recomputes the counters and the ready queue from the statuses; calls `onGroupEnded` for each ended group. */
  recount(onGroupEnded: (g: Group) => void): void {
    for (const g of this.groups.values()) {
      g.ended = g.instances.filter((i) => isEndedNode(i.status)).length;
      if (g.ended === g.instances.length) onGroupEnded(g);
    }
    for (const g of this.groups.values()) {
      g.unendedNeeds = g.needs.filter((d) => d.ended < d.instances.length).length;
      if (g.unendedNeeds === 0) this.queuePending(g);
    }
  }

  /** Marks an instance ended; when that ends its group, the groups that need it move, and true is returned. */
  end(inst: Instance, status: NodeStatus): boolean {
    inst.status = status;
    const g = inst.group;
    g.ended++;
    if (g.ended < g.instances.length) return false;
    for (const d of g.dependents) {
      d.unendedNeeds--;
      if (d.unendedNeeds === 0) this.queuePending(d);
    }
    return true;
  }

  /**
   * Makes a failed, cancelled or skipped node (or instance) pending again, forced to start even in a paused run,
   * with the nodes after it that had not completed; returns what it reset, in file order, and whether a matrix made
   * at run time is to be made again (the run's instances then change).
   */
  resetForRetry(id: string): { reset: Instance[]; matrixUnmade: boolean } {
    const group = this.groups.get(id) ?? this.byId.get(id)?.group;
    if (!group) throw new Error(subRunNodeNotRetried(id, (i) => this.byId.has(i)) ?? `no node '${id}' in this run`);
    const targets = group.instances.filter((i) => (i.id === id || group.spec.id === id) && canRetryNode(i.status));
    if (targets.length === 0) {
      const status = (this.byId.get(id) ?? group.instances[0]).status;
      throw new Error(`node '${id}' is ${status}: only failed, cancelled or skipped nodes can be retried`);
    }
    const downstream = this.downstreamOf(group).filter((g) => g.instances.some((i) => i.status !== 'completed'));
    // A matrix made from what runs again is made again when the run reaches it, and all its instances run.
    const unmade = downstream.filter((g) => g.fileSpec.matrixTemplate !== undefined && !awaitsMatrix(g)).map((g) => this.unmake(g));
    const reset = [...targets, ...downstream.flatMap((g) => g.instances.filter((i) => i.status !== 'completed'))];
    for (const i of reset) Object.assign(i, { status: 'pending', attempt: 0, outputs: {}, error: undefined, quality: undefined, startedAt: undefined });
    for (const i of targets) Object.assign(i, { forced: true, runAgain: true });
    return { reset: reset.sort((a, b) => a.index - b.index), matrixUnmade: unmade.length > 0 };
  }

  /** Sets a group whose matrix was made at run time back to one instance that waits for it to be made. */
  private unmake(g: Group): Instance {
    for (const i of g.instances) this.kept.delete(i.id);
    return this.replaceInstances(g, g.fileSpec, [{ id: g.spec.id, values: {} }], false)[0];
  }

  /** The groups downstream of one, breadth first, without it. */
  downstreamOf(group: Group): Group[] {
    const seen = new Set<Group>([group]);
    const out: Group[] = [];
    const queue = [...group.dependents];
    for (let head = 0; head < queue.length; head++) {
      const g = queue[head];
      if (seen.has(g)) continue;
      seen.add(g);
      out.push(g);
      queue.push(...g.dependents);
    }
    return out;
  }

  /** Whether a hard failure (not covered by continueOnError) happened anywhere upstream of a group (failure()). */
  upstreamFailed(group: Group): boolean {
    const seen = new Set<Group>();
    const stack = [...group.needs];
    while (stack.length) {
      const g = stack.pop()!;
      if (seen.has(g)) continue;
      seen.add(g);
      if (g.instances.some(isHardFailure)) return true;
      stack.push(...g.needs);
    }
    return false;
  }

  count(status: NodeStatus): number {
    return this.instances.filter((i) => i.status === status).length;
  }

  private queuePending(g: Group): void {
    for (const i of g.instances) if (i.status === 'pending') this.ready.push(i.index);
  }
}
