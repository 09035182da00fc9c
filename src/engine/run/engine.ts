import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { SpanDiagnostic } from '../diagnostics';
import type { LineIndex } from '../lineIndex';
import type { EngineEvent, NodeStatus, RunStatus } from '../protocol';
import { foldEvents, type RunState } from '../runState';
import type { WorkflowSpec } from '../model';
import { upstreamChecker } from '../graph';
import { validateFile } from '../validateFile';
import { currentPlatform, type Platform } from '../platform';
import { resolveInputs } from './inputs';
import { endLeftovers, leftoverNote } from './leftovers';
import { nodeBaseEnv } from './nodeEnv';
import { systemClock, type Clock, type ProcessRunner, type RunningAttempt, type SubWorkflowRunner } from './ports';
import { ShellProcessRunner } from './processRunner';
import { SpawnHelperPool } from './spawnHelper/pool';
import { spawnHelperCount } from './spawnHelper/count';
import { readRun, reserveRunId, RunWriter, type RunRecord } from './runStore';
import { Scheduler } from './scheduler';

/** A run could not start: the workflow is invalid, or its inputs are. */
export class RunSetupError extends Error {
  constructor(
    message: string,
    readonly diagnostics: SpanDiagnostic[] = [],
    readonly lines?: LineIndex,
    /** The file the diagnostics are in. */
    readonly file?: string,
  ) {
    super(message);
    this.name = 'RunSetupError';
  }
}

export interface RunOptions {
  workflowPath: string;
  inputs?: Record<string, string>;
  runsDir?: string;
  concurrency?: number;
  killGraceMs?: number;
  /** Called for every event, after it is written to the run's log. */
  onEvent?: (e: EngineEvent) => void;
  /** Spawn helpers to share (the run does not close them); by default a run starts its own when it is big enough. */
  spawnHelpers?: SpawnHelperPool;
  /** Told about problems that do not stop the run, such as a spawn helper that failed. */
  onWarning?: (message: string) => void;
  /** For tests: a fake process runner and clock, another platform. */
  runner?: ProcessRunner;
  clock?: Clock;
  platform?: Platform;
}

export interface RunHandle {
  runId: string;
  runsDir: string;
  dir: string;
  scheduler: Scheduler;
  /** Settles when the run ends for good (retries re-open a run; this follows them). */
  finished(): Promise<RunStatus>;
  /** Closes the run's log and removes its scratch folder; the run cannot be retried through this handle after. */
  dispose(): void;
  /** Kills every process of the run at once, without the grace period: for a second Ctrl-C. */
  forceStop(): void;
  /** For a resumed run: the run as its log left it, before the events this handle brings. */
  resumedFrom?: RunState;
}

/** The default runs folder: `.maestro/runs` in the nearest folder above the workflow that holds `.maestro` or `.git`, else beside it. */
export function defaultRunsDir(workflowPath: string): string {
  const start = dirname(resolve(workflowPath));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.maestro')) || existsSync(join(dir, '.git'))) return join(dir, '.maestro', 'runs');
    if (dirname(dir) === dir) return join(start, '.maestro', 'runs');
  }
}

