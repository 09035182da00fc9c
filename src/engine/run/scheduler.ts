import { formatDuration } from '../duration';
import type { Value } from '../expressions/ast';
import { evaluate, isTruthy, toText, type EvaluationScope } from '../expressions/evaluate';
import { parseExpression } from '../expressions/parser';
import { conditionSource, findTemplates } from '../expressions/template';
import { expandMatrix, type NodeSpec, type Scalar, type WorkflowSpec } from '../model';
import { TERMINAL_STATUSES, type EngineEvent, type EventDraft, type LogLine, type NodeStatus, type RunNodeInfo, type RunStatus } from '../protocol';
import { retryDelay } from './backoff';
import { LogBatcher } from './logBatcher';
import { CutLines } from './cutLines';
import { Masker } from './masker';
import { parseNodeCommand } from './nodeCommands';
import type { AttemptRequest, AttemptResult, Clock, ProcessRunner, RunningAttempt, RunSink, SubWorkflowRunner, TimerHandle } from './ports';
import { MinHeap } from './heap';

export interface SchedulerOptions {
  runId: string;
  workflow: WorkflowSpec;
  workflowPath: string;
  workflowHash: string;
  inputs: Record<string, Scalar>;
  /** Folder that relative `cwd`s resolve against: the workflow file's folder. */
  baseDir: string;
  /** Scratch folder for the run (`MAESTRO_TEMP`). */
  tempDir: string;
  concurrency: number;
  /** Environment every node starts from (the engine's own, usually). */
  baseEnv: Record<string, string>;
  runner: ProcessRunner;
  clock: Clock;
  sink: RunSink;
  /**
   * Continuing a run from its log: what each instance had reached, the last sequence number written, and lines for
   * instances' logs about what happened to them in between (an attempt left running by an engine that died).
   */
  previous?: { instances: Map<string, { status: NodeStatus; outputs: Record<string, string>; attempt: number }>; lastSeq: number; notes?: Map<string, string[]> };
  /** Log batching: at most this many lines or this many milliseconds before a node:log event. */
  logBatch?: { lines: number; ms: number };
  /** Runs `workflow:` nodes; without it, such nodes fail saying so. */
  subWorkflows?: SubWorkflowRunner;
  /** Workflow files of the runs that contain this one (for sub-runs), outermost first. */
  chain?: string[];
  /** The run's masker, for a sub-run; a run makes its own. */
  masker?: Masker;
}

/** An expression's source as a message quotes it. */
const clip = (source: string): string => (source.length > 80 ? `${source.slice(0, 77)}…` : source);

interface Instance {
  index: number;
  id: string;
  spec: NodeSpec;
  group: Group;
  matrix: Record<string, Scalar>;
  status: NodeStatus;
  attempt: number;
  startedAt?: number;
  outputs: Record<string, string>;
  quality?: number;
  error?: string;
  running?: RunningAttempt;
  timer?: TimerHandle;
  /** Started even while the run is paused (an explicit retry). */
  forced?: boolean;
  /** Where the last attempt ran and its artifact patterns, with their expressions evaluated. */
  artifactsIn?: { cwd: string; patterns: string[] };
}

interface Group {
  spec: NodeSpec;
  instances: Instance[];
  needs: Group[];
  dependents: Group[];
  unendedNeeds: number;
  ended: number;
}

const isHardFailure = (i: Instance) => i.status === 'failed' && !i.spec.continueOnError;
const isEffectivelyOk = (i: Instance) => i.status === 'completed' || (i.status === 'failed' && i.spec.continueOnError);

/**
 * Runs one workflow: decides what starts when, applies conditions, retries, timeouts, pause, cancel and retry,
 * and reports everything as events. It does no I/O itself: processes, time and storage come through its ports.
 */
export class Scheduler {
  private readonly instances: Instance[] = [];
  private readonly groups = new Map<string, Group>();
  private readonly byId = new Map<string, Instance>();
  private readonly ready = new MinHeap();
  private readonly masker: Masker;
  private readonly logs: LogBatcher;
  private readonly nodesContext: Record<string, Value> = {};
  private readonly env: Record<string, string>;
  private seq: number;
  private running = 0;
  private paused = false;
  private pausedReported = false;
  private cancelling = false;
  private cancelRequested = false;
  /** Stopping where it stands (see halt): the run is left open in its log, to be resumed. */
  private halting = false;
  private runError: string | undefined;
  private finished = false;
  private startedAt = 0;
  private runTimer: TimerHandle | undefined;
  private resolveDone!: (status: RunStatus) => void;
  /** Settles with the run's status each time the run ends (a retry re-opens it and makes a new promise). */
  done: Promise<RunStatus>;

