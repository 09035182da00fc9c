import { formatDuration } from '../../duration';
import type { Condition } from '../../expressions/condition';
import type { EventDraft, NodeStatus, RunNodeInfo, RunStatus, WorkflowHeader } from '../../protocol';
import { isEndedNode, subRunHolder } from '../../runRules';
import { NodeLifecycle } from './attempts';
import type { SchedulerCore, SchedulerOptions } from './schedulerCore';
import { awaitsMatrix, InstanceTable, isHardFailure, type Instance } from './instances';
import { LogBatcher } from './logBatcher';
import { makeMatrix, type MatrixMakingRun } from './matrixMaking';
import { Masker } from './masker';
import { subRunHolding, type SubRunPauses } from './nestedRuns';
import { PausableTimeout } from './pausableTimeout';
import { MutexRegistry } from './mutexes';
import { RunMutexes } from './runMutexes';
import { byActor, RunPause } from './runPause';
import { SlotPool } from './slots';
import { conditionReadsMatrix, decide, type Decision } from './decide';
import { collectOutputs, RunScope, workspaceOf } from './scope';

export type { SchedulerOptions } from './schedulerCore';

/**
 * Runs one workflow: decides what starts when, applies conditions, pause, cancel and retry, and reports everything
 * as events; the life of each node (attempts, retries, timeouts, outputs) is NodeLifecycle's. It does no I/O
 * itself: processes, time and storage come through its ports.
 */
export class Scheduler implements SchedulerCore {
  readonly table: InstanceTable;
  readonly scope: RunScope;
  readonly workspace: string;
  readonly masker: Masker;
  readonly logs: LogBatcher;
  private readonly lifecycle: NodeLifecycle;
  private seq: number;
  running = 0;
  /** Attempts of this run's own nodes that hold a slot of the pool. */
  processes = 0;
  readonly slots: SlotPool;
  readonly mutexes: MutexRegistry;
  /** The workflow's own mutexes, which the run holds from before its first node to its end, and its nodes'. */
  private readonly runMutexes: RunMutexes;
  private readonly pumpOnSlot = () => this.pump();
  private readonly pausing: RunPause;
  cancelling = false;
  /** Cancelling without running anything more: a second cancel, a halt, or a log that cannot be written. */
  stoppingHard = false;
  private hardStopReason: string | undefined;
  private cancelRequested = false;
  /** Why the run cannot start at all (its workflow's mutex cannot be filled in): it ends failed as it starts. */
  private startProblem: string | undefined;
  /** Who cancelled the run, when someone is named. */
  private cancelledBy?: string;
  get cancelReason(): string {
    return this.hardStopReason ?? this.stopReason ?? `the run was cancelled${this.cancelledBy ? ` by ${this.cancelledBy}` : ''}`;
  }

  /** Conditions read once per node, not once per matrix instance. */
  private readonly conditions = new Map<string, Condition>();
  /** Stopping where it stands (see halt): the run is left open in its log, to be resumed. */
  private halting = false;
  stopReason: string | undefined;
  private finished = false;
  private startedAt = 0;
  /** The run's `timeout`: held while the run is paused with nothing running. */
  private readonly runTimeout: PausableTimeout;
  private resolveDone!: (status: RunStatus) => void;
  /** Settles with the run's status each time the run ends (a retry re-opens it and makes a new promise). */
  done: Promise<RunStatus>;

