// One node's life once the scheduler lets it go: an approval gate waits, a shell step or a sub-workflow runs as
// attempts (with its timeout), and each attempt's end decides: completed, retried after a delay, or failed.
import { artifactOutsideFolder } from '../../artifactPaths';
import { formatDuration } from '../../duration';
import type { EvaluationScope } from '../../expressions/evaluate';
import type { EngineEvent, EventDraft, LogLine, RunNodeInfo } from '../../protocol';
import { retryDelay } from './backoff';
import type { Instance, PreviousInstances } from './instances';
import { NodeOutput } from './nodeOutput';
import { StdoutOutput } from './stdoutOutput';
import { CachedAttempt, cacheQueryOf } from './cachedAttempt';
import type { AttemptResult, KeptResult, RunningAttempt, RunSink } from './ports';
import { reusedOf } from '../../reusedResult';
import { interpolate } from '../../expressions/interpolate';
import { joinPath } from './folders';
import type { SchedulerCore, SchedulerOptions } from './schedulerCore';

/** Why an attempt failed, or undefined when it succeeded. */
export function attemptError(inst: Instance, result: AttemptResult): string | undefined {
  if (result.spawnError) return `could not start: ${result.spawnError}`;
  if (result.error !== undefined && result.stoppedBy === undefined) return result.error;
  if (result.stoppedBy === 'timeout') return `timed out after ${formatDuration(inst.spec.timeoutMs ?? 0)}`;
  if (result.exitCode !== 0) return result.exitCode === null ? `ended by ${result.signal ?? 'a signal'}` : `exited with code ${result.exitCode}`;
  // Outputs that could not be read would reach the nodes after this one as wrong or missing values.
  const problems = result.outputProblems;
  if (problems.length) return `$MAESTRO_OUTPUT ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problems, in the log)` : ''}`;
  const gate = inst.spec.quality;
  if (gate) {
    if (inst.quality === undefined) return `reported no quality score (print '::quality <0..1>'); its gate needs at least ${gate.min}`;
    if (inst.quality < gate.min) return `quality ${inst.quality} is below the gate's minimum of ${gate.min}`;
  }
  return undefined;
}

/** A sub-run's nodes as nodes of this run: their ids, and those they need, under the node's (`deploy/push`). */
const infosUnder = (nodes: readonly RunNodeInfo[], prefix: string): RunNodeInfo[] =>
  nodes.map((n) => ({ ...n, id: prefix + n.id, needs: n.needs.map((id) => prefix + id) }));

/** A sub-run's node event as an event of this run, under the node `holder` whose sub-run it is. */
function underNode(e: Extract<EngineEvent, { nodeId: string }>, prefix: string, holder: string): EventDraft {
  const ids = { nodeId: prefix + e.nodeId, parentNodeId: e.parentNodeId ? prefix + e.parentNodeId : holder };
  return e.type === 'node:subrun' || e.type === 'node:matrix' ? { ...e, ...ids, nodes: infosUnder(e.nodes, prefix) } : { ...e, ...ids };
}

const failedAttempt = (error: string): RunningAttempt => ({
  done: Promise.resolve({ exitCode: null, signal: null, outputs: {}, outputProblems: [], error }),
  stop: () => undefined,
});

/** What the engine tells every attempt's process (see "How a node reports back" in docs/workflow-format.md). */
function engineVariables(core: SchedulerCore, instanceId: string, attempt: number): Record<string, string> {
  return {
    MAESTRO_RUN_ID: core.options.runId,
    MAESTRO_NODE_ID: (core.options.idPrefix ?? '') + instanceId,
    MAESTRO_ATTEMPT: String(attempt),
    MAESTRO_TEMP: core.options.tempDir,
    MAESTRO_WORKSPACE: core.workspace,
    ...(core.options.hashFilesCommand !== undefined ? { MAESTRO_HASH_FILES: core.options.hashFilesCommand } : {}),
  };
}

export class NodeLifecycle {
  /** The `workflow` nodes whose sub-run was handed what the run's log kept of it (once: a retry starts it over). */
  private readonly subRunsContinued = new Set<string>();
  /** Retries whose delay has passed, waiting for a slot or for the pause to end, in the order they fell due. */
  private dueRetries: Instance[] = [];

