import type { EngineEvent, EngineMessage, EngineRequest, EngineRequestType, RequestParams, RequestResult, RunListEntry, RunListStatus } from '../protocol';
import { parseRequest, PROTOCOL_VERSION } from '../protocol';
import { applyEvent, fromSnapshot, toSnapshot, type RunState } from '../runState';
import type { MutexRegistry } from '../run/core/mutexes';
import { machineMutexes } from '../run/io/mutexLocks';
import { resumeRunFromLog, RunSetupError, secretsToResume, startRun, type RunHandle, type RunOptions } from '../run/engine';
import { deleteRun } from '../run/io/runStore';
import { runsDirFor } from '../run/io/runsLocation';
import { isActiveRun, isEndedRun } from '../runRules';
import { RunCatalog } from './runCatalog';
import { compareStoredRuns, workflowInsights } from './runInsights';
import { forgetResults } from '../run/io/cacheForget';
import { forgetSharedResults } from '../run/io/sharedCache';
import { sharedCacheFor } from '../run/io/sharedCacheSource';
import { pruneRuns } from '../run/io/runPrune';
import { RunsWatcher } from './runsWatcher';

/** A run this engine holds: its handle, and where it is kept. */
interface LiveRun {
  handle: RunHandle;
  runsDir: string;
}

type Handlers = { [K in EngineRequestType]: (p: RequestParams<K>) => Promise<RequestResult<K>> };

/**
 * How many ended runs the engine goes on holding, the last to end: a retry of one continues it where it is; an older
 * one is read from its log like any other, and a retry resumes it from there. Without a bound a long-lived engine
 * (`maestro-dag serve`, a window open for days) would keep every run's state and scratch folder until it stops.
 */
export const ENDED_RUNS_HELD = 16;

/**
 * The engine as a service: takes requests, answers each with its result, and sends run events and notices. It
 * holds the runs it started or resumed; everything else about runs it reads from the runs folders, for any host.
 * Transport-free: `handleLine` takes one line of input, `send` puts out one message.
 */
export class EngineService {
  private readonly live = new Map<string, LiveRun>();
  /** The state of each run this engine has sent events of, folded from them (from its log first, for a resumed run). */
  private readonly states = new Map<string, RunState>();
  /** The held runs that have ended, in the order they ended. */
  private readonly ended = new Set<string>();
  /** The bound of the artifacts' copies and the shared cache `configure` gave, for the runs started or resumed here. */
  private copies: Pick<RunOptions, 'cacheCopiesMaxBytes' | 'sharedCache'> = {};
  private readonly catalog = new RunCatalog();
  /** One set of mutexes for every run of this engine and the other processes': two runs that start a service on one port take turns. */
  private readonly mutexes: MutexRegistry;
  private readonly watcher: RunsWatcher;

  constructor(
    private readonly send: (m: EngineMessage) => void,
    private readonly overrides: Pick<RunOptions, 'runner' | 'clock' | 'onWarning' | 'mutexes'> = {},
  ) {
    this.mutexes = overrides.mutexes ?? machineMutexes(overrides.onWarning);
    this.watcher = new RunsWatcher(() => this.send({ type: 'runs:changed' }));
  }

  ready(pid: number): void {
    this.send({ type: 'engine:ready', protocolVersion: PROTOCOL_VERSION, pid });
  }

  /** Handles one line from the host. Never throws: whatever goes wrong becomes a reply or an engine:error. */
  async handleLine(line: string): Promise<'continue' | 'shutdown'> {
    if (line.trim() === '') return 'continue';
    const parsed = parseRequest(line);
    if ('error' in parsed) {
      if (parsed.requestId !== undefined) this.send({ type: 'engine:reply', requestId: parsed.requestId, ok: false, error: parsed.error });
      else this.send({ type: 'engine:error', message: parsed.error });
      return 'continue';
    }
    const request = parsed.request;
    try {
      const result = await this.handle(request);
      this.send({ type: 'engine:reply', requestId: request.requestId, ok: true, result });
    } catch (e) {
      const message = e instanceof RunSetupError ? e.withFirstProblem() : (e as Error).message;
      this.send({ type: 'engine:reply', requestId: request.requestId, ok: false, error: message });
    }
    return request.type === 'shutdown' ? 'shutdown' : 'continue';
  }

  private handle(request: EngineRequest): Promise<RequestResult<EngineRequestType>> {
    const { type, requestId: _, ...params } = request;
    return (this.handlers[type] as (p: typeof params) => Promise<RequestResult<EngineRequestType>>)(params);
  }

