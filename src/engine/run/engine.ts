import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { InputSpec, Scalar } from '../model';
import { currentPlatform, type Platform } from '../platform';
import type { EngineEvent, RunStatus, SharedCacheSettings } from '../protocol';
import { foldEvents, type RunState } from '../runState';
import { keptInputs, maskedInputs, resolveInputs, resumedInputs, secretsNotKept, secretValues } from './core/inputs';
import { Masker } from './core/masker';
import { systemClock, type Clock, type NodeCache, type ProcessRunner } from './core/ports';
import { Scheduler, type SchedulerOptions } from './core/scheduler';
import type { MutexRegistry } from './core/mutexes';
import { machineMutexes } from './io/mutexLocks';
import { SlotPool } from './core/slots';
import { runName } from './core/scope';
import { endLeftovers, leftoverNote } from './io/leftovers';
import { nodeBaseEnv } from '../nodeEnv';
import { copiesMaxBytes } from './io/artifactCopies';
import { machineKeys } from './io/cacheSecret';
import { CACHE_FOLDER, FileNodeCache } from './io/nodeCache';
import { withSharedCache } from './io/sharedCache';
import { sharedCacheFor } from './io/sharedCacheSource';
import { ShellProcessRunner } from './io/processRunner';
import { folderFiles } from './io/hashFiles';
import { writeHashFilesCommand } from './io/hashFilesCommand';
import { readRun, reserveRunId, type RunRecord } from './io/runStore';
import { runsDirFor } from './io/runsLocation';
import { RunWriter } from './io/runWriter';
import { recordDigest } from './io/runIndex';
import { DigestBuilder } from '../insights/digest';
import { spawnHelperCount, spawnHelperFallsBack, spawnHelperKind } from './io/spawnHelper/count';
import { SpawnHelperPool } from './io/spawnHelper/pool';
import { loadWorkflow, requireDefaultShell, RunSetupError, type LoadedWorkflow } from './setup';
import { subWorkflowRunner } from './subRuns';
import { fromNodeOf, instancesToKeep } from './resumeFrom';

export { RunSetupError } from './setup';