function load(workflowPath: string) {
  const path = resolve(workflowPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RunSetupError(`cannot read ${workflowPath}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const result = validateFile(path, text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new RunSetupError(`${workflowPath} has ${errors.length} error${errors.length === 1 ? '' : 's'}`, errors, result.parsed.lines, workflowPath);
  return { path, workflow: result.workflow, hash: createHash('sha256').update(text).digest('hex').slice(0, 16) };
}

/** Nodes that name no shell need the platform's default one; a run without it does not start. */
function requireDefaultShell(workflow: WorkflowSpec, platform: Platform = currentPlatform): void {
  if (!workflow.nodes.some((n) => n.kind === 'run' && n.shell === undefined)) return;
  const shell = platform.defaultShell();
  if ('error' in shell) throw new RunSetupError(shell.error);
}

/** The most sub-workflows one run may nest, as a last guard against a workflow that includes itself indirectly. */
const MAX_SUB_WORKFLOW_DEPTH = 8;

/** Runs `workflow:` nodes as nested schedulers that report into the parent run. */
function subWorkflowRunner(context: { runId: string; tempDir: string; concurrency: number; baseEnv: Record<string, string>; runner: ProcessRunner; clock: Clock }): SubWorkflowRunner {
  const run: SubWorkflowRunner = (request) => {
    const failed = (error: string): RunningAttempt => ({ done: Promise.resolve({ exitCode: null, signal: null, outputs: {}, outputProblems: [], error }), stop: () => undefined });
    const path = resolve(request.path);
    if (request.chain.map((p) => resolve(p)).includes(path)) return failed(`${path} includes itself`);
    if (request.chain.length >= MAX_SUB_WORKFLOW_DEPTH) return failed(`sub-workflows nest more than ${MAX_SUB_WORKFLOW_DEPTH} deep`);
    let loaded: ReturnType<typeof load>;
    try {
      loaded = load(path);
    } catch (e) {
      const first = e instanceof RunSetupError && e.diagnostics[0] ? `: ${e.diagnostics[0].message}` : '';
      return failed(`sub-workflow ${(e as Error).message}${first}`);
    }
    const { values, errors } = resolveInputs(loaded.workflow.inputs, request.inputs);
    if (errors.length) return failed(`sub-workflow ${path}: ${errors.join('; ')}`);
    const nested = new Scheduler({
      runId: context.runId,
      workflow: loaded.workflow,
      workflowPath: loaded.path,
      workflowHash: loaded.hash,
      inputs: values,
      baseDir: dirname(loaded.path),
      tempDir: context.tempDir,
      concurrency: loaded.workflow.concurrency ?? context.concurrency,
      baseEnv: context.baseEnv,
      runner: context.runner,
      clock: context.clock,
      sink: request.sink,
      subWorkflows: run,
      chain: request.chain,
      masker: request.masker,
    });
    let stoppedBy: 'timeout' | 'cancel' | undefined;
    nested.start();
    return {
      done: nested.done.then((status) => ({
        exitCode: status === 'completed' ? 0 : 1,
        signal: null,
        outputs: nested.collectOutputs(request.outputs),
        outputProblems: [],
        ...(stoppedBy ? { stoppedBy } : {}),
        ...(status === 'completed' ? {} : { error: `the sub-workflow ${loaded.workflow.name} ${status}` }),
      })),
      stop: (reason) => {
        if (nested.isFinished) return;
        stoppedBy = reason;
        nested.cancel();
      },
    };
  };
  return run;
}

/** Where the bundled spawn helper is: beside this bundle in `dist/`. Not there when the engine runs from source. */
const SPAWN_HELPER_SCRIPT = join(__dirname, 'spawnHelper.js');

function startSpawnHelpers(nodes: number, concurrency: number, env: Record<string, string>, onWarning?: (message: string) => void): SpawnHelperPool | undefined {
  const count = spawnHelperCount({ nodes, concurrency, setting: process.env.MAESTRO_SPAWN_HELPERS });
  if (count === 0 || !existsSync(SPAWN_HELPER_SCRIPT)) return undefined;
  return new SpawnHelperPool({ script: SPAWN_HELPER_SCRIPT, count, env, onProblem: onWarning });
}

/** The run's folder and its scratch folder; a folder that cannot be written is a setup error, not a crash. */
function createRunFiles(dir: string, record: RunRecord, append: boolean): { tempDir: string; writer: RunWriter } {
  let tempDir: string | undefined;
  try {
    tempDir = mkdtempSync(join(tmpdir(), 'maestro-run-'));
    return { tempDir, writer: new RunWriter(dir, record, append) };
  } catch (e) {
    // A new run leaves nothing half-made behind (where it can); a resumed one keeps what it had.
    for (const made of [tempDir, append ? undefined : dir]) {
      try {
        if (made) rmSync(made, { recursive: true, force: true });
      } catch {
        // It could not be written; it may not be removable either.
      }
    }
    throw new RunSetupError(`cannot write the run to ${dir}: ${(e as Error).message}`);
  }
}

function launch(o: RunOptions, setup: { path: string; workflow: ReturnType<typeof load>['workflow']; hash: string; runId: string; runsDir: string; inputs: Record<string, string | number | boolean>; previous?: ConstructorParameters<typeof Scheduler>[0]['previous']; startedAt?: number }): RunHandle {
  const dir = join(setup.runsDir, setup.runId);
  const { tempDir, writer } = createRunFiles(dir, { runId: setup.runId, workflowPath: setup.path, workflowName: setup.workflow.name, workflowHash: setup.hash, inputs: setup.inputs, startedAt: setup.startedAt ?? Date.now(), status: 'running', pid: process.pid }, setup.previous !== undefined);
  const concurrency = o.concurrency ?? setup.workflow.concurrency ?? availableParallelism();
  const baseEnv = nodeBaseEnv();
  const ownHelpers = o.runner || o.spawnHelpers ? undefined : startSpawnHelpers(setup.workflow.nodes.length, concurrency, baseEnv, o.onWarning);
  const runner = o.runner ?? new ShellProcessRunner(tempDir, { killGraceMs: o.killGraceMs, helpers: o.spawnHelpers ?? ownHelpers, platform: o.platform });
  const clock = o.clock ?? systemClock;
  const scheduler = new Scheduler({
    runId: setup.runId,
    workflow: setup.workflow,
    workflowPath: setup.path,
    workflowHash: setup.hash,
    inputs: setup.inputs,
    baseDir: dirname(setup.path),
    tempDir,
    concurrency,
    baseEnv,
    runner,
    clock,
    subWorkflows: subWorkflowRunner({ runId: setup.runId, tempDir, concurrency, baseEnv, runner, clock }),
    previous: setup.previous,
    sink: {
      event: (e) => {
        writer.event(e);
        if (e.type === 'workflow:completed') writer.update({ status: e.status, endedAt: e.ts });
        else if (e.type === 'workflow:resumed') writer.update({ status: 'running', endedAt: undefined, pid: process.pid });
        o.onEvent?.(e);
      },
      log: (id, line) => writer.log(id, line),
    },
  });
  writer.onWriteError = (e) => {
    const reason = `the run's log cannot be written to ${dir} (${e.message}), so the run is stopped; it can be resumed once the folder can be written again`;
    o.onWarning?.(reason);
    // Not from inside the write: that may be the middle of an event.
    setImmediate(() => scheduler.abort(reason));
  };
  scheduler.start();
  // Helpers are for the run's fan-out; a node retried after the run ended is started by the engine itself.
  if (ownHelpers) void scheduler.done.then(() => ownHelpers.close());
  return {
    runId: setup.runId,
    runsDir: setup.runsDir,
    dir,
    scheduler,
    finished: async () => {
      // A retry can re-open an ended run; wait until the run that ended is still ended.
      for (;;) {
        const done = scheduler.done;
        const status = await done;
        if (scheduler.done === done) {
          writer.flushLogs();
          return status;
        }
      }
    },
    forceStop: () => runner.killAll(),
    dispose: () => {
      ownHelpers?.close();
      writer.close();
      rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** Validates a workflow, resolves its inputs and starts a run. Throws RunSetupError when it cannot start. */
export function startRun(o: RunOptions): RunHandle {
  const { path, workflow, hash } = load(o.workflowPath);
  requireDefaultShell(workflow, o.platform);
  const { values, errors } = resolveInputs(workflow.inputs, o.inputs ?? {});
  if (errors.length) throw new RunSetupError(errors.join('\n'));
  const runsDir = resolve(o.runsDir ?? defaultRunsDir(path));
  try {
    mkdirSync(runsDir, { recursive: true });
  } catch (e) {
    throw new RunSetupError(`cannot create the runs folder ${runsDir}: ${(e as Error).message}`);
  }
  let runId: string;
  try {
    runId = reserveRunId(runsDir);
  } catch (e) {
    throw new RunSetupError(`cannot create a run in ${runsDir}: ${(e as Error).message}`);
  }
  return launch(o, { path, workflow, hash, runId, runsDir, inputs: values });
}

/**
 * Continues a run from its log: completed nodes keep their outputs and do not run again; every other node runs.
 * This is how a run survives a crash of the engine or of the editor. A run whose engine stopped may have left
 * processes running: they are ended first (and the nodes' logs say so), so that no node runs twice at once.
 */
export async function resumeRunFromLog(o: Omit<RunOptions, 'workflowPath' | 'inputs'> & { runsDir: string; runId: string; fromNode?: string }): Promise<RunHandle> {
  const stored = readRun(o.runsDir, o.runId);
  if (stored.record.status === 'running' && !stored.interrupted) throw new RunSetupError(`run ${o.runId} is still running in engine process ${stored.record.pid}`);
  if (stored.recordRebuilt) o.onWarning?.(`${stored.recordRebuilt}: the run's record was rebuilt from its event log`);
  if (stored.skippedLines) o.onWarning?.(`${stored.skippedLines} unreadable line${stored.skippedLines === 1 ? '' : 's'} in the event log were skipped (a torn write after a crash)`);
  const state = foldEvents(stored.events);
  const { path, workflow, hash } = load(stored.record.workflowPath);
  requireDefaultShell(workflow, o.platform);
  if (hash !== stored.record.workflowHash) o.onWarning?.(`${stored.record.workflowPath} changed since the run started: nodes run as the file is now`);
  const notes = await endLeftoversOf(o, stored.interrupted);
  const instances = new Map<string, { status: NodeStatus; outputs: Record<string, string>; attempt: number }>();
  for (const [id, n] of state?.nodes ?? []) instances.set(id, { status: n.status, outputs: n.outputs, attempt: n.attempt });
  if (o.fromNode !== undefined) {
    const from = workflow.nodes.find((n) => n.id === o.fromNode || state?.nodes.get(o.fromNode!)?.info.nodeId === n.id);
    if (!from) throw new RunSetupError(`no node '${o.fromNode}' in ${path}`);
    const rerun = new Set([from.id, ...workflow.nodes.filter((n) => upstreamChecker(workflow.nodes)(n.id, from.id)).map((n) => n.id)]);
    for (const [id, n] of state?.nodes ?? []) if (rerun.has(n.info.nodeId)) instances.delete(id);
  }
  const handle = launch({ ...o, workflowPath: path }, { path, workflow, hash, runId: o.runId, runsDir: resolve(o.runsDir), inputs: stored.record.inputs, previous: { instances, lastSeq: state?.lastSeq ?? 0, notes }, startedAt: stored.record.startedAt });
  if (state) handle.resumedFrom = state;
  return handle;
}

/** Ends what an interrupted run left running; returns what each node's log is to say about it. */
async function endLeftoversOf(o: Pick<RunOptions, 'killGraceMs' | 'onWarning' | 'platform'> & { runId: string }, interrupted: boolean): Promise<Map<string, string[]>> {
  const notes = new Map<string, string[]>();
  if (!interrupted) return notes;
  const graceMs = o.killGraceMs ?? 5000;
  let reports;
  try {
    reports = await endLeftovers(o.runId, o.platform ?? currentPlatform, graceMs);
  } catch (e) {
    throw new RunSetupError((e as Error).message);
  }
  for (const r of reports) {
    const note = leftoverNote(r, graceMs);
    o.onWarning?.(`${r.nodeId}: ${note.replace(/^maestro: /, '')}`);
    notes.set(r.nodeId, [...(notes.get(r.nodeId) ?? []), note]);
  }
  return notes;
}
