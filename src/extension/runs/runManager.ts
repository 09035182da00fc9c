import * as vscode from 'vscode';
import type { CompareRow } from '../../engine/insights/compare';
import type { WorkflowInsights } from '../../engine/insights/report';
import type { EngineEvent, LogLine, RunListEntry, RunsRoot, SharedCacheSettings } from '../../engine/protocol';
import { isActiveRun, isRunEvent } from '../../engine/runRules';
import { applyEvent, catchUp, fromSnapshot, type RunState } from '../../engine/runState';
import { sharedCacheFor } from '../../engine/run/io/sharedCacheSource';
import { settingNumber } from '../settingValues';
import { sameWorkflow } from '../workflowIdentity';
import type { EngineConnection, EngineLink } from './engineConnection';
import { HeldStates } from './heldStates';
import { LiveRunMemory } from './liveRunMemory';

/** A run as the window knows it: the engine's entry, and its state once folded (live) or fetched (past). */
export interface RunEntry extends RunListEntry {
  state?: RunState;
}

/** How many runs the window lists at first; more come as they are asked for. */
const FIRST_PAGE = 500;

/** Where runs are kept: the workspace's folders, each with its `maestro.runsDirectory`. */
export function runsRoots(): RunsRoot[] {
  return (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === 'file')
    .map((f) => {
      const setting = vscode.workspace.getConfiguration('maestro', f.uri).get<string>('runsDirectory');
      return { folder: f.uri.fsPath, ...(setting ? { runsDirectory: setting } : {}) };
    });
}

/**
 * The bound of the artifacts' copies, when the user set one (else the engine's environment says, or its default); and
 * the team's shared cache, when the user set its folder and key file (else the engine's environment's).
 */
export function cacheSettings(): { cacheCopiesMb?: number; sharedCache?: SharedCacheSettings } {
  const config = vscode.workspace.getConfiguration('maestro');
  const mb = settingNumber('cache.copiesMaxMb', config.get('cache.copiesMaxMb'));
  const folder = config.get<string>('cache.sharedFolder')?.trim();
  const keyFile = config.get<string>('cache.sharedKeyFile')?.trim();
  const readOnly = config.get<boolean>('cache.sharedReadOnly') === true;
  const sharedCache = folder && keyFile ? { folder, keyFile, ...(readOnly ? { readOnly } : {}) } : undefined;
  return { ...(mb === null ? {} : { cacheCopiesMb: mb }), ...(sharedCache ? { sharedCache } : {}) };
}

/** The team's shared cache the engine's runs use: the one the user's settings name, else the environment's (or why none). */
export function sharedCacheInUse(): { settings?: SharedCacheSettings; problem?: string } {
  return sharedCacheFor(cacheSettings().sharedCache, process.env);
}

/**
 * Every run the window knows of, learned only through the engine: live runs from its events (kept in memory, with
 * their events and log tails for the views), past runs through its requests. Never reads the runs folder itself.
 */
export class RunManager implements vscode.Disposable {
  private readonly runs = new Map<string, RunEntry>();
  /** Insights answers by range and workflow, until runs change. */
  private readonly insightsCache = new Map<string, Promise<WorkflowInsights>>();
  private total = 0;
  private readonly memory = new LiveRunMemory();
  /** The ended runs whose state is kept, the others' being read again when asked for. */
  private readonly held = new HeldStates();
  private readonly changed = new vscode.EventEmitter<RunEntry | undefined>();
  /** Fires (throttled) when runs change; with the run, when only that run changed. */
  readonly onDidChange = this.changed.event;
  private readonly eventsEmitter = new vscode.EventEmitter<EngineEvent>();
  /** Every engine event, after the run's state has taken it in. */
  readonly onEvent = this.eventsEmitter.event;
  private readonly logsEmitter = new vscode.EventEmitter<{ runId: string; nodeId: string; size: number }>();
  /** A node's log file has grown: what was written can be read. */
  readonly onDidAppendLog = this.logsEmitter.event;
  private readonly interruptedEmitter = new vscode.EventEmitter<RunEntry[]>();
  /** Live runs the engine lost when it stopped unexpectedly. */
  readonly onDidInterrupt = this.interruptedEmitter.event;
  private readonly started = new Map<string, (entry: RunEntry) => void>();
  private readonly disposables: vscode.Disposable[] = [this.changed, this.eventsEmitter, this.logsEmitter, this.interruptedEmitter];
  private pendingChange: { all: boolean; runs: Set<RunEntry> } | undefined;
  private changeTimer: NodeJS.Timeout | undefined;
  /** Runs whose state is being read from the engine, and the live events that came meanwhile. */
  private readonly stateReads = new Map<string, { events: EngineEvent[]; done: Promise<RunState | undefined> }>();
  private reloading: Promise<void> | undefined;
  /** Whether the first list of runs has come. */
  loaded = false;
  /** Whether the engine's runs are this window's to prune (`maestro.runs.keep`). */
  private ownsRuns = true;