  constructor(private readonly core: SchedulerCore) {}

  /** An approval gate: waits for a decision, or for its timeout. */
  wait(inst: Instance): void {
    const { core } = this;
    let prompt: string;
    try {
      prompt = interpolate(inst.spec.approval?.prompt ?? `Approve '${inst.spec.name ?? inst.id}'?`, core.scope.of(inst));
    } catch (e) {
      this.fail(inst, (e as Error).message, null, true);
      return;
    }
    inst.status = 'waiting';
    inst.startedAt = core.options.clock.now();
    const timeoutMs = inst.spec.approval?.timeoutMs;
    if (timeoutMs !== undefined) {
      inst.timer = core.options.clock.setTimeout(() => {
        inst.timer = undefined;
        this.fail(inst, `no approval within ${formatDuration(timeoutMs)}`, null);
        core.pump();
      }, timeoutMs);
    }
    core.emitNode(inst.id, { type: 'node:waiting', nodeId: inst.id, prompt, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  }

  /** Starts the instance's next attempt: its expressions filled in, then its process or sub-run. */
  startAttempt(inst: Instance): void {
    const { core } = this;
    const scope = core.scope.of(inst);
    let request: { script: string; env: Record<string, string>; cwd: string };
    let cache: ReturnType<typeof cacheQueryOf>;
    try {
      request = this.prepare(inst, scope);
      cache = inst.spec.kind === 'workflow' ? undefined : cacheQueryOf(inst, request, core.options, scope);
    } catch (e) {
      // The scheduler took its mutexes for this attempt.
      if (inst.spec.kind === 'run' && inst.mutex) core.mutexes.give(inst.mutex);
      this.fail(inst, (e as Error).message, null, true);
      return;
    }
    inst.attempt++;
    inst.status = 'running';
    inst.blockedBy = undefined;
    inst.quality = undefined;
    inst.startedAt ??= core.options.clock.now();
    core.running++;
    inst.group.running++;
    if (inst.spec.kind === 'run') {
      core.processes++;
      core.slots.take();
    }
    const attempt = inst.attempt;
    const env = { ...request.env, ...engineVariables(core, inst.id, attempt) };
    let running: RunningAttempt;
    if (inst.spec.kind === 'workflow') {
      // Said before the sub-run starts, whose nodes' events would otherwise come before their parent's.
      core.emitNode(inst.id, { type: 'node:started', nodeId: inst.id, attempt });
      running = this.startSubRun(inst, scope);
    } else {
      const processRequest = { instanceId: inst.id, attempt, script: request.script, shell: inst.spec.shell, cwd: request.cwd, env };
      const started = (pid: number | undefined) =>
        core.emitNode(inst.id, { type: 'node:started', nodeId: inst.id, attempt, ...(pid !== undefined ? { pid } : {}) });
      if (cache) {
        // A result is reused for a node's first attempt, unless it was asked to run by name; each completion is kept.
        const lookup = { ttlMs: inst.spec.cache?.ttlMs, now: core.options.clock.now(), reuse: attempt === 1 && !inst.runAgain };
        running = new CachedAttempt(cache.store, cache.query, lookup, {
          start: () => this.startProcess(inst, processRequest),
          started,
          note: (text) => this.logLine(inst, 'stdout', core.masker.text(text)),
        });
      } else {
        running = this.startProcess(inst, processRequest);
        started(running.pid);
      }
    }
    inst.running = running;
    if (inst.spec.timeoutMs !== undefined) this.armTimeout(inst, running, inst.spec.timeoutMs);
    running.done.then(
      (result) => this.attemptEnded(inst, attempt, result),
      (e: unknown) => this.attemptEnded(inst, attempt, { exitCode: null, signal: null, outputs: {}, outputProblems: [], spawnError: String(e) }),
    );
  }

  /** The script, environment and folder of an attempt, and where its artifacts will be looked for. */
  private prepare(inst: Instance, scope: EvaluationScope): { script: string; env: Record<string, string>; cwd: string } {
    const { options } = this.core;
    const script = interpolate(inst.spec.run ?? '', scope);
    const env = { ...this.core.scope.env };
    for (const [k, v] of Object.entries(inst.spec.env)) env[k] = interpolate(v, scope);
    const cwd = inst.spec.cwd ? joinPath(options.baseDir, interpolate(inst.spec.cwd, scope)) : options.baseDir;
    inst.artifactsIn = { cwd, patterns: inst.spec.artifacts.map((p) => interpolate(p, scope)) };
    return { script, env, cwd };
  }

  private startProcess(inst: Instance, request: Parameters<SchedulerOptions['runner']['start']>[0]): RunningAttempt {
    const stdout = inst.spec.stdoutAs !== undefined ? new StdoutOutput(inst.spec.stdoutAs, this.core.masker) : undefined;
    const output = new NodeOutput(this.core.masker, {
      log: (stream, text) => this.logLine(inst, stream, text),
      progress: (progress, message) => {
        this.core.logs.flush(inst.id);
        this.core.emitNode(inst.id, { type: 'node:progress', nodeId: inst.id, progress, ...(message ? { message } : {}) });
      },
      quality: (score) => (inst.quality = score),
      diagnostic: (d) => this.core.emitNode(inst.id, { type: 'node:diagnostic', nodeId: inst.id, ...d }),
    });
    const running = this.core.options.runner.start(request, (stream, text, continues) => {
      stdout?.take(stream, text, continues);
      output.take(stream, text, continues);
    });
    const end = () => output.end();
    running.done.then(end, end);
    return stdout ? stdout.into(running, (text) => this.logLine(inst, 'stderr', text)) : running;
  }

  /** A `workflow:` node: its file runs as a sub-run, whose node events join this run under the node. */
  private startSubRun(inst: Instance, scope: EvaluationScope): RunningAttempt {
    const { core } = this;
    const { options } = core;
    if (!options.subWorkflows) return failedAttempt('sub-workflows cannot run here');
    let inputs: Record<string, string>;
    try {
      inputs = Object.fromEntries(Object.entries(inst.spec.with).map(([k, v]) => [k, interpolate(v, scope)]));
    } catch (e) {
      return failedAttempt((e as Error).message);
    }
    const prefix = `${inst.id}/`;
    const sink: RunSink = {
      // Its node events join this run under the node; of its run-level events, its start lists its nodes there.
      event: (e) => {
        if ('nodeId' in e) core.emitNode(prefix + e.nodeId, underNode(e, prefix, inst.id));
        else if (e.type === 'workflow:started' || (e.type === 'workflow:resumed' && e.nodes)) {
          const nodes = infosUnder(e.nodes ?? [], prefix);
          core.emitNode(inst.id, { type: 'node:subrun', nodeId: inst.id, nodes, ...(e.type === 'workflow:resumed' ? { continued: true } : {}) });
        }
      },
      log: (id, line) => options.sink.log(prefix + id, line),
    };
    const path = joinPath(options.baseDir, inst.spec.workflow ?? '');
    return options.subWorkflows({
      instanceId: inst.id,
      path,
      inputs,
      outputs: inst.spec.outputs,
      chain: [...(options.chain ?? []), options.workflowPath],
      sink,
      masker: core.masker,
      idPrefix: (options.idPrefix ?? '') + prefix,
      ...this.keptInSubRun(inst.id, prefix),
    });
  }

  /** What a run continued from its log keeps of a node's sub-run: for its first sub-run in this engine only. */
  private keptInSubRun(instanceId: string, prefix: string): { previous?: PreviousInstances } {
    const kept = this.core.options.previous?.instances;
    if (!kept || this.subRunsContinued.has(instanceId)) return {};
    this.subRunsContinued.add(instanceId);
    const previous: PreviousInstances = new Map();
    for (const [id, before] of kept) if (id.startsWith(prefix)) previous.set(id.slice(prefix.length), before);
    return previous.size > 0 ? { previous } : {};
  }

  logLine(inst: Instance, stream: LogLine['stream'], maskedText: string): void {
    const line: LogLine = { stream, text: maskedText, ts: this.core.options.clock.now() };
    this.core.options.sink.log(inst.id, line);
    this.core.logs.add(inst.id, line);
  }

  private attemptEnded(inst: Instance, attempt: number, result: AttemptResult): void {
    const { core } = this;
    if (inst.attempt !== attempt || inst.status !== 'running') return;
    core.running--;
    inst.group.running--;
    if (inst.spec.kind === 'run') {
      core.processes--;
      core.slots.give();
      if (inst.mutex) core.mutexes.give(inst.mutex);
    }
    core.subRunPauses.ended(inst);
    inst.running = undefined;
    this.clearTimer(inst);
    core.logs.flush(inst.id);
    for (const problem of result.outputProblems) this.logLine(inst, 'stderr', core.masker.text(`maestro: $MAESTRO_OUTPUT ${problem}`));
    if (result.stoppedBy === 'cancel') {
      core.end(inst, 'cancelled');
      core.emitNode(inst.id, { type: 'node:cancelled', nodeId: inst.id, reason: inst.cancelledFor ?? core.cancelReason });
      inst.cancelledFor = undefined;
      core.pump();
      return;
    }
    if (result.kept) inst.quality = result.kept.quality;
    const error = attemptError(inst, result);
    inst.outputs = result.outputs;
    if (error === undefined) this.complete(inst, result.outputs, result);
    else if (attempt <= inst.spec.retry.max && !core.cancelling) this.retryLater(inst, attempt, error);
    else this.fail(inst, error, result.exitCode);
    core.pump();
  }

  private retryLater(inst: Instance, attempt: number, error: string): void {
    const { core } = this;
    const delayMs = retryDelay(inst.spec.retry, attempt);
    inst.status = 'retrying';
    core.emitNode(inst.id, { type: 'node:retrying', nodeId: inst.id, attempt, error, delayMs });
    inst.timer = core.options.clock.setTimeout(() => {
      inst.timer = undefined;
      this.dueRetries.push(inst);
      core.pump();
    }, delayMs);
  }

  /**
   * Starts the retries whose delay has passed, as slots allow (the run's concurrency, the matrix's `maxParallel`, mutexes):
   * the others wait for the next. The scheduler calls it first whenever it starts what is ready, unless paused.
   */
  startDueRetries(): void {
    const due = this.dueRetries;
    this.dueRetries = [];
    for (const inst of due) {
      // Cancelled since, or ended otherwise: nothing to start.
      if (inst.status !== 'retrying') continue;
      if (this.core.hasSlotFor(inst)) this.startAttempt(inst);
      else this.dueRetries.push(inst);
    }
  }

  /** An approval gate decided: it completes with `approved` (and who, and their comment), or fails as rejected. */
  decideGate(inst: Instance, approved: boolean, comment?: string, actor?: string): void {
    this.clearTimer(inst);
    if (approved) this.complete(inst, { approved: 'true', ...(actor ? { approvedBy: actor } : {}), ...(comment ? { comment } : {}) });
    else this.fail(inst, `rejected${actor ? ` by ${actor}` : ''}${comment ? `: ${comment}` : ''}`, null);
  }

  /** Ends the node as completed; `from` is its attempt's result (a kept one, or one to keep), when it ran as one. */
  complete(inst: Instance, outputs: Record<string, string>, from?: Pick<AttemptResult, 'kept' | 'keepAs'>): void {
    const { core } = this;
    inst.outputs = outputs;
    const now = core.options.clock.now();
    const durationMs = now - (inst.startedAt ?? now);
    const found = inst.artifactsIn;
    const { files: artifacts, unmatched } = found?.patterns.length
      ? core.options.runner.findArtifacts(found.cwd, found.patterns)
      : { files: [], unmatched: [] };
    for (const pattern of unmatched) {
      const why = artifactOutsideFolder(pattern) ?? `matched no file in ${found!.cwd}`;
      core.emitNode(inst.id, { type: 'node:diagnostic', nodeId: inst.id, severity: 'warning', message: `artifact '${pattern}' ${why}: it is not recorded` });
    }
    if (from?.keepAs) this.keep(inst, from.keepAs, outputs, artifacts);
    core.end(inst, 'completed');
    core.emitNode(inst.id, {
      type: 'node:completed',
      nodeId: inst.id,
      attempt: inst.attempt,
      outputs: core.masker.deep(outputs),
      artifacts,
      ...(artifacts.length && found ? { artifactsDir: found.cwd } : {}),
      ...(inst.quality !== undefined ? { quality: inst.quality } : {}),
      ...(from?.kept ? { cached: reusedOf(from.kept) } : {}),
      durationMs,
    });
  }

  /** Keeps a completed node's result for later runs, unless its outputs hold a masked value (never written down). */
  private keep(inst: Instance, as: NonNullable<AttemptResult['keepAs']>, outputs: Record<string, string>, artifacts: string[]): void {
    const { core } = this;
    const masked = core.masker.deep(outputs);
    if (Object.keys(outputs).some((name) => masked[name] !== outputs[name])) {
      this.logLine(inst, 'stdout', 'maestro: the result is not kept for reuse: an output holds a masked value');
      core.logs.flush(inst.id);
      return;
    }
    const kept: KeptResult = {
      runId: core.options.runId,
      at: core.options.clock.now(),
      outputs,
      ...(inst.quality !== undefined ? { quality: inst.quality } : {}),
    };
    const prepared = as.prepared ? { prepared: as.prepared } : {};
    const note = core.options.cache?.keep(as.key, { ...kept, artifacts, query: as.query, ...prepared });
    if (note === undefined) return;
    this.logLine(inst, 'stdout', `maestro: ${note}`);
    core.logs.flush(inst.id);
  }

  /** A final failure. `beforeStart` marks failures found before any process ran (a bad expression, say). */
  fail(inst: Instance, error: string, exitCode: number | null, beforeStart = false): void {
    const { core } = this;
    inst.error = error;
    const now = core.options.clock.now();
    if (beforeStart) inst.startedAt ??= now;
    core.end(inst, 'failed');
    core.emitNode(inst.id, {
      type: 'node:failed',
      nodeId: inst.id,
      attempt: inst.attempt,
      error: core.masker.text(error),
      exitCode,
      durationMs: now - (inst.startedAt ?? now),
      continueOnError: inst.continueOnError,
    });
    if (inst.spec.failFast && inst.spec.matrix && !inst.continueOnError) core.failFast(inst);
  }

  /** Arms the running attempt's timeout, to fall due in `ms` (all of it, or what a pause left of it). */
  private armTimeout(inst: Instance, running: RunningAttempt, ms: number): void {
    const { clock } = this.core.options;
    const full = inst.spec.timeoutMs ?? ms;
    inst.timeout = { dueAt: clock.now() + ms };
    inst.timer = clock.setTimeout(() => {
      inst.timer = undefined;
      inst.timeout = undefined;
      running.stop('timeout', `'${inst.id}' timed out after ${formatDuration(full)}`);
    }, ms);
  }

  /**
   * A `workflow` node whose sub-run is paused with nothing running in it: nothing of the node runs, so its timeout
   * stops counting (a long pause does not time the sub-run out) until the run is resumed.
   */
  holdTimeout(inst: Instance): void {
    if (!inst.timeout || !('dueAt' in inst.timeout)) return;
    const leftMs = Math.max(0, inst.timeout.dueAt - this.core.options.clock.now());
    this.clearTimer(inst);
    inst.timeout = { leftMs };
  }

  /** The run resumed: a timeout held while the node's sub-run was paused counts again from where it stopped. */
  releaseTimeout(inst: Instance): void {
    if (!inst.timeout || !('leftMs' in inst.timeout) || inst.status !== 'running' || !inst.running) return;
    this.armTimeout(inst, inst.running, inst.timeout.leftMs);
  }

  clearTimer(inst: Instance): void {
    if (inst.timer !== undefined) this.core.options.clock.clearTimeout(inst.timer);
    inst.timer = undefined;
    inst.timeout = undefined;
  }
}