  constructor(readonly options: SchedulerOptions) {
    this.seq = options.previous?.lastSeq ?? 0;
    this.done = this.newDone();
    this.masker = options.masker ?? new Masker();
    this.slots = options.slots ?? new SlotPool(options.concurrency);
    this.mutexes = options.mutexes ?? new MutexRegistry();
    const timeoutMs = options.workflow.timeoutMs ?? 0;
    this.runTimeout = new PausableTimeout(options.clock, () => this.cancelRun(`the run timed out after ${formatDuration(timeoutMs)}`));
    this.logs = new LogBatcher(options.clock, options.logBatch ?? { lines: 100, ms: 50 }, (id, lines) =>
      this.emitNode(id, { type: 'node:log', nodeId: id, lines }),
    );
    this.table = new InstanceTable(options.workflow, options.previous?.instances);
    for (const inst of this.table.instances) if (inst.spec.id === options.previous?.runAgain) inst.runAgain = true;
    this.workspace = workspaceOf(options.workflow, options.baseDir, options.inputs, options.runId);
    const files = options.files?.(this.workspace);
    this.scope = new RunScope(
      { runId: options.runId, workflow: options.workflow, inputs: options.inputs, table: this.table, cancelling: () => this.cancelling, files },
      options.baseEnv,
    );
    for (const inst of this.table.instances) {
      inst.name = this.scope.nameOf(inst);
      inst.continueOnError = this.scope.continuesOnError(inst);
    }
    this.lifecycle = new NodeLifecycle(this);
    this.pausing = new RunPause({
      instances: () => this.table.instances,
      runTimeout: this.runTimeout,
      holdTimeout: (inst) => this.lifecycle.holdTimeout(inst),
      releaseTimeout: (inst) => this.lifecycle.releaseTimeout(inst),
      emit: (draft) => this.emit(draft),
      settle: () => this.settle(),
    });
    // A sub-run takes none of its workflow's mutexes (see RunMutexes): they are not filled in either.
    const runMutex = options.idPrefix === undefined ? this.scope.runMutex() : {};
    if ('error' in runMutex) this.startProblem = `the workflow's ${runMutex.error.replace(/^its /, '')}`;
    this.runMutexes = new RunMutexes({
      registry: this.mutexes,
      names: 'names' in runMutex ? runMutex.names : undefined,
      runId: options.runId,
      idPrefix: options.idPrefix,
      pump: this.pumpOnSlot,
      emit: (draft) => ('nodeId' in draft ? this.emitNode(draft.nodeId, draft) : this.emit(draft)),
      onTaken: () => this.armRunTimeout(),
    });
  }

  private armRunTimeout(): void {
    if (this.options.workflow.timeoutMs !== undefined) this.runTimeout.arm(this.options.workflow.timeoutMs);
  }

  /** The run's name, its expressions evaluated. */
  get name(): string {
    return this.scope.name;
  }

  private newDone(): Promise<RunStatus> {
    return new Promise((resolve) => (this.resolveDone = resolve));
  }

  get nodes(): RunNodeInfo[] {
    return this.table.infos;
  }

  /** Outputs of the completed nodes, later nodes in the file winning; only `names` when given. */
  collectOutputs(names?: readonly string[]): Record<string, string> {
    return collectOutputs(this.table.instances, names);
  }

  get isFinished(): boolean {
    return this.finished;
  }

  get paused(): boolean {
    return this.pausing.paused;
  }

  get isPaused(): boolean {
    return this.pausing.paused;
  }

  /** The sub-runs the run's pause paused. */
  get subRunPauses(): SubRunPauses {
    return this.pausing.subRuns;
  }

  /** Starts the run (or, with `previous`, continues it). */
  start(): void {
    const { options } = this;
    this.startedAt = options.previous?.startedAt ?? options.clock.now();
    const header: WorkflowHeader = { name: this.scope.name, path: options.workflowPath, hash: options.workflowHash };
    if (options.previous) {
      // The sub-runs' completed nodes the log kept, under the run's `workflow` nodes.
      const kept = [...options.previous.instances.keys()].filter((id) => !this.table.byId.has(id) && subRunHolder(id, (i) => this.table.byId.has(i)));
      this.emit({
        type: 'workflow:resumed',
        reset: this.table.instances.filter((i) => i.status !== 'completed').map((i) => i.id),
        ...byActor(options.previous.actor),
        workflow: header,
        nodes: this.nodes,
        ...(kept.length ? { kept } : {}),
      });
      for (const [id, lines] of options.previous.notes ?? []) {
        const inst = this.table.byId.get(id);
        if (inst) for (const line of lines) this.lifecycle.logLine(inst, 'stderr', line);
        // A sub-run's node: its log says so, though its sub-run has not started yet.
        else if (subRunHolder(id, (i) => this.table.byId.has(i)))
          for (const line of lines) options.sink.log(id, { stream: 'stderr', text: line, ts: options.clock.now() });
      }
    } else {
      this.emit({
        type: 'workflow:started',
        workflow: header,
        inputs: options.inputs,
        nodes: this.nodes,
        concurrency: options.concurrency,
      });
    }
    if (this.startProblem !== undefined) return this.abort(this.startProblem);
    // A run that names a mutex counts its timeout from when it has it.
    if (options.workflow.mutex === undefined) this.armRunTimeout();
    this.table.recount((g) => this.scope.publish(g));
    this.pump();
  }