export interface RunOptions {
  workflowPath: string;
  inputs?: Record<string, string>;
  /**
   * Values for inputs the workflow declares that are neither given nor have a default (the CLI's, from the Git
   * checkout, for what GitHub gives a run); each one taken is told to `onFallbackInput`.
   */
  fallbackInputs?: Record<string, string>;
  onFallbackInput?: (name: string, value: string) => void;
  /** The workflow as `loadRunnable` gave it (to ask for its secret inputs first), so that it is not read again. */
  loaded?: LoadedWorkflow;
  runsDir?: string;
  concurrency?: number;
  killGraceMs?: number;
  /** Called for every event, after it is written to the run's log. */
  onEvent?: (e: EngineEvent) => void;
  /** Called after lines were written to nodes' logs, with each log's size. */
  onLogsWritten?: (sizes: ReadonlyMap<string, number>) => void;
  /** Spawn helpers to share (the run does not close them); by default a run starts its own when it is big enough. */
  spawnHelpers?: SpawnHelperPool;
  /**
   * Whether nodes with `cache` reuse a kept result (default yes). With false they all run, and their results are
   * kept afresh.
   */
  reuseResults?: boolean;
  /** The most the copies of cached nodes' artifacts may take (0: none kept); by default MAESTRO_CACHE_COPIES_MB, or 1 GiB. */
  cacheCopiesMaxBytes?: number;
  /** A team's shared cache, looked up after the runs folder's (null: none); by default MAESTRO_CACHE_SHARED_DIR and _KEY_FILE. */
  sharedCache?: SharedCacheSettings | null;
  /** The mutexes nodes hold, shared with the engine's other runs; by default the run's own, shared with other processes. */
  mutexes?: MutexRegistry;
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

/** Where the bundled spawn helper is: beside this bundle in `dist/`. Not there when the engine runs from source. */
const SPAWN_HELPER_SCRIPT = join(__dirname, 'spawnHelper.js');

function startSpawnHelpers(
  nodes: number,
  concurrency: number,
  env: Record<string, string>,
  onWarning?: (message: string) => void,
): SpawnHelperPool | undefined {
  const kind = spawnHelperKind({ platform: process.platform, setting: process.env.MAESTRO_SPAWN_HELPER_KIND });
  const count = spawnHelperCount({ nodes, concurrency, kind, setting: process.env.MAESTRO_SPAWN_HELPERS });
  if (count === 0 || !existsSync(SPAWN_HELPER_SCRIPT)) return undefined;
  const fallBack = spawnHelperFallsBack({ concurrency, kind });
  return new SpawnHelperPool({ script: SPAWN_HELPER_SCRIPT, count, kind, fallBack, env, onProblem: onWarning });
}

/**
 * The run's folder and its scratch folder, with the command its nodes read hashFiles() with; a folder that cannot be
 * written is a setup error, not a crash.
 */
function createRunFiles(dir: string, record: RunRecord, append: boolean): { tempDir: string; writer: RunWriter; hashFilesCommand?: string } {
  let tempDir: string | undefined;
  try {
    tempDir = mkdtempSync(join(tmpdir(), 'maestro-run-'));
    return { tempDir, writer: new RunWriter(dir, record, append), hashFilesCommand: writeHashFilesCommand(tempDir) };
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

/** What a run starts (or continues) with, once its workflow is loaded and its id and folder are known. */
interface Launch extends LoadedWorkflow {
  runId: string;
  runsDir: string;
  inputs: Record<string, Scalar>;
  /** A resumed run's inputs its record masked (see maskedInputs). */
  maskedBefore?: readonly string[];
  previous?: SchedulerOptions['previous'];
  /** The events of the run so far, for a resumed run: its digest covers all of it. */
  previousEvents?: readonly EngineEvent[];
  startedAt?: number;
}

function digestBuilder(previous: readonly EngineEvent[] = []): DigestBuilder {
  const builder = new DigestBuilder();
  for (const e of previous) builder.add(e);
  return builder;
}

/** Keeps an ended run's digest for insights; a failure costs only the index, which is rebuilt from the log. */
function keepDigest(runsDir: string, digests: DigestBuilder, onWarning: RunOptions['onWarning']): void {
  const digest = digests.digest();
  if (!digest) return;
  try {
    recordDigest(runsDir, digest);
  } catch (e) {
    onWarning?.(`the run's summary for insights could not be written (${(e as Error).message}); it will be made again from the run's log`);
  }
}

/** Where a run's events and logs go: its files first (and its digest when it ends), then whoever listens. */
function runSink(writer: RunWriter, digests: DigestBuilder, runsDir: string, o: RunOptions): SchedulerOptions['sink'] {
  return {
    event: (e) => {
      writer.event(e);
      digests.add(e);
      if (e.type === 'workflow:completed') {
        writer.update({ status: e.status, endedAt: e.ts });
        keepDigest(runsDir, digests, o.onWarning);
      } else if (e.type === 'workflow:resumed') writer.update({ status: 'running', endedAt: undefined, pid: process.pid });
      o.onEvent?.(e);
    },
    log: (id, line) => writer.log(id, line),
  };
}

function nodeCache(runsDir: string, o: RunOptions): NodeCache & { settled(): Promise<void> } {
  const copies = o.cacheCopiesMaxBytes !== undefined ? { maxBytes: o.cacheCopiesMaxBytes } : copiesMaxBytes(process.env);
  if (copies.problem) o.onWarning?.(copies.problem);
  const options = { reuse: o.reuseResults !== false, copiesMaxBytes: copies.maxBytes, onProblem: o.onWarning };
  const own = new FileNodeCache(join(runsDir, CACHE_FOLDER), { ...options, keys: () => machineKeys() });
  const shared = sharedCacheFor(o.sharedCache, process.env);
  if (shared.problem) o.onWarning?.(shared.problem);
  return (shared.settings && withSharedCache(own, shared.settings, options)) || own;
}

function launch(o: RunOptions, setup: Launch): RunHandle {
  const dir = join(setup.runsDir, setup.runId);
  const masker = new Masker();
  const masked = maskedInputs(setup.workflow.inputs, setup.inputs, setup.maskedBefore);
  for (const value of secretValues(masked, setup.inputs)) masker.add(value);
  const record: RunRecord = {
    runId: setup.runId,
    workflowPath: setup.path,
    workflowName: masker.text(runName(setup.workflow, setup.inputs, setup.runId)),
    workflowHash: setup.hash,
    inputs: keptInputs(masked, setup.inputs),
    maskedInputs: masked,
    startedAt: setup.startedAt ?? Date.now(),
    status: 'running',
    pid: process.pid,
  };
  const { tempDir, writer, hashFilesCommand } = createRunFiles(dir, record, setup.previous !== undefined);
  const concurrency = o.concurrency ?? setup.workflow.concurrency ?? availableParallelism();
  const baseEnv = nodeBaseEnv();
  const ownHelpers = o.runner || o.spawnHelpers ? undefined : startSpawnHelpers(setup.workflow.nodes.length, concurrency, baseEnv, o.onWarning);
  const runner = o.runner ?? new ShellProcessRunner(tempDir, { killGraceMs: o.killGraceMs, helpers: o.spawnHelpers ?? ownHelpers, platform: o.platform });
  const clock = o.clock ?? systemClock;
  const cache = nodeCache(setup.runsDir, o);
  const mutexes = o.mutexes ?? machineMutexes(o.onWarning);
  const context = {
    runId: setup.runId,
    tempDir,
    concurrency,
    baseEnv,
    runner,
    clock,
    cache,
    slots: new SlotPool(concurrency),
    mutexes,
    files: folderFiles,
    hashFilesCommand,
  };
  const scheduler = new Scheduler({
    ...context,
    workflow: setup.workflow,
    workflowPath: setup.path,
    workflowHash: setup.hash,
    inputs: setup.inputs,
    baseDir: dirname(setup.path),
    subWorkflows: subWorkflowRunner(context),
    masker,
    previous: setup.previous,
    sink: runSink(writer, digestBuilder(setup.previousEvents), setup.runsDir, o),
  });
  writer.onLogsWritten = o.onLogsWritten;
  writer.onWriteError = (e) => {
    const reason = `the run's log cannot be written to ${dir} (${e.message}), so the run is stopped; it can be resumed once the folder can be written again`;
    o.onWarning?.(reason);
    // Not from inside the write: that may be the middle of an event.
    setImmediate(() => scheduler.abort(reason));
  };
  scheduler.start();
  // Helpers are for the run's fan-out; a node retried after the run ended is started by the engine itself.
  if (ownHelpers) void scheduler.done.then(() => ownHelpers.close());
  return runHandle({ runId: setup.runId, runsDir: setup.runsDir, dir, scheduler, runner, writer, cache, release: () => ownHelpers?.close(), tempDir });
}

function runHandle(r: {
  runId: string;
  runsDir: string;
  dir: string;
  scheduler: Scheduler;
  runner: ProcessRunner;
  writer: RunWriter;
  cache: NodeCache & { settled(): Promise<void> };
  release: () => void;
  tempDir: string;
}): RunHandle {
  const { scheduler, writer } = r;
  let disposed = false;
  return {
    runId: r.runId,
    runsDir: r.runsDir,
    dir: r.dir,
    scheduler,
    finished: async () => {
      // A retry can re-open an ended run; wait until the run that ended is still ended.
      for (;;) {
        const done = scheduler.done;
        const status = await done;
        if (scheduler.done === done) {
          writer.flushLogs();
          await r.cache.settled();
          return status;
        }
      }
    },
    forceStop: () => r.runner.killAll(),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      r.release();
      writer.close();
      rmSync(r.tempDir, { recursive: true, force: true });
    },
  };
}

/** Reads and validates a workflow to run, with a default shell for this platform. Throws RunSetupError. */
export function loadRunnable(workflowPath: string, platform?: Platform): LoadedWorkflow {
  const loaded = loadWorkflow(workflowPath);
  requireDefaultShell(loaded.workflow, platform);
  return loaded;
}

/** Validates a workflow, resolves its inputs and starts a run. Throws RunSetupError when it cannot start. */
export function startRun(o: RunOptions): RunHandle {
  const loaded = o.loaded ?? loadRunnable(o.workflowPath, o.platform);
  const { values, errors, fromFallback } = resolveInputs(loaded.workflow.inputs, o.inputs ?? {}, o.fallbackInputs);
  if (errors.length) throw new RunSetupError(errors.join('\n'));
  for (const name of fromFallback) o.onFallbackInput?.(name, o.fallbackInputs![name]);
  const runsDir = resolve(o.runsDir ?? runsDirFor(loaded.path));
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
  return launch(o, { ...loaded, runId, runsDir, inputs: values });
}

/**
 * Continues a run from its log: completed nodes keep their outputs and do not run again; every other node runs.
 * This is how a run survives a crash of the engine or of the editor. A run whose engine stopped may have left
 * processes running: they are ended first (and the nodes' logs say so), so that no node runs twice at once.
 */
export async function resumeRunFromLog(
  o: Omit<RunOptions, 'workflowPath' | 'inputs'> & {
    runsDir: string;
    runId: string;
    fromNode?: string;
    actor?: string;
    /**
     * The secret inputs' values, which the run's record does not keep; or a function asked for those the run needs
     * (the ones it had a value for).
     */
    secretInputs?: Record<string, string> | ((missing: InputSpec[]) => Promise<Record<string, string>>);
  },
): Promise<RunHandle> {
  const stored = readRun(o.runsDir, o.runId);
  if (stored.record.status === 'running' && !stored.interrupted)
    throw new RunSetupError(`run ${o.runId} is still running in engine process ${stored.record.pid}`);
  if (stored.recordRebuilt) o.onWarning?.(`${stored.recordRebuilt}: the run's record was rebuilt from its event log`);
  if (stored.skippedLines)
    o.onWarning?.(`${stored.skippedLines} unreadable line${stored.skippedLines === 1 ? '' : 's'} in the event log were skipped (a torn write after a crash)`);
  const state = foldEvents(stored.events);
  const loaded = loadRunnable(stored.record.workflowPath, o.platform);
  const given = typeof o.secretInputs === 'function' ? await o.secretInputs(secretsNotKept(loaded.workflow.inputs, stored.record)) : o.secretInputs;
  const inputs = resumedInputs(loaded.workflow.inputs, stored.record, given ?? {});
  if (inputs.errors.length) throw new RunSetupError(inputs.errors.join('\n'));
  if (loaded.hash !== stored.record.workflowHash) o.onWarning?.(`${stored.record.workflowPath} changed since the run started: nodes run as the file is now`);
  const instances = instancesToKeep(state, loaded.workflow, o.fromNode, loaded.path);
  const notes = await endLeftoversOf(o, stored.interrupted);
  const runAgain = o.fromNode !== undefined ? fromNodeOf(state, loaded.workflow, o.fromNode, loaded.path) : undefined;
  const previous = { instances, lastSeq: state?.lastSeq ?? 0, notes, actor: o.actor, startedAt: stored.record.startedAt, ...(runAgain ? { runAgain } : {}) };
  const handle = launch(
    { ...o, workflowPath: loaded.path },
    {
      ...loaded,
      runId: o.runId,
      runsDir: resolve(o.runsDir),
      inputs: inputs.values,
      maskedBefore: stored.record.maskedInputs,
      previous,
      previousEvents: stored.events,
      startedAt: stored.record.startedAt,
    },
  );
  if (state) handle.resumedFrom = state;
  return handle;
}

/** The secret inputs a run continued from its log needs given again: those its record kept masked (see secretsNotKept). */
export function secretsToResume(o: { runsDir: string; runId: string; platform?: RunOptions['platform'] }): InputSpec[] {
  const stored = readRun(o.runsDir, o.runId);
  return secretsNotKept(loadRunnable(stored.record.workflowPath, o.platform).workflow.inputs, stored.record);
}

/** Ends what an interrupted run left running; returns what each node's log is to say about it. */
async function endLeftoversOf(
  o: Pick<RunOptions, 'killGraceMs' | 'onWarning' | 'platform'> & { runId: string },
  interrupted: boolean,
): Promise<Map<string, string[]>> {
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
