import { dirname, isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { EngineEvent, NodeStatus } from '../../engine/protocol';
import { deleteRun, listRuns, readRun } from '../../engine/run/runStore';
import { applyEvent, foldEvents, type RunState } from '../../engine/runState';
import type { EngineClient } from './engineClient';
import { isInWorkspace } from './startedRuns';

export type RunDisplayStatus = RunState['status'] | 'interrupted';

export interface RunEntry {
  runId: string;
  runsDir: string;
  workflowPath: string;
  workflowName: string;
  status: RunDisplayStatus;
  startedAt: number;
  endedAt?: number;
  /** Held by this window's engine: it can be paused, cancelled, approved. */
  live: boolean;
  /** Folded from events: kept current for live runs, read on demand for past ones. */
  state?: RunState;
}

/** Where runs of a workflow file are kept: the setting, relative to the file's workspace folder. */
export function runsDirFor(workflow: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(workflow);
  const setting = vscode.workspace.getConfiguration('maestro', workflow).get<string>('runsDirectory', '.maestro/runs') || '.maestro/runs';
  if (isAbsolute(setting)) return setting;
  return join(folder ? folder.uri.fsPath : dirname(workflow.fsPath), setting);
}

/** Every run the window knows of: live ones from engine events, past ones from the runs folders. */
export class RunManager implements vscode.Disposable {
  private readonly runs = new Map<string, RunEntry>();
  private readonly changed = new vscode.EventEmitter<RunEntry | undefined>();
  /** Fires (throttled) when runs change; with the run, when only that run changed. */
  readonly onDidChange = this.changed.event;
  private readonly eventsEmitter = new vscode.EventEmitter<EngineEvent>();
  /** Every engine event, after the run's state has taken it in. */
  readonly onEvent = this.eventsEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changed, this.eventsEmitter];
  private pendingChange: { all: boolean; runs: Set<RunEntry> } | undefined;
  private readonly interruptedEmitter = new vscode.EventEmitter<RunEntry[]>();
  /** Live runs the engine lost when it stopped unexpectedly. */
  readonly onDidInterrupt = this.interruptedEmitter.event;

  constructor(
    private readonly engine: EngineClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.interruptedEmitter,
      engine.onEvent((e) => this.onEngineEvent(e)),
      engine.onDidExit(({ expected }) => this.onEngineExit(expected)),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/.maestro/runs/*/run.json');
    let timer: NodeJS.Timeout | undefined;
    const reload = () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.reload(), 300);
    };
    this.disposables.push(watcher, watcher.onDidCreate(reload), watcher.onDidChange(reload), watcher.onDidDelete(reload), { dispose: () => clearTimeout(timer) });
    this.reload();
  }

  /** Reads the runs folders of the workspace again (runs started elsewhere, such as the CLI, appear). */
  reload(): void {
    const dirs = new Set<string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) dirs.add(runsDirFor(vscode.Uri.joinPath(folder.uri, 'x.workflow.yaml')));
    for (const e of this.runs.values()) dirs.add(e.runsDir);
    const seen = new Set<string>();
    for (const runsDir of dirs) {
      for (const r of listRuns(runsDir)) {
        seen.add(r.runId);
        const existing = this.runs.get(r.runId);
        if (existing?.live) continue;
        const status: RunDisplayStatus = r.interrupted ? 'interrupted' : r.status;
        if (existing && existing.status === status && existing.endedAt === r.endedAt) continue;
        this.runs.set(r.runId, { runId: r.runId, runsDir, workflowPath: r.workflowPath, workflowName: r.workflowName, status, startedAt: r.startedAt, endedAt: r.endedAt, live: false });
      }
    }
    for (const [id, e] of this.runs) if (!e.live && !seen.has(id)) this.runs.delete(id);
    this.fire();
  }

  all(): RunEntry[] {
    return [...this.runs.values()].sort((a, b) => b.startedAt - a.startedAt);
  }

  get(runId: string): RunEntry | undefined {
    return this.runs.get(runId);
  }

  /** The run's folded state, read from its log on first use for past runs. */
  state(entry: RunEntry): RunState | undefined {
    if (!entry.state) {
      try {
        entry.state = foldEvents(readRun(entry.runsDir, entry.runId).events);
      } catch (e) {
        this.log.warn(`cannot read run ${entry.runId}: ${(e as Error).message}`);
      }
    }
    return entry.state;
  }

  latestFor(workflowPath: string): RunEntry | undefined {
    return this.all().find((r) => r.workflowPath === workflowPath);
  }

  async start(workflow: vscode.Uri, inputs: Record<string, string>): Promise<RunEntry> {
    const runsDir = runsDirFor(workflow);
    const config = vscode.workspace.getConfiguration('maestro', workflow);
    const concurrency = config.get<number | null>('maxConcurrency') ?? undefined;
    const killGraceMs = Math.max(0, config.get<number>('killGracePeriod', 5)) * 1000;
    const runId = await this.engine.request({ type: 'start', workflowPath: workflow.fsPath, inputs, runsDir, ...(concurrency ? { concurrency } : {}), killGraceMs });
    const entry = runId ? this.runs.get(runId) : undefined;
    if (!entry) throw new Error('the engine started the run but sent no events for it');
    return entry;
  }

  async pause(entry: RunEntry): Promise<void> {
    await this.engine.request({ type: 'pause', runId: entry.runId });
  }

  /** Resumes a paused run, or continues an ended or interrupted one from its log (optionally from one node). */
  async resume(entry: RunEntry, fromNode?: string): Promise<void> {
    // The run record names the workflow to run: a record written by someone else may name any file.
    if (!isInWorkspace(entry.workflowPath)) throw new Error(`run ${entry.runId} is of ${entry.workflowPath}, which is outside this workspace: it is not resumed from here`);
    entry.state = this.state(entry);
    entry.live = true;
    const killGraceMs = Math.max(0, vscode.workspace.getConfiguration('maestro', vscode.Uri.file(entry.workflowPath)).get<number>('killGracePeriod', 5)) * 1000;
    await this.engine.request({ type: 'resume', runId: entry.runId, runsDir: entry.runsDir, killGraceMs, ...(fromNode ? { fromNode } : {}) }).catch((e: unknown) => {
      if (entry.status !== 'running' && entry.status !== 'paused') entry.live = false;
      throw e;
    });
  }

  async cancel(entry: RunEntry): Promise<void> {
    await this.engine.request({ type: 'cancel', runId: entry.runId });
  }

  async retryNode(entry: RunEntry, nodeId: string): Promise<void> {
    if (!entry.live) {
      await this.resume(entry, nodeId);
      return;
    }
    await this.engine.request({ type: 'retryNode', runId: entry.runId, nodeId });
  }

  async approve(entry: RunEntry, nodeId: string, approved: boolean, comment?: string): Promise<void> {
    await this.engine.request({ type: 'approve', runId: entry.runId, nodeId, approved, ...(comment ? { comment } : {}) });
  }

  delete(entry: RunEntry): void {
    if (entry.live && (entry.status === 'running' || entry.status === 'paused')) throw new Error('cancel the run before deleting it');
    deleteRun(entry.runsDir, entry.runId);
    this.runs.delete(entry.runId);
    this.fire();
  }

  /** Runs that have a node waiting for approval, with those nodes. */
  waitingGates(): { entry: RunEntry; nodeId: string; prompt: string }[] {
    const out: { entry: RunEntry; nodeId: string; prompt: string }[] = [];
    for (const entry of this.all()) {
      if (!entry.live || !entry.state) continue;
      for (const n of entry.state.nodes.values()) if (n.status === 'waiting') out.push({ entry, nodeId: n.info.id, prompt: n.prompt ?? '' });
    }
    return out;
  }

  nodesWith(entry: RunEntry, statuses: readonly NodeStatus[]): string[] {
    const state = this.state(entry);
    return state ? state.order.filter((id) => statuses.includes(state.nodes.get(id)!.status)) : [];
  }

  private onEngineEvent(e: EngineEvent): void {
    let entry = this.runs.get(e.runId);
    if (e.type === 'workflow:started') {
      entry = {
        runId: e.runId,
        runsDir: entry?.runsDir ?? runsDirFor(vscode.Uri.file(e.workflow.path)),
        workflowPath: e.workflow.path,
        workflowName: e.workflow.name,
        status: 'running',
        startedAt: e.ts,
        live: true,
      };
      this.runs.set(e.runId, entry);
    }
    if (!entry) {
      this.log.warn(`event for an unknown run ${e.runId}: ${e.type}`);
      return;
    }
    entry.live = true;
    if (!entry.state && e.type !== 'workflow:started') entry.state = this.state(entry);
    entry.state = applyEvent(entry.state, e);
    if (entry.state) entry.status = entry.state.status;
    if (e.type === 'workflow:completed') entry.endedAt = e.ts;
    if (e.type === 'workflow:resumed') entry.endedAt = undefined;
    this.eventsEmitter.fire(e);
    this.fire(entry);
  }

  private onEngineExit(expected: boolean): void {
    const lost: RunEntry[] = [];
    for (const e of this.runs.values()) {
      if (e.live && (e.status === 'running' || e.status === 'paused')) {
        e.status = 'interrupted';
        lost.push(e);
      }
      e.live = false;
    }
    if (lost.length && !expected) this.interruptedEmitter.fire(lost);
    this.fire();
  }

  /** Coalesces change notifications to one per 100 ms, so that bursts of events redraw views once. */
  private fire(entry?: RunEntry): void {
    if (!this.pendingChange) {
      this.pendingChange = { all: false, runs: new Set() };
      setTimeout(() => {
        const pending = this.pendingChange!;
        this.pendingChange = undefined;
        if (pending.all || pending.runs.size > 1) this.changed.fire(undefined);
        else for (const r of pending.runs) this.changed.fire(r);
      }, 100);
    }
    if (entry) this.pendingChange.runs.add(entry);
    else this.pendingChange.all = true;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