  /** `actor`: who asks, recorded in the events (a served engine's token's name). */
  pause(actor?: string): void {
    if (this.finished) throw new Error('the run has ended');
    this.pausing.ask(actor, { running: () => this.running, finished: () => this.finished });
  }

  resume(actor?: string): void {
    if (this.finished) throw new Error('the run has ended: retry a node to run it again');
    // Retries due start at the next pump.
    if (this.pausing.callOff(actor)) this.pump();
  }

  /**
   * Cancels the run: what waits is cancelled, what runs is stopped, and the nodes whose condition calls for it
   * (`always()`, `cancelled()`) still run. Cancelling again stops those too.
   */
  cancel(actor?: string): void {
    if (this.finished) throw new Error('the run has ended');
    const again = this.cancelling;
    this.cancelRequested = true;
    this.cancelledBy ??= actor;
    const by = actor ? ` by ${actor}` : '';
    this.cancelRun(again ? `the run was cancelled again${by}: clean-up nodes were stopped` : `the run was cancelled${by}`, again);
  }

  /**
   * Stops the run where it stands, as a crash of the engine would but leaving no process behind: what runs is
   * ended and marked cancelled (with the reason), nothing else is decided, and the run is not ended in its log,
   * so that it shows as interrupted and resumes from there. For an engine whose host went away.
   */
  halt(reason: string): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.halting = true;
    this.cancelling = true;
    this.stoppingHard = true;
    this.stopReason = reason;
    this.runTimeout.clear();
    for (const inst of this.table.instances) {
      this.lifecycle.clearTimer(inst);
      if (inst.status !== 'running') continue;
      if (inst.running?.halt) inst.running.halt(reason);
      else inst.running?.stop('cancel');
    }
    const halted = this.done.then(() => undefined);
    this.settle();
    return halted;
  }

  /**
   * Cancels a sub-run for the run above it, whose `workflow` node was stopped (cancelled, timed out): as Cancel
   * does, its nodes told the reason; hard when the run above stops hard, or stops it again.
   */
  cancelFor(reason: string, hard: boolean): void {
    if (this.finished) return;
    const again = this.cancelling;
    this.cancelRequested = true;
    this.stopReason ??= reason;
    this.cancelRun(reason, hard || again);
  }

  /** Ends the run as failed, for a reason outside it (its log cannot be written): what runs is stopped, the rest cancelled. */
  abort(reason: string): void {
    this.cancelRun(reason, true);
  }

  approve(instanceId: string, approved: boolean, comment?: string, actor?: string): void {
    const inst = this.table.byId.get(instanceId);
    const nested = inst ? undefined : subRunHolding(this.table.byId, instanceId);
    if (nested && 'subRun' in nested) return nested.subRun.approve(nested.id, approved, comment, actor);
    if (!inst) throw new Error(nested?.notRunning ?? `no node '${instanceId}' in this run`);
    if (inst.status !== 'waiting') throw new Error(`node '${instanceId}' is ${inst.status}, not waiting for approval`);
    this.lifecycle.decideGate(inst, approved, comment, actor);
    this.pump();
  }

  /** Runs a failed, cancelled or skipped node again, then whatever becomes ready after it. */
  retryNode(id: string, actor?: string): void {
    if (!this.finished && !this.paused) throw new Error('a node can be retried when the run has ended or is paused');
    const { reset, matrixUnmade } = this.table.resetForRetry(id);
    for (const i of reset) this.scope.forget(i.group);
    const wasFinished = this.finished;
    this.finished = false;
    this.cancelling = false;
    this.stoppingHard = false;
    this.hardStopReason = undefined;
    this.cancelRequested = false;
    this.cancelledBy = undefined;
    this.stopReason = undefined;
    const wasPaused = this.pausing.clear();
    if (wasFinished) this.done = this.newDone();
    // The run's timeout counts afresh for what an ended run runs again, as for a run continued from its log.
    if (wasFinished && this.options.workflow.mutex === undefined) this.armRunTimeout();
    this.emit({ type: 'workflow:resumed', reset: reset.map((i) => i.id), ...byActor(actor), ...(matrixUnmade ? { nodes: this.nodes } : {}) });
    this.table.recount((g) => this.scope.publish(g));
    // A retry resumes a paused run: what the pause held goes on too.
    if (wasPaused) this.pausing.wake();
    this.pump();
  }

  // ---- scheduling ----

  /**
   * Starts what is ready, in file order, as far as concurrency, pause and cancel allow; an instance of a matrix
   * whose `maxParallel` instances run waits, as one whose mutex is held does, and those after it go on.
   */
  pump(): void {
    if (this.finished) return;
    // Nothing starts before the run holds its workflow's mutexes (a paused run does not take them).
    if (!this.cancelling && !(this.paused ? this.runMutexes.held : this.runMutexes.holds())) return this.settle();
    const { ready, instances } = this.table;
    if (!this.paused && !this.halting) this.lifecycle.startDueRetries();
    const held: number[] = [];
    while (ready.size > 0 && !this.halting) {
      const inst = instances[ready.peek()!];
      if (inst.status !== 'pending') {
        ready.pop();
        continue;
      }
      if (this.paused && !inst.forced && !this.cancelling) break;
      if (awaitsMatrix(inst.group) && !this.stoppingHard && this.makeMatrix(inst)) continue;
      const decision = this.decide(inst);
      if (decision.run === false) {
        ready.pop();
        this.end(inst, decision.status);
        if (decision.status === 'cancelled') this.emitNode(inst.id, { type: 'node:cancelled', nodeId: inst.id, reason: decision.reason });
        else this.emitNode(inst.id, { type: 'node:skipped', nodeId: inst.id, reason: decision.reason });
        continue;
      }
      if (inst.spec.kind === 'run' && !this.slotFree()) break;
      const mutex = this.scope.mutexOf(inst);
      if ('error' in mutex) {
        ready.pop();
        this.lifecycle.fail(inst, mutex.error, null, true);
        continue;
      }
      const runs = this.runMutexes.heldByOwnRun(mutex.names);
      if (runs !== undefined) {
        ready.pop();
        this.lifecycle.fail(inst, `its mutex ${runs} is held by its own run (the workflow's mutex): it would wait for its own run`, null, true);
        continue;
      }
      if (this.matrixFull(inst) || !this.runMutexes.takeFor(inst)) {
        held.push(ready.pop()!);
        continue;
      }
      ready.pop();
      inst.forced = false;
      if (inst.spec.kind === 'approval') this.lifecycle.wait(inst);
      else this.lifecycle.startAttempt(inst);
    }
    for (const index of held) ready.push(index);
    this.settle();
  }

  /** Reports a pause once nothing runs, and ends the run once nothing can happen any more. */
  settle(): void {
    if (this.finished || this.running > this.subRunPauses.size) return;
    // What still runs is sub-runs paused with the run: it is paused, and cannot end.
    const onlyPausedSubRuns = this.running > 0;
    if (this.halting && !onlyPausedSubRuns) {
      this.finished = true;
      this.runMutexes.giveBack();
      this.logs.flushAll();
      this.resolveDone('cancelled');
      return;
    }
    const instances = this.table.instances;
    // A gate waiting for an answer, or a retry waiting for its delay, runs nothing: a pause need not wait for them.
    if (!this.paused && instances.some((i) => i.status === 'waiting' || i.status === 'retrying')) return;
    if (this.pausing.holdsRun(this.cancelling)) return;
    if (onlyPausedSubRuns || this.table.ready.size > 0) return;
    for (const i of instances) {
      if (isEndedNode(i.status)) continue;
      // Only reachable when a dependency can never end (the validator rejects such workflows).
      this.end(i, 'skipped');
      this.emitNode(i.id, { type: 'node:skipped', nodeId: i.id, reason: 'its needs can never be met' });
    }
    this.finish();
  }

  hasSlotFor(inst: Instance): boolean {
    return !this.matrixFull(inst) && (inst.spec.kind !== 'run' || this.slotFree()) && this.runMutexes.takeFor(inst);
  }

  /** A slot for a process: under this run's own `concurrency`, and one of the pool it shares with its sub-runs free. */
  private slotFree(): boolean {
    if (this.processes >= this.options.concurrency) return false;
    if (this.slots.free) return true;
    this.slots.waitFor(this.pumpOnSlot);
    return false;
  }

  /** As many of the instance's matrix run as its `maxParallel` allows. */
  private matrixFull(inst: Instance): boolean {
    return inst.spec.maxParallel !== undefined && inst.group.running >= inst.spec.maxParallel;
  }

  failFast(failed: Instance): void {
    const reason = `'${failed.id}' failed, and its matrix fails fast`;
    for (const inst of failed.group.instances) {
      if (inst.status === 'pending' || inst.status === 'retrying') {
        this.lifecycle.clearTimer(inst);
        this.end(inst, 'cancelled');
        this.emitNode(inst.id, { type: 'node:cancelled', nodeId: inst.id, reason });
      } else if (inst.status === 'running' && inst.cancelledFor === undefined) {
        inst.cancelledFor = reason;
        inst.running?.stop('cancel', reason);
      }
    }
  }

  /** See makeMatrix. */
  private makeMatrix(inst: Instance): boolean {
    const run: MatrixMakingRun = {
      table: this.table,
      scope: this.scope,
      cancelling: this.cancelling,
      emitNode: (id, draft) => this.emitNode(id, draft),
      decide: (i) => this.decide(i),
      conditionReadsMatrix: (i) => conditionReadsMatrix(i, this.conditions),
      failBeforeStart: (i, error) => this.lifecycle.fail(i, error, null, true),
    };
    return makeMatrix(run, inst);
  }

  private decide(inst: Instance): Decision {
    return decide(inst, this, this.conditions);
  }

  end(inst: Instance, status: NodeStatus): void {
    if (this.table.end(inst, status)) this.scope.publish(inst.group);
  }

  /**
   * Stops what waits and what runs. Pending nodes are left to be decided as their needs end (clean-up nodes run);
   * stopping hard cancels them too, and stops clean-up nodes already running.
   */
  private cancelRun(reason: string, hard = false): void {
    if (this.finished) return;
    if (!this.cancelRequested) this.stopReason = reason;
    this.cancelling = true;
    if (hard && !this.stoppingHard) this.hardStopReason = reason;
    this.stoppingHard ||= hard;
    this.runTimeout.clear();
    for (const inst of this.table.instances) {
      // A run that waits for its mutexes starts nothing, its clean-up nodes neither.
      const unstarted = inst.status === 'pending' && (this.stoppingHard || !this.runMutexes.held);
      if (unstarted || inst.status === 'waiting' || inst.status === 'retrying') {
        this.lifecycle.clearTimer(inst);
        this.end(inst, 'cancelled');
        this.emitNode(inst.id, { type: 'node:cancelled', nodeId: inst.id, reason });
      } else if (inst.status === 'running') inst.running?.stop('cancel', reason, this.stoppingHard);
    }
    this.pump();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.runMutexes.giveBack();
    this.runTimeout.clear();
    this.logs.flushAll();
    const { table } = this;
    const status: RunStatus = this.cancelRequested ? 'cancelled' : this.stopReason || table.instances.some(isHardFailure) ? 'failed' : 'completed';
    const summary = {
      total: table.instances.length,
      completed: table.count('completed'),
      failed: table.count('failed'),
      skipped: table.count('skipped'),
      cancelled: table.count('cancelled'),
      durationMs: this.options.clock.now() - this.startedAt,
    };
    this.emit({ type: 'workflow:completed', status, ...(this.stopReason ? { error: this.stopReason } : {}), summary });
    this.resolveDone(status);
  }

  // ---- events ----

  emitNode(instanceId: string, draft: EventDraft): void {
    // Log lines come before the event that ends or moves a node, so that readers see them in order.
    if (draft.type !== 'node:log') this.logs.flush(instanceId);
    this.emit(draft);
  }

  private emit(draft: EventDraft): void {
    // Log lines are not numbered: they are kept in the node's log file, not among the run's events.
    const seq = draft.type === 'node:log' ? this.seq : ++this.seq;
    // Log lines are masked as they arrive (a line may come in pieces); everything else is masked here, whatever
    // it carries: prompts, reasons, errors, outputs, the inputs a sub-run was given.
    const masked = draft.type === 'node:log' ? draft : this.masker.deep(draft);
    this.options.sink.event({ ...masked, runId: this.options.runId, seq, ts: this.options.clock.now() });
  }
}