  private readonly handlers: Handlers = {
    configure: async ({ roots, cacheCopiesMb, sharedCache }) => {
      this.catalog.configure(roots);
      this.copies = {
        ...(cacheCopiesMb === undefined ? {} : { cacheCopiesMaxBytes: cacheCopiesMb * 1024 * 1024 }),
        ...(sharedCache === undefined ? {} : { sharedCache }),
      };
      this.watcher.watchFolders(this.catalog.runsDirs);
      return {};
    },
    start: async (p) => {
      const runsDir = runsDirFor(p.workflowPath, this.catalog.rootsConfigured);
      const handle = startRun({
        ...p,
        runsDir,
        onEvent: (e) => this.onEvent(e),
        onLogsWritten: (sizes) => this.onLogsWritten(handle.runId, sizes),
        mutexes: this.mutexes,
        ...this.copies,
        ...this.overrides,
      });
      this.hold(handle, runsDir);
      return { runId: handle.runId };
    },
    pause: async ({ runId, actor }) => (this.held(runId).scheduler.pause(actor), {}),
    resume: async (p) => this.resume(p),
    resumeSecrets: async ({ runId }) => {
      const run = this.live.get(runId);
      if (run && !run.handle.scheduler.isFinished) return { inputs: [] };
      return { inputs: secretsToResume({ runsDir: run?.runsDir ?? this.catalog.runsDirOfRun(runId), runId }) };
    },
    cancel: async ({ runId, actor }) => (this.held(runId).scheduler.cancel(actor), {}),
    retryNode: async ({ runId, nodeId, actor }) => {
      if (!this.live.has(runId)) return this.resume({ runId, fromNode: nodeId, actor });
      this.held(runId).scheduler.retryNode(nodeId, actor);
      return {};
    },
    approve: async ({ runId, nodeId, approved, comment, actor }) => (this.held(runId).scheduler.approve(nodeId, approved, comment, actor), {}),
    listRuns: async (p) => {
      const listed = this.catalog.list(p, (runId) => this.liveEntry(runId));
      this.watchOthers(listed.runs);
      return listed;
    },
    getRun: async ({ runId }) => {
      const live = this.liveEntry(runId);
      const state = this.states.get(runId);
      return live && state ? { run: live, state: toSnapshot(state) } : this.catalog.get(runId);
    },
    getEvents: async ({ runId, afterSeq, limit }) => this.catalog.events(runId, afterSeq, limit),
    readLog: async ({ runId, nodeId, ...o }) => this.catalog.log(runId, nodeId, o),
    deleteRun: async ({ runId }) => {
      const entry = this.liveEntry(runId);
      if (entry && isActiveRun(entry.status)) throw new Error(`run ${runId} is ${entry.status}: cancel it before deleting it`);
      this.live.get(runId)?.handle.dispose();
      this.live.delete(runId);
      this.states.delete(runId);
      deleteRun(this.catalog.runsDirOfRun(runId), runId);
      return {};
    },
    insights: async ({ workflowPath, last }) => workflowInsights(runsDirFor(workflowPath, this.catalog.rootsConfigured), workflowPath, last),
    compareRuns: async ({ runA, runB }) => ({
      rows: compareStoredRuns({ runsDir: this.catalog.runsDirOfRun(runA), runId: runA }, { runsDir: this.catalog.runsDirOfRun(runB), runId: runB }),
    }),
    pruneRuns: async (p) => {
      if (p.keep === undefined && p.olderThan === undefined) throw new Error('pruneRuns needs keep or olderThan: without them it would delete nothing');
      const dirs = p.workflowPath !== undefined ? [runsDirFor(p.workflowPath, this.catalog.rootsConfigured)] : this.catalog.runsDirs;
      return { deleted: dirs.flatMap((dir) => pruneRuns(dir, p, (runId) => isActiveRun(this.liveEntry(runId)?.status ?? 'completed'))) };
    },
    forgetResults: async ({ shared, ...p }) => {
      if (shared) return { removed: await this.forgetShared(p) };
      const dirs = p.workflowPath !== undefined ? [runsDirFor(p.workflowPath, this.catalog.rootsConfigured)] : this.catalog.runsDirs;
      let removed = 0;
      for (const dir of dirs) removed += await forgetResults(dir, p);
      return { removed };
    },
    listMutexes: async () => {
      const folder = this.mutexes.folder();
      return { mutexes: this.mutexes.list(), ...(folder ? { folder } : {}) };
    },
    releaseMutex: async ({ mutex }) => ({ released: this.mutexes.release(mutex) }),
    shutdown: async () => {
      await this.stopAll();
      return {};
    },
  };

  /** Forgets results in the team's shared cache that runs started here use. */
  private async forgetShared(p: { workflowPath?: string; olderThan?: number }): Promise<number> {
    const { settings, problem } = sharedCacheFor(this.copies.sharedCache, process.env);
    if (!settings)
      throw new Error(problem ?? 'no shared cache is set: its folder and key file are set by maestro.cache.sharedFolder and maestro.cache.sharedKeyFile');
    return forgetSharedResults(settings.folder, p);
  }