  constructor(
    private readonly engine: EngineLink,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Listens to an engine: its events, its notices, its going away. */
  attach(engine: EngineConnection): vscode.Disposable {
    this.ownsRuns = engine.ownsRuns;
    return vscode.Disposable.from(
      engine.onEvent((e) => this.onEngineEvent(e)),
      engine.onDidExit(({ expected }) => this.onEngineExit(expected)),
      engine.onNotice((n) => {
        if (n.type === 'runs:changed') void this.reload();
        else this.logsEmitter.fire(n);
      }),
    );
  }

  /** Forgets every run (the window now asks another engine; `reload` lists its runs). */
  reset(): void {
    this.runs.clear();
    this.memory.clear();
    this.held.clear();
    this.insightsCache.clear();
    this.total = 0;
    this.fire();
  }

  /** Asks the engine for the runs again (runs started elsewhere, such as the CLI, appear). */
  reload(): Promise<void> {
    this.reloading ??= this.fetchList().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async fetchList(): Promise<void> {
    let listed: { runs: RunListEntry[]; total: number };
    try {
      listed = await this.engine.request('listRuns', { limit: Math.max(FIRST_PAGE, this.runs.size) });
    } catch (e) {
      this.log.warn(`cannot list runs: ${(e as Error).message}`);
      return;
    }
    const seen = new Set<string>();
    for (const r of listed.runs) {
      seen.add(r.runId);
      const existing = this.runs.get(r.runId);
      // A run this window follows live knows more than a list read a moment ago, unless the engine no longer holds it
      // (a served engine restarted while the window was away).
      if (existing && this.memory.has(r.runId) && existing.live && r.live) continue;
      if (existing && existing.status === r.status && existing.endedAt === r.endedAt && existing.live === r.live) continue;
      this.runs.set(r.runId, { ...r, ...(existing?.state && existing.status === r.status ? { state: existing.state } : {}) });
    }
    for (const [id, e] of this.runs) if (!seen.has(id) && !e.live) this.runs.delete(id);
    this.total = Math.max(listed.total, this.runs.size);
    this.loaded = true;
    this.fire();
  }

  /** How many runs there are in all, listed or not. */
  get totalRuns(): number {
    return this.total;
  }

  all(): RunEntry[] {
    return [...this.runs.values()].sort((a, b) => b.startedAt - a.startedAt);
  }

  get(runId: string): RunEntry | undefined {
    return this.runs.get(runId);
  }

  /** A workflow file's runs, newest first. */
  runsOf(workflow: vscode.Uri | string): RunEntry[] {
    return this.all().filter((r) => sameWorkflow(r.workflowPath, workflow));
  }

  latestFor(workflow: vscode.Uri | string): RunEntry | undefined {
    return this.all().find((r) => sameWorkflow(r.workflowPath, workflow));
  }

  /** The run's state: live runs have it; past runs are asked of the engine once. */
  async loadState(entry: RunEntry): Promise<RunState | undefined> {
    if (entry.state) {
      if (!isActiveRun(entry.status)) this.hold(entry);
      return entry.state;
    }
    const reading = this.stateReads.get(entry.runId);
    if (reading) return reading.done;
    // Live events that come while the state is read cannot be applied to a state not there yet: they are kept, and
    // those the state read lacks are applied to it once it comes.
    const events: EngineEvent[] = [];
    const done = (async () => {
      try {
        const { state } = await this.engine.request('getRun', { runId: entry.runId });
        if (state && !entry.state) entry.state = catchUp(fromSnapshot(state), events);
        if (entry.state && !isActiveRun(entry.state.status)) this.hold(entry);
      } catch (e) {
        this.log.warn(`cannot read run ${entry.runId}: ${(e as Error).message}`);
      } finally {
        this.stateReads.delete(entry.runId);
      }
      return entry.state;
    })();
    this.stateReads.set(entry.runId, { events, done });
    return done;
  }

  /** A run's events so far (log lines aside): from memory for a run followed live, else from the engine, page by page. */
  async eventsOf(runId: string): Promise<EngineEvent[]> {
    const kept = this.memory.events(runId);
    if (kept) return kept;
    const events: EngineEvent[] = [];
    for (let afterSeq = -1; ;) {
      const page = await this.engine.request('getEvents', { runId, afterSeq, limit: 5000 });
      events.push(...page.events);
      if (!page.more || page.events.length === 0) return events;
      afterSeq = page.events[page.events.length - 1].seq;
    }
  }

  /** The last lines of a node's log, from memory, for a run followed live (every line it was sent so far). */
  followedTail(runId: string, nodeId: string, lines: number): LogLine[] | undefined {
    return this.memory.tail(runId, nodeId)?.slice(-lines);
  }

  /** The last lines of a node's log: from memory for a run followed live, else from the engine. */
  async logTail(runId: string, nodeId: string, lines: number): Promise<LogLine[]> {
    const kept = this.followedTail(runId, nodeId, lines);
    if (kept) return kept;
    const chunk = await this.engine.request('readLog', { runId, nodeId, tailLines: lines });
    const text = chunk.text.endsWith('\n') ? chunk.text.slice(0, -1) : chunk.text;
    return text === '' ? [] : text.split('\n').map((t) => ({ stream: 'stdout', text: t, ts: 0 }));
  }

  /**
   * A workflow's figures over its last runs (all when `last` is undefined), from the engine's index of them. Kept
   * until runs change: the forecast asks again as the file is edited, and the figures only move when runs do.
   */
  insights(workflowPath: string, last?: number): Promise<WorkflowInsights> {
    const key = `${last ?? 'all'} ${workflowPath}`;
    let answer = this.insightsCache.get(key);
    if (!answer) {
      answer = this.engine.request('insights', { workflowPath, ...(last !== undefined ? { last } : {}) });
      this.insightsCache.set(key, answer);
      answer.catch(() => this.insightsCache.delete(key));
    }
    return answer;
  }

  async compareRuns(runA: string, runB: string): Promise<CompareRow[]> {
    return (await this.engine.request('compareRuns', { runA, runB })).rows;
  }

  /** Resolves once the engine has sent a run's `workflow:started`, with its entry. */
  whenStarted(runId: string): Promise<RunEntry> {
    const entry = this.runs.get(runId);
    if (entry?.state) return Promise.resolve(entry);
    return new Promise((resolve) => this.started.set(runId, resolve));
  }

  /** Runs that have a node waiting for approval (in a sub-run too: `deploy/approve`), with those nodes. */
  waitingGates(): { entry: RunEntry; nodeId: string; prompt: string }[] {
    const out: { entry: RunEntry; nodeId: string; prompt: string }[] = [];
    for (const entry of this.all()) {
      if (!entry.live || !entry.state) continue;
      for (const n of entry.state.nodes.values()) if (n.status === 'waiting') out.push({ entry, nodeId: n.info.id, prompt: n.prompt ?? '' });
      for (const [nodeId, prompt] of Object.entries(entry.state.nestedGates)) out.push({ entry, nodeId, prompt });
    }
    return out;
  }

  private onEngineEvent(e: EngineEvent): void {
    const received = Date.now();
    let entry = this.runs.get(e.runId);
    if (e.type === 'workflow:started') {
      entry = { runId: e.runId, workflowPath: e.workflow.path, workflowName: e.workflow.name, status: 'running', startedAt: e.ts, live: true };
      this.runs.set(e.runId, entry);
      this.total++;
    }
    if (!entry) {
      this.log.warn(`event for an unknown run ${e.runId}: ${e.type}`);
      return;
    }
    // A run whose state was let go (or never read) runs again: its state is read, the events meanwhile applied to it.
    if (!entry.state && e.type !== 'workflow:started') void this.loadState(entry);
    this.memory.take(e);
    this.stateReads.get(e.runId)?.events.push(e);
    entry.live = true;
    entry.state = applyEvent(entry.state, e);
    if (entry.state) Object.assign(entry, { status: entry.state.status, pausing: entry.state.pausing === true });
    if (e.type === 'workflow:completed') {
      entry.endedAt = e.ts;
      this.hold(entry);
      void this.keepRecentRuns(entry.workflowPath);
    }
    if (e.type === 'workflow:resumed') {
      entry.endedAt = undefined;
      this.held.forget(entry.runId);
    }
    this.eventsEmitter.fire(e);
    if (e.type === 'workflow:started') this.started.get(e.runId)?.(entry);
    this.started.delete(e.runId);
    this.fire(entry, isRunEvent(e));
    if (e.type === 'workflow:completed') this.logEnd(e, entry, received);
  }

  /** An ended run's state was used: it is held, and the states of those used longest ago are let go. */
  private hold(entry: RunEntry): void {
    for (const runId of this.held.use(entry.runId)) {
      const old = this.runs.get(runId);
      if (old && !isActiveRun(old.status) && !this.stateReads.has(runId)) delete old.state;
    }
  }

  /** A run's end, and (with the window's own engine, whose clock is this machine's) how soon it was shown. */
  private logEnd(e: Extract<EngineEvent, { type: 'workflow:completed' }>, entry: RunEntry, received: number): void {
    const when = this.ownsRuns
      ? `: its event came ${Math.max(0, received - e.ts)} ms after the engine sent it, the views were told ${Date.now() - received} ms later`
      : '';
    this.log.info(`run ${e.runId} of ${entry.workflowName} ended ${e.status}${when}`);
  }

  /** With `maestro.runs.keep` set, deletes the workflow's oldest runs beyond it once one has ended. */
  private async keepRecentRuns(workflowPath: string): Promise<void> {
    if (!this.ownsRuns) return;
    const keep = settingNumber('runs.keep', vscode.workspace.getConfiguration('maestro', vscode.Uri.file(workflowPath)).get('runs.keep'));
    if (keep === null) return;
    try {
      const { deleted } = await this.engine.request('pruneRuns', { keep, workflowPath });
      if (deleted.length) await this.reload();
    } catch (e) {
      this.log.warn(`maestro.runs.keep: the oldest runs could not be deleted: ${(e as Error).message}`);
    }
  }

  private onEngineExit(expected: boolean): void {
    const lost: RunEntry[] = [];
    for (const e of this.runs.values()) {
      if (e.live && isActiveRun(e.status)) {
        e.status = 'interrupted';
        lost.push(e);
      }
      e.live = false;
    }
    this.memory.clear();
    if (lost.length && !expected) this.interruptedEmitter.fire(lost);
    this.fire();
  }

  /** Forgets a run that was deleted. */
  forget(runId: string): void {
    this.runs.delete(runId);
    this.memory.drop(runId);
    this.held.forget(runId);
    this.total = Math.max(0, this.total - 1);
    this.fire();
  }

  /**
   * Coalesces change notifications to one per 100 ms, so that bursts of events redraw views once; a run's own
   * change (its start, pause, resume or end: `atOnce`) is told at once, with whatever was waiting.
   */
  private fire(entry?: RunEntry, atOnce = false): void {
    this.insightsCache.clear();
    if (!this.pendingChange) {
      this.pendingChange = { all: false, runs: new Set() };
      this.changeTimer = setTimeout(() => this.flushChange(), 100);
    }
    if (entry) this.pendingChange.runs.add(entry);
    else this.pendingChange.all = true;
    if (atOnce) this.flushChange();
  }

  private flushChange(): void {
    clearTimeout(this.changeTimer);
    const pending = this.pendingChange;
    this.pendingChange = undefined;
    if (!pending) return;
    if (pending.all || pending.runs.size > 1) this.changed.fire(undefined);
    else for (const r of pending.runs) this.changed.fire(r);
  }

  dispose(): void {
    clearTimeout(this.changeTimer);
    for (const d of this.disposables) d.dispose();
  }
}