  constructor(private readonly o: SchedulerOptions) {
    this.seq = o.previous?.lastSeq ?? 0;
    this.masker = o.masker ?? new Masker();
    this.done = this.newDone();
    this.logs = new LogBatcher(o.clock, o.logBatch ?? { lines: 100, ms: 50 }, (id, lines) => this.emitNode(id, { type: 'node:log', nodeId: id, lines }));
    this.env = { ...o.baseEnv };
    const scope = this.scope(undefined);
    for (const [k, v] of Object.entries(o.workflow.env)) this.env[k] = this.interpolate(v, scope);
    let index = 0;
    for (const spec of o.workflow.nodes) {
      const group: Group = { spec, instances: [], needs: [], dependents: [], unendedNeeds: 0, ended: 0 };
      this.groups.set(spec.id, group);
      for (const m of expandMatrix(spec)) {
        const inst: Instance = { index: index++, id: m.id, spec, group, matrix: m.values, status: 'pending', attempt: 0, outputs: {} };
        const before = o.previous?.instances.get(m.id);
        if (before?.status === 'completed') {
          inst.status = 'completed';
          inst.outputs = before.outputs;
          inst.attempt = before.attempt;
        }
        group.instances.push(inst);
        this.instances.push(inst);
        this.byId.set(inst.id, inst);
      }
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

  private newDone(): Promise<RunStatus> {
    return new Promise((resolve) => (this.resolveDone = resolve));
  }

  get nodes(): RunNodeInfo[] {
    return this.instances.map((i) => ({
      id: i.id,
      nodeId: i.spec.id,
      name: i.spec.name ?? i.spec.id,
      kind: i.spec.kind,
      ...(i.spec.phase ? { phase: i.spec.phase } : {}),
      needs: i.spec.needs,
      ...(i.spec.matrix ? { matrix: i.matrix } : {}),
    }));
  }

  /** Outputs of the completed nodes, later nodes in the file winning; only `names` when given. */
  collectOutputs(names?: readonly string[]): Record<string, string> {
    const all: Record<string, string> = {};
    for (const i of this.instances) if (i.status === 'completed') Object.assign(all, i.outputs);
    return names ? Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]])) : all;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Starts the run (or, with `previous`, continues it). */
  start(): void {
    this.startedAt = this.o.clock.now();
    if (this.o.previous) {
      const reset = this.instances.filter((i) => i.status !== 'completed').map((i) => i.id);
      this.emit({ type: 'workflow:resumed', reset });
      for (const [id, lines] of this.o.previous.notes ?? []) {
        const inst = this.byId.get(id);
        if (inst) for (const line of lines) this.logLine(inst, 'stderr', line);
      }
    } else {
      this.emit({
        type: 'workflow:started',
        workflow: { name: this.o.workflow.name, path: this.o.workflowPath, hash: this.o.workflowHash },
        inputs: this.o.inputs,
        nodes: this.nodes,
        concurrency: this.o.concurrency,
      });
    }
    if (this.o.workflow.timeoutMs !== undefined) {
      const ms = this.o.workflow.timeoutMs;
      this.runTimer = this.o.clock.setTimeout(() => this.cancelRun(`the run timed out after ${formatDuration(ms)}`), ms);
    }
    this.recount();
    this.pump();
  }

  pause(): void {
    if (this.finished) throw new Error('the run has ended');
    if (this.paused) return;
    this.paused = true;
    this.pausedReported = false;
    this.settle();
  }

  resume(): void {
    if (this.finished) throw new Error('the run has ended: retry a node to run it again');
    if (!this.paused) return;
    this.paused = false;
    if (this.pausedReported) this.emit({ type: 'workflow:resumed', reset: [] });
    this.pausedReported = false;
    for (const i of this.instances) if (i.status === 'retrying' && i.timer === undefined) this.startAttempt(i);
    this.pump();
  }

  cancel(): void {
    if (this.finished) throw new Error('the run has ended');
    this.cancelRequested = true;
    this.cancelRun('the run was cancelled');
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
    this.runError = reason;
    if (this.runTimer !== undefined) this.o.clock.clearTimeout(this.runTimer);
    this.runTimer = undefined;
    for (const inst of this.instances) {
      this.clearTimer(inst);
      if (inst.status === 'running') inst.running?.stop('cancel');
    }
    const halted = this.done.then(() => undefined);
    this.settle();
    return halted;
  }

  /** Ends the run as failed, for a reason outside it (its log cannot be written): what runs is stopped, the rest cancelled. */
  abort(reason: string): void {
    this.cancelRun(reason);
  }

  approve(instanceId: string, approved: boolean, comment?: string): void {
    const inst = this.byId.get(instanceId);
    if (!inst) throw new Error(`no node '${instanceId}' in this run`);
    if (inst.status !== 'waiting') throw new Error(`node '${instanceId}' is ${inst.status}, not waiting for approval`);
    this.clearTimer(inst);
    if (approved) {
      this.complete(inst, { approved: 'true', ...(comment ? { comment } : {}) });
    } else {
      this.fail(inst, `rejected${comment ? `: ${comment}` : ''}`, null);
    }
    this.pump();
  }

  /** Runs a failed, cancelled or skipped node again, then whatever becomes ready after it. */
  retryNode(id: string): void {
    if (!this.finished && !this.paused) throw new Error('a node can be retried when the run has ended or is paused');
    const group = this.groups.get(id) ?? this.byId.get(id)?.group;
    if (!group) throw new Error(`no node '${id}' in this run`);
    const targets = group.instances.filter((i) => (i.id === id || group.spec.id === id) && (i.status === 'failed' || i.status === 'cancelled' || i.status === 'skipped'));
    if (targets.length === 0) {
      const status = (this.byId.get(id) ?? group.instances[0]).status;
      throw new Error(`node '${id}' is ${status}: only failed, cancelled or skipped nodes can be retried`);
    }
    const reset: Instance[] = [...targets];
    const seen = new Set<Group>([group]);
    const queue = [...group.dependents];
    while (queue.length) {
      const g = queue.shift()!;
      if (seen.has(g)) continue;
      seen.add(g);
      for (const i of g.instances) if (i.status !== 'completed') reset.push(i);
      queue.push(...g.dependents);
    }
    for (const i of reset) {
      i.status = 'pending';
      i.attempt = 0;
      i.outputs = {};
      i.error = undefined;
      i.quality = undefined;
      i.startedAt = undefined;
      delete this.nodesContext[i.spec.id];
    }
    for (const i of targets) i.forced = true;
    const wasFinished = this.finished;
    this.finished = false;
    this.cancelling = false;
    this.cancelRequested = false;
    this.runError = undefined;
    this.paused = false;
    this.pausedReported = false;
    if (wasFinished) this.done = this.newDone();
    this.emit({ type: 'workflow:resumed', reset: reset.sort((a, b) => a.index - b.index).map((i) => i.id) });
    this.recount();
    this.pump();
  }

  // ---- scheduling ----

  /** Recomputes dependency counters and the ready queue from the instances' statuses. */
  private recount(): void {
    for (const g of this.groups.values()) {
      g.ended = g.instances.filter((i) => TERMINAL_STATUSES.has(i.status)).length;
      if (g.ended === g.instances.length) this.publishGroup(g);
    }
    for (const g of this.groups.values()) {
      g.unendedNeeds = g.needs.filter((d) => d.ended < d.instances.length).length;
      if (g.unendedNeeds === 0) for (const i of g.instances) if (i.status === 'pending') this.ready.push(i.index);
    }
  }

  private pump(): void {
    if (this.finished) return;
    while (this.ready.size > 0 && !this.cancelling) {
      const inst = this.instances[this.ready.peek()!];
      if (inst.status !== 'pending') {
        this.ready.pop();
        continue;
      }
      if (this.paused && !inst.forced) break;
      const decision = this.decide(inst);
      if (decision.run === false) {
        this.ready.pop();
        this.end(inst, 'skipped');
        this.emitNode(inst.id, { type: 'node:skipped', nodeId: inst.id, reason: decision.reason });
        continue;
      }
      if (inst.spec.kind !== 'approval' && this.running >= this.o.concurrency) break;
      this.ready.pop();
      inst.forced = false;
      if (inst.spec.kind === 'approval') this.wait(inst);
      else this.startAttempt(inst);
    }
    this.settle();
  }

  /** Reports a pause once nothing runs, and ends the run once nothing can happen any more. */
  private settle(): void {
    if (this.finished || this.running > 0) return;
    if (this.halting) {
      this.finished = true;
      this.logs.flushAll();
      this.resolveDone('cancelled');
      return;
    }
    if (this.instances.some((i) => i.status === 'waiting' || (i.status === 'retrying' && !this.paused))) return;
    if (this.paused && !this.cancelling) {
      if (!this.pausedReported && this.instances.some((i) => !TERMINAL_STATUSES.has(i.status))) {
        this.pausedReported = true;
        this.emit({ type: 'workflow:paused' });
      }
      if (this.pausedReported) return;
    }
    if (this.ready.size > 0 && !this.cancelling) return;
    for (const i of this.instances) {
      if (!TERMINAL_STATUSES.has(i.status)) {
        // Only reachable when a dependency can never end (the validator rejects such workflows).
        this.end(i, 'skipped');
        this.emitNode(i.id, { type: 'node:skipped', nodeId: i.id, reason: 'its needs can never be met' });
      }
    }
    this.finish();
  }

  private decide(inst: Instance): { run: true } | { run: false; reason: string } {
    const scope = this.scope(inst);
    const condition = inst.spec.if;
    if (condition === undefined) {
      const blocker = inst.group.needs.flatMap((g) => g.instances).find((i) => !isEffectivelyOk(i));
      return blocker ? { run: false, reason: `'${blocker.id}' ${blocker.status === 'failed' ? 'failed' : `was ${blocker.status}`}` } : { run: true };
    }
    try {
      const { source } = conditionSource(condition);
      const value = source.includes('${{') ? this.interpolate(source, scope) : evaluate(parseExpression(source), scope);
      return isTruthy(value) ? { run: true } : { run: false, reason: `its condition is false: ${condition.trim()}` };
    } catch (e) {
      return { run: false, reason: `its condition could not be evaluated: ${(e as Error).message}` };
    }
  }

  private scope(inst: Instance | undefined): EvaluationScope {
    const needs = inst?.group.needs ?? [];
    return {
      contexts: {
        inputs: this.o.inputs,
        env: inst ? { ...this.env, ...inst.spec.env } : this.env,
        nodes: this.nodesContext,
        matrix: inst?.matrix ?? {},
        run: { id: this.o.runId },
        workflow: { name: this.o.workflow.name },
      },
      status: {
        success: () => needs.every((g) => g.instances.every(isEffectivelyOk)),
        failure: () => inst !== undefined && this.upstreamFailed(inst.group),
        cancelled: () => this.cancelling,
      },
    };
  }

  private upstreamFailed(group: Group): boolean {
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

  private interpolate(text: string, scope: EvaluationScope): string {
    if (!text.includes('${{')) return text;
    let out = '';
    let last = 0;
    for (const part of findTemplates(text)) {
      if (part.error) throw new Error(`invalid expression '${clip(part.source.trim())}': ${part.error.message}`);
      let value: string;
      try {
        value = toText(evaluate(part.expr!, scope));
      } catch (e) {
        // A value nested too deeply to walk (fromJSON of a deep document) overflows the stack.
        if (e instanceof RangeError) throw new Error(`expression '${clip(part.source.trim())}': ${e.message} (a value nested too deeply?)`);
        throw e;
      }
      out += text.slice(last, part.span.start) + value;
      last = part.span.end;
    }
    return out + text.slice(last);
  }

  // ---- node lifecycle ----

  private wait(inst: Instance): void {
    let prompt: string;
    try {
      prompt = this.interpolate(inst.spec.approval?.prompt ?? `Approve '${inst.spec.name ?? inst.id}'?`, this.scope(inst));
    } catch (e) {
      this.fail(inst, (e as Error).message, null, true);
      return;
    }
    inst.status = 'waiting';
    inst.startedAt = this.o.clock.now();
    const timeoutMs = inst.spec.approval?.timeoutMs;
    if (timeoutMs !== undefined) {
      inst.timer = this.o.clock.setTimeout(() => {
        inst.timer = undefined;
        this.fail(inst, `no approval within ${formatDuration(timeoutMs)}`, null);
        this.pump();
      }, timeoutMs);
    }
    this.emitNode(inst.id, { type: 'node:waiting', nodeId: inst.id, prompt, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  }

  private startAttempt(inst: Instance): void {
    const scope = this.scope(inst);
    let script: string;
    let env: Record<string, string>;
    let cwd: string;
    try {
      script = this.interpolate(inst.spec.run ?? '', scope);
      env = { ...this.env };
      for (const [k, v] of Object.entries(inst.spec.env)) env[k] = this.interpolate(v, scope);
      cwd = inst.spec.cwd ? joinPath(this.o.baseDir, this.interpolate(inst.spec.cwd, scope)) : this.o.baseDir;
      inst.artifactsIn = { cwd, patterns: inst.spec.artifacts.map((p) => this.interpolate(p, scope)) };
    } catch (e) {
      this.fail(inst, (e as Error).message, null, true);
      return;
    }
    inst.attempt++;
    inst.status = 'running';
    inst.quality = undefined;
    inst.startedAt ??= this.o.clock.now();
    this.running++;
    const attempt = inst.attempt;
    env.MAESTRO_RUN_ID = this.o.runId;
    env.MAESTRO_NODE_ID = inst.id;
    env.MAESTRO_ATTEMPT = String(attempt);
    env.MAESTRO_TEMP = this.o.tempDir;
    const running = inst.spec.kind === 'workflow' ? this.startSubWorkflow(inst, scope) : this.startProcess(inst, { instanceId: inst.id, attempt, script, shell: inst.spec.shell, cwd, env });
    inst.running = running;
    this.emitNode(inst.id, { type: 'node:started', nodeId: inst.id, attempt, ...(running.pid !== undefined ? { pid: running.pid } : {}) });
    if (inst.spec.timeoutMs !== undefined) {
      const ms = inst.spec.timeoutMs;
      inst.timer = this.o.clock.setTimeout(() => {
        inst.timer = undefined;
        running.stop('timeout');
      }, ms);
    }
    running.done.then(
      (result) => this.onAttemptEnd(inst, attempt, result),
      (e: unknown) => this.onAttemptEnd(inst, attempt, { exitCode: null, signal: null, outputs: {}, outputProblems: [], spawnError: String(e) }),
    );
  }

  private startSubWorkflow(inst: Instance, scope: EvaluationScope): RunningAttempt {
    const fail = (error: string): RunningAttempt => ({ done: Promise.resolve({ exitCode: null, signal: null, outputs: {}, outputProblems: [], error }), stop: () => undefined });
    if (!this.o.subWorkflows) return fail('sub-workflows cannot run here');
    let inputs: Record<string, string>;
    try {
      inputs = Object.fromEntries(Object.entries(inst.spec.with).map(([k, v]) => [k, this.interpolate(v, scope)]));
    } catch (e) {
      return fail((e as Error).message);
    }
    const prefix = `${inst.id}/`;
    const sink: RunSink = {
      event: (e) => this.relaySubEvent(inst, prefix, e),
      log: (id, line) => this.o.sink.log(prefix + id, line),
    };
    return this.o.subWorkflows({ instanceId: inst.id, path: joinPath(this.o.baseDir, inst.spec.workflow ?? ''), inputs, outputs: inst.spec.outputs, chain: [...(this.o.chain ?? []), this.o.workflowPath], sink, masker: this.masker });
  }

  /** A sub-run's node events join this run under the node that runs it; its run-level events stay inside. */
  private relaySubEvent(inst: Instance, prefix: string, e: EngineEvent): void {
    if (!('nodeId' in e)) return;
    this.emit({ ...e, nodeId: prefix + e.nodeId, parentNodeId: e.parentNodeId ? prefix + e.parentNodeId : inst.id });
  }

  private startProcess(inst: Instance, request: AttemptRequest): RunningAttempt {
    // Made for the first long line only: most attempts never print one.
    const cut: Partial<Record<LogLine['stream'], CutLines>> = {};
    const logPiece = (stream: LogLine['stream'], text: string, continues: boolean) => {
      const logged = (cut[stream] ??= new CutLines(this.masker, stream)).take(text, continues);
      if (logged) this.logLine(inst, logged.stream, logged.text);
    };
    const running = this.o.runner.start(request, (stream, text, continues) => {
      if (continues || cut[stream]?.inLine) logPiece(stream, text, continues);
      else this.onLine(inst, stream, text);
    });
    // A process that went away in the middle of a long line (its spawn helper died) still logs what was held back.
    const endCutLines = () => {
      for (const stream of ['stdout', 'stderr'] as const) if (cut[stream]?.inLine) logPiece(stream, '', false);
    };
    running.done.then(endCutLines, endCutLines);
    return running;
  }

  private logLine(inst: Instance, stream: LogLine['stream'], maskedText: string): void {
    const line: LogLine = { stream, text: maskedText, ts: this.o.clock.now() };
    this.o.sink.log(inst.id, line);
    this.logs.add(inst.id, line);
  }

  private onLine(inst: Instance, stream: LogLine['stream'], text: string): void {
    const command = stream === 'stdout' ? parseNodeCommand(text) : undefined;
    if (command?.kind === 'add-mask') {
      this.masker.add(command.value);
      return; // the secret itself never reaches a log
    }
    this.logLine(inst, stream, this.masker.text(text));
    if (!command) return;
    if (command.kind === 'progress') {
      this.logs.flush(inst.id);
      this.emitNode(inst.id, { type: 'node:progress', nodeId: inst.id, progress: command.percent, ...(command.message ? { message: this.masker.text(command.message) } : {}) });
    } else if (command.kind === 'quality') {
      inst.quality = command.score;
    } else if (command.kind === 'annotation') {
      this.emitNode(inst.id, { type: 'node:diagnostic', nodeId: inst.id, severity: command.severity, message: this.masker.text(command.message), ...(command.file ? { file: command.file } : {}), ...(command.line ? { line: command.line } : {}), ...(command.column ? { column: command.column } : {}) });
    }
  }

  private onAttemptEnd(inst: Instance, attempt: number, result: AttemptResult): void {
    if (inst.attempt !== attempt || inst.status !== 'running') return;
    this.running--;
    inst.running = undefined;
    this.clearTimer(inst);
    this.logs.flush(inst.id);
    for (const problem of result.outputProblems) this.onLine(inst, 'stderr', `maestro: $MAESTRO_OUTPUT ${problem}`);
    if (result.stoppedBy === 'cancel' || (this.cancelling && result.stoppedBy !== 'timeout')) {
      this.end(inst, 'cancelled');
      this.emitNode(inst.id, { type: 'node:cancelled', nodeId: inst.id, reason: this.runError ?? 'the run was cancelled' });
      this.pump();
      return;
    }
    const error = this.attemptError(inst, result);
    inst.outputs = result.outputs;
    if (error === undefined) {
      this.complete(inst, result.outputs);
    } else if (attempt <= inst.spec.retry.max && !this.cancelling) {
      const delayMs = retryDelay(inst.spec.retry, attempt);
      inst.status = 'retrying';
      this.emitNode(inst.id, { type: 'node:retrying', nodeId: inst.id, attempt, error, delayMs });
      inst.timer = this.o.clock.setTimeout(() => {
        inst.timer = undefined;
        if (this.paused || this.cancelling) {
          this.settle();
          return;
        }
        this.startAttempt(inst);
      }, delayMs);
    } else {
      this.fail(inst, error, result.exitCode);
    }
    this.pump();
  }

  private attemptError(inst: Instance, result: AttemptResult): string | undefined {
    if (result.spawnError) return `could not start: ${result.spawnError}`;
    if (result.error !== undefined && result.stoppedBy === undefined) return result.error;
    if (result.stoppedBy === 'timeout') return `timed out after ${formatDuration(inst.spec.timeoutMs ?? 0)}`;
    if (result.exitCode !== 0) return result.exitCode === null ? `ended by ${result.signal ?? 'a signal'}` : `exited with code ${result.exitCode}`;
    const gate = inst.spec.quality;
    if (gate) {
      if (inst.quality === undefined) return `reported no quality score (print '::quality <0..1>'); its gate needs at least ${gate.min}`;
      if (inst.quality < gate.min) return `quality ${inst.quality} is below the gate's minimum of ${gate.min}`;
    }
    return undefined;
  }

  private complete(inst: Instance, outputs: Record<string, string>): void {
    inst.outputs = outputs;
    const durationMs = this.o.clock.now() - (inst.startedAt ?? this.o.clock.now());
    const found = inst.artifactsIn;
    const artifacts = found?.patterns.length ? this.o.runner.findArtifacts(found.cwd, found.patterns) : [];
    this.end(inst, 'completed');
    this.emitNode(inst.id, {
      type: 'node:completed',
      nodeId: inst.id,
      attempt: inst.attempt,
      outputs: this.masker.deep(outputs),
      artifacts,
      ...(inst.quality !== undefined ? { quality: inst.quality } : {}),
      durationMs,
    });
  }

  /** A final failure. `beforeStart` marks failures found before any process ran (a bad expression, say). */
  private fail(inst: Instance, error: string, exitCode: number | null, beforeStart = false): void {
    inst.error = error;
    const now = this.o.clock.now();
    if (beforeStart) inst.startedAt ??= now;
    this.end(inst, 'failed');
    this.emitNode(inst.id, { type: 'node:failed', nodeId: inst.id, attempt: inst.attempt, error: this.masker.text(error), exitCode, durationMs: now - (inst.startedAt ?? now), continueOnError: inst.spec.continueOnError });
  }

  /** Marks an instance ended and, when its whole group has ended, lets the groups that need it move. */
  private end(inst: Instance, status: NodeStatus): void {
    inst.status = status;
    const g = inst.group;
    g.ended++;
    if (g.ended < g.instances.length) return;
    this.publishGroup(g);
    for (const d of g.dependents) {
      d.unendedNeeds--;
      if (d.unendedNeeds === 0) for (const i of d.instances) if (i.status === 'pending') this.ready.push(i.index);
    }
  }

  /** What `nodes.<id>` reads in expressions once a node has ended. */
  private publishGroup(g: Group): void {
    const statuses = g.instances.map((i) => i.status);
    const status = statuses.includes('failed') ? 'failed' : statuses.includes('cancelled') ? 'cancelled' : statuses.every((s) => s === 'skipped') ? 'skipped' : 'completed';
    let outputs: Record<string, Value>;
    if (g.spec.matrix) {
      outputs = {};
      for (const i of g.instances) for (const [k, v] of Object.entries(i.outputs)) ((outputs[k] ??= {}) as Record<string, Value>)[i.id] = v;
    } else outputs = { ...g.instances[0].outputs };
    this.nodesContext[g.spec.id] = { status, outputs };
  }

  private cancelRun(reason: string): void {
    if (this.finished) return;
    if (!this.cancelRequested) this.runError = reason;
    this.cancelling = true;
    if (this.runTimer !== undefined) this.o.clock.clearTimeout(this.runTimer);
    this.runTimer = undefined;
    for (const inst of this.instances) {
      if (inst.status === 'pending' || inst.status === 'waiting' || inst.status === 'retrying') {
        this.clearTimer(inst);
        this.end(inst, 'cancelled');
        this.emitNode(inst.id, { type: 'node:cancelled', nodeId: inst.id, reason });
      } else if (inst.status === 'running') inst.running?.stop('cancel');
    }
    this.settle();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.runTimer !== undefined) this.o.clock.clearTimeout(this.runTimer);
    this.runTimer = undefined;
    this.logs.flushAll();
    const count = (s: NodeStatus) => this.instances.filter((i) => i.status === s).length;
    const status: RunStatus = this.cancelRequested ? 'cancelled' : this.runError || this.instances.some(isHardFailure) ? 'failed' : 'completed';
    this.emit({
      type: 'workflow:completed',
      status,
      ...(this.runError ? { error: this.runError } : {}),
      summary: { total: this.instances.length, completed: count('completed'), failed: count('failed'), skipped: count('skipped'), cancelled: count('cancelled'), durationMs: this.o.clock.now() - this.startedAt },
    });
    this.resolveDone(status);
  }

  private clearTimer(inst: Instance): void {
    if (inst.timer !== undefined) this.o.clock.clearTimeout(inst.timer);
    inst.timer = undefined;
  }

  // ---- events ----

  private emitNode(instanceId: string, draft: EventDraft): void {
    // Log lines come before the event that ends or moves a node, so that readers see them in order.
    if (draft.type !== 'node:log') this.logs.flush(instanceId);
    this.emit(draft);
  }

  private emit(draft: EventDraft): void {
    const event = { ...draft, runId: this.o.runId, seq: ++this.seq, ts: this.o.clock.now() };
    this.o.sink.event(event);
  }
}

function joinPath(base: string, relative: string): string {
  if (relative.startsWith('/')) return relative;
  const rest = relative.replace(/^(?:\.\/+)+/, '');
  return rest === '' || rest === '.' ? base : `${base.replace(/\/+$/, '')}/${rest}`;
}