  private async resume(p: RequestParams<'resume'>): Promise<Record<string, never>> {
    const run = this.live.get(p.runId);
    if (run && !run.handle.scheduler.isFinished && p.fromNode === undefined) {
      run.handle.scheduler.resume(p.actor);
      return {};
    }
    if (run && !run.handle.scheduler.isFinished) throw new Error(`run '${p.runId}' is still going: cancel it before running from a node`);
    const runsDir = run?.runsDir ?? this.catalog.runsDirOfRun(p.runId);
    // The ended run's handle closes its log; until the resumed one holds the run, its log on disk tells it.
    run?.handle.dispose();
    this.live.delete(p.runId);
    // The events the resumed run sends are folded onto the state its log left.
    if (!this.states.has(p.runId)) {
      const stored = this.catalog.get(p.runId).state;
      if (stored) this.states.set(p.runId, fromSnapshot(stored));
    }
    const handle = await resumeRunFromLog({
      runsDir,
      runId: p.runId,
      fromNode: p.fromNode,
      killGraceMs: p.killGraceMs,
      secretInputs: p.secretInputs,
      actor: p.actor,
      onEvent: (e) => this.onEvent(e),
      onLogsWritten: (sizes) => this.onLogsWritten(p.runId, sizes),
      mutexes: this.mutexes,
      ...this.copies,
      ...this.overrides,
    });
    this.hold(handle, runsDir);
    return {};
  }

  private hold(handle: RunHandle, runsDir: string): void {
    this.live.set(handle.runId, { handle, runsDir });
    this.catalog.remember(handle.runId, runsDir);
    this.watcher.watchFolders(this.catalog.runsDirs);
  }

  private held(runId: string): RunHandle {
    const run = this.live.get(runId);
    if (run) return run.handle;
    if (this.endedInLog(runId)) throw new Error(`run '${runId}' has ended`);
    throw new Error(`run '${runId}' is not held by this engine: resume it to continue it from its log`);
  }

  private endedInLog(runId: string): boolean {
    try {
      return isEndedRun(this.catalog.get(runId).run.status);
    } catch {
      return false;
    }
  }

  private liveEntry(runId: string): RunListEntry | undefined {
    const s = this.states.get(runId);
    if (!this.live.has(runId) || !s) return undefined;
    return {
      runId,
      workflowPath: s.workflowPath,
      workflowName: s.workflowName,
      status: s.status satisfies RunListStatus,
      ...(s.pausing ? { pausing: true } : {}),
      startedAt: s.startedAt,
      ...(s.endedAt !== undefined ? { endedAt: s.endedAt } : {}),
      live: true,
    };
  }

  private onEvent(e: EngineEvent): void {
    const state = applyEvent(this.states.get(e.runId), e);
    if (state) this.states.set(e.runId, state);
    this.send(e);
    if (e.type === 'workflow:completed') this.heldEnded(e.runId);
  }

  /** Notes that a held run has ended (again, after a retry), and lets go of the oldest ended runs past the bound. */
  private heldEnded(runId: string): void {
    // Only a run this engine holds is let go of.
    if (!this.live.has(runId)) return;
    this.ended.delete(runId);
    this.ended.add(runId);
    for (const oldest of this.ended) {
      if (this.ended.size <= ENDED_RUNS_HELD) break;
      this.ended.delete(oldest);
      const run = this.live.get(oldest);
      if (run) void this.letGo(oldest, run);
    }
  }

  /** Lets go of an ended run once its log and kept results are written, unless a retry has opened it again. */
  private async letGo(runId: string, run: LiveRun): Promise<void> {
    await run.handle.finished().catch(() => undefined);
    if (this.live.get(runId) !== run || !run.handle.scheduler.isFinished) return;
    this.live.delete(runId);
    this.states.delete(runId);
    run.handle.dispose();
  }

  private onLogsWritten(runId: string, sizes: ReadonlyMap<string, number>): void {
    for (const [nodeId, size] of sizes) this.send({ type: 'log:appended', runId, nodeId, size });
  }

  /** Runs other processes are running: their folders are watched for them to end. */
  private watchOthers(runs: readonly RunListEntry[]): void {
    this.watcher.watchRuns(runs.filter((r) => !r.live && isActiveRun(r.status)).map((r) => ({ runsDir: this.catalog.runsDirOfRun(r.runId), runId: r.runId })));
  }

  /**
   * Stops every run still going where it stands and waits for its processes to end: the host is going away (a
   * window reload, or the editor closing). The runs stay open in their logs, so that they show as interrupted
   * and *Resume* continues them. One that fails to stop (its log cannot be closed) does not keep the others going.
   */
  async stopAll(): Promise<void> {
    this.watcher.dispose();
    const runs = [...this.live.values()];
    this.live.clear();
    const stopped = await Promise.allSettled(
      runs.map(async (r) => {
        await r.handle.scheduler.halt('the editor window closed while the run was going');
        r.handle.dispose();
      }),
    );
    const failed = stopped.flatMap((s) => (s.status === 'rejected' ? [(s.reason as Error).message] : []));
    if (failed.length > 0) throw new Error(`stopping the runs: ${failed.join('; ')}`);
  }
}
