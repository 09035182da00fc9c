import { dirname, resolve } from 'node:path';
import * as vscode from 'vscode';
import { plainText } from '../ui/untrustedText';
import { artifactToOpen } from './artifacts';
import type { EngineEvent } from '../../engine/protocol';
import { readRun } from '../../engine/run/runStore';
import { DAG_PROTOCOL_VERSION, parseWebviewMessage, type DagGraph, type GraphError, type HostMessage, type RunListItem, type WebviewRequest } from '../../webview/protocol';
import { toRange } from '../convert';
import type { WorkflowDocuments } from '../language/documents';
import type { LiveValidation } from '../language/liveValidation';
import { nodeAt } from '../language/workflowIndex';
import { logUri } from '../runs/nodeLogs';
import type { RunEntry, RunManager } from '../runs/runManager';
import { dagGraphOf } from './dagGraph';
import { snapshotOf } from './runSnapshot';
import { dagPanelHtml } from './webviewHtml';

export const DAG_VIEW_TYPE = 'maestro.dag';

export const dagTitle = (workflowName: string): string => `DAG · ${workflowName}`;

export interface DagPanelServices {
  runs: RunManager;
  documents: WorkflowDocuments;
  validation: LiveValidation;
  log: vscode.LogOutputChannel;
  /** The folder of the bundle (`dist/`), the only place the webview may load from. */
  bundle: vscode.Uri;
}

/** Live events go to the webview at most this often, in one message: a busy run costs a few posts a second. */
const EVENT_FLUSH_MS = 16;

/**
 * One workflow's DAG panel: the webview, what it is told (the graph as the text changes, the run it shows, the
 * editor's cursor) and what it asks for. Nothing is posted before the webview says it is ready; each `ready`
 * (a first load, or a reload after the panel was hidden) gets the whole state again, then live events.
 */
export class DagPanel implements vscode.Disposable {
  private ready = false;
  /** The run shown, and whether the panel moves to each new run of the workflow. */
  private shown: string | undefined;
  private follow = true;
  private lastSentSeq = -1;
  private pendingEvents: EngineEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private lastSelected: string | null = null;
  private runsSent = '';
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  /** Fires each time the webview has loaded and been sent its state (for tests, and for reveals that wait on it). */
  readonly onDidBecomeReady = this.readyEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
    private readonly s: DagPanelServices,
  ) {
    panel.iconPath = vscode.Uri.joinPath(s.bundle, '..', 'media', 'workflow.svg');
    panel.webview.options = { enableScripts: true, localResourceRoots: [s.bundle] };
    const webview = panel.webview;
    webview.html = dagPanelHtml({ cspSource: webview.cspSource, asset: (name) => webview.asWebviewUri(vscode.Uri.joinPath(s.bundle, name)).toString() }, panel.title, uri.toString());
    this.disposables.push(
      this.disposed,
      this.readyEmitter,
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down (its state is saved); it says ready again when shown.
        if (!panel.visible) this.ready = false;
      }),
      s.validation.onDidChange((changed) => {
        if (!changed || changed.toString() === uri.toString()) void this.sendGraph();
      }),
      s.runs.onEvent((e) => this.onEngineEvent(e)),
      s.runs.onDidChange(() => this.onRunsChanged()),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e.textEditor)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.post({ type: 'trust', trusted: true })),
    );
  }

  get workflowPath(): string {
    return this.uri.fsPath;
  }

  /** The webview has loaded and been sent its state, and listens. */
  get isReady(): boolean {
    return this.ready;
  }

  /** The run the panel shows. */
  get shownRunId(): string | undefined {
    return this.shown;
  }

  /** Shows a run (or follows the latest with undefined) and brings the panel forward. */
  reveal(runId?: string, preserveFocus = false): void {
    if (runId && runId !== this.shown) {
      this.follow = false;
      this.showRun(runId);
    }
    this.panel.reveal(undefined, preserveFocus);
  }

  /** Posts to a webview that is listening; what would reach no one is dropped: the next `ready` gets it all. */
  private post(m: HostMessage): void {
    if (this.ready) void this.panel.webview.postMessage(m);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if ('error' in parsed) {
      this.s.log.warn(`DAG panel: ${parsed.error}`);
      return;
    }
    const m = parsed.message;
    switch (m.type) {
      case 'ready':
        if (m.protocolVersion !== DAG_PROTOCOL_VERSION) this.s.log.warn(`DAG panel protocol ${m.protocolVersion}, extension ${DAG_PROTOCOL_VERSION}`);
        await this.onReady(m.runId);
        return;
      case 'reveal':
        await this.revealDefinition(m.nodeId);
        return;
      case 'selectRun':
        this.follow = m.runId === null;
        this.showRun(m.runId ?? this.latestRun()?.runId);
        return;
      default:
        await this.answer(m);
    }
  }

  private async onReady(runId: string | null): Promise<void> {
    this.ready = true;
    const { graph, graphError } = await this.currentGraph();
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.uri.toString());
    const selected = editor ? this.nodeAtCursor(editor) : null;
    this.lastSelected = selected;
    const runs = this.runList();
    this.runsSent = JSON.stringify(runs);
    this.post({ type: 'init', workflow: { path: this.uri.toString(), name: graph?.name ?? vscode.workspace.asRelativePath(this.uri) }, ...(graph ? { graph } : {}), ...(graphError ? { graphError } : {}), runs, trusted: vscode.workspace.isTrusted, ...(selected ? { selected } : {}) });
    // A fresh webview asks for nothing in particular: then the run chosen before it loaded (Show DAG on a run) stands.
    const wanted = runId ?? (this.follow ? null : (this.shown ?? null));
    this.follow = wanted === null || !this.s.runs.get(wanted);
    this.showRun(this.follow ? this.latestRun()?.runId : wanted!);
    this.readyEmitter.fire();
  }

  private latestRun(): RunEntry | undefined {
    return this.s.runs.latestFor(this.workflowPath);
  }

  private runList(): RunListItem[] {
    return this.s.runs
      .all()
      .filter((r) => r.workflowPath === this.workflowPath)
      .map((r) => ({ runId: r.runId, status: r.status, startedAt: r.startedAt, ...(r.endedAt !== undefined ? { endedAt: r.endedAt } : {}), live: r.live }));
  }

  /** Sends a run's state so far, read from its event log, then lets its live events through. */
  private showRun(runId: string | undefined): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pendingEvents = [];
    this.shown = runId;
    // A webview that does not listen gets the run from its next `ready`: no need to read the log now.
    if (!this.ready) return;
    const entry = runId ? this.s.runs.get(runId) : undefined;
    if (!runId || !entry) {
      this.lastSentSeq = -1;
      this.post({ type: 'runSnapshot', following: this.follow, events: [], logTails: {} });
      return;
    }
    try {
      const snapshot = snapshotOf(readRun(entry.runsDir, runId).events);
      this.lastSentSeq = snapshot.lastSeq;
      this.post({ type: 'runSnapshot', runId, following: this.follow, events: snapshot.events, logTails: snapshot.logTails });
    } catch (e) {
      this.s.log.warn(`DAG panel: cannot read run ${runId}: ${(e as Error).message}`);
      this.lastSentSeq = -1;
      this.post({ type: 'runSnapshot', following: this.follow, events: [], logTails: {} });
    }
  }

  private onEngineEvent(e: EngineEvent): void {
    if (e.type === 'workflow:started' && e.workflow.path === this.workflowPath && this.follow && e.runId !== this.shown) {
      this.showRun(e.runId);
      return;
    }
    if (e.runId !== this.shown || e.seq <= this.lastSentSeq || !this.ready) return;
    this.lastSentSeq = e.seq;
    this.pendingEvents.push(e);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      const events = this.pendingEvents;
      this.pendingEvents = [];
      if (events.length && this.shown) this.post({ type: 'runEvents', runId: this.shown, events });
    }, EVENT_FLUSH_MS);
  }

  private onRunsChanged(): void {
    if (!this.ready) return;
    const runs = this.runList();
    const text = JSON.stringify(runs);
    if (text !== this.runsSent) {
      this.runsSent = text;
      this.post({ type: 'runs', runs });
    }
    // A run that appeared from elsewhere (the CLI) moves a panel that follows; deleting the run shown makes it follow.
    if (this.shown && !this.s.runs.get(this.shown)) this.follow = true;
    const latest = this.latestRun()?.runId;
    if (this.follow && latest !== this.shown) this.showRun(latest);
  }

  private async document(): Promise<vscode.TextDocument | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.uri.toString());
    if (open) return open;
    try {
      return await vscode.workspace.openTextDocument(this.uri);
    } catch (e) {
      this.s.log.warn(`DAG panel: cannot read ${this.uri.fsPath}: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** The graph of the workflow's current text; when the file cannot be read (deleted, moved), why. */
  private async currentGraph(): Promise<{ graph?: DagGraph; graphError?: GraphError }> {
    const doc = await this.document();
    if (!doc) return { graphError: { message: `${vscode.workspace.asRelativePath(this.uri)} cannot be read: it may have been deleted or moved` } };
    const found = dagGraphOf(this.s.documents.index(doc).result);
    this.panel.title = dagTitle(found.graph.name);
    return found;
  }

  private async sendGraph(): Promise<void> {
    if (!this.ready) return;
    this.post({ type: 'graph', ...(await this.currentGraph()) });
  }

  private nodeAtCursor(editor: vscode.TextEditor): string | null {
    const index = this.s.documents.index(editor.document);
    return nodeAt(index, editor.document.offsetAt(editor.selection.active))?.id ?? null;
  }

  private onSelection(editor: vscode.TextEditor): void {
    if (!this.ready || editor.document.uri.toString() !== this.uri.toString()) return;
    const id = this.nodeAtCursor(editor);
    if (id === this.lastSelected) return;
    this.lastSelected = id;
    this.post({ type: 'select', nodeId: id });
  }

  /** Shows a node's definition in the editor beside the panel, its id selected, without taking focus from the panel. */
  private async revealDefinition(nodeId: string): Promise<void> {
    const doc = await this.document();
    const node = doc && this.s.documents.index(doc).byId.get(nodeId);
    if (!doc || !node) return;
    const range = toRange(doc, node.keySpan);
    this.lastSelected = nodeId;
    const existing = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.uri.toString());
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: existing?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: true, selection: new vscode.Selection(range.start, range.end) });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async answer(m: WebviewRequest & { requestId: number }): Promise<void> {
    try {
      await this.handle(m);
      this.post({ type: 'reply', requestId: m.requestId, ok: true });
    } catch (e) {
      this.post({ type: 'reply', requestId: m.requestId, ok: false, error: (e as Error).message });
    }
  }

  private run(runId: string): RunEntry {
    const entry = this.s.runs.get(runId);
    if (!entry) throw new Error(`run ${runId} is gone: it may have been deleted`);
    return entry;
  }

  private async handle(r: WebviewRequest): Promise<void> {
    switch (r.type) {
      case 'control': {
        const command = { run: 'maestro.run', runWithInputs: 'maestro.runWithInputs', pause: 'maestro.pause', resume: 'maestro.resume', cancel: 'maestro.cancel', retryFailed: 'maestro.retryFailed' }[r.action];
        if (r.action === 'run' || r.action === 'runWithInputs') {
          this.follow = true;
          await vscode.commands.executeCommand(command, this.uri);
        } else {
          if (!r.runId) throw new Error('no run is shown');
          await vscode.commands.executeCommand(command, r.runId);
        }
        return;
      }
      case 'retryNode': {
        const entry = this.run(r.runId);
        const node = this.s.runs.state(entry)?.nodes.get(r.nodeId);
        if (!node) throw new Error(`${r.nodeId} is not a node of run ${r.runId}`);
        await vscode.commands.executeCommand('maestro.retryNode', { kind: 'node', run: entry, node });
        return;
      }
      case 'approve': {
        const entry = this.run(r.runId);
        if (!entry.live) throw new Error('this run is no longer held by this window: it cannot be approved from here');
        await this.s.runs.approve(entry, r.nodeId, r.approved);
        return;
      }
      case 'openLog': {
        const instanceId = await this.pickInstance(this.run(r.runId), r.nodeId);
        if (!instanceId) return;
        const doc = await vscode.workspace.openTextDocument(logUri(r.runId, instanceId));
        const existing = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.uri.toString());
        await vscode.window.showTextDocument(doc, { preview: true, viewColumn: existing?.viewColumn ?? vscode.ViewColumn.One });
        return;
      }
      case 'openArtifact': {
        const entry = this.run(r.runId);
        const instance = this.s.runs.state(entry)?.nodes.get(r.nodeId);
        // Only what the run recorded for the node, and only inside the node's folder or the workspace: the panel
        // asks for what a run record says, and a run record is a file anyone may have written.
        const doc = await this.document();
        const spec = doc && instance ? this.s.documents.index(doc).result.workflow.nodes.find((n) => n.id === instance.info.nodeId) : undefined;
        const nodeFolder = spec?.cwd ? resolve(dirname(entry.workflowPath), spec.cwd) : dirname(entry.workflowPath);
        const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
        const target = artifactToOpen({ recorded: instance?.artifacts ?? [], requested: r.path, nodeFolder, roots });
        if ('error' in target) throw new Error(target.error);
        await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(target.path));
        return;
      }
      case 'copy':
        await vscode.env.clipboard.writeText(r.text);
        return;
    }
  }

  /** The instance of a node to act on: itself, its only instance, or the one the user picks. */
  private async pickInstance(entry: RunEntry, nodeId: string): Promise<string | undefined> {
    const state = this.s.runs.state(entry);
    if (!state) throw new Error(`run ${entry.runId} cannot be read`);
    if (state.nodes.has(nodeId)) return nodeId;
    const instances = state.order.filter((id) => state.nodes.get(id)!.info.nodeId === nodeId);
    if (instances.length === 0) throw new Error(`${nodeId} is not a node of run ${entry.runId}`);
    if (instances.length === 1) return instances[0];
    const picked = await vscode.window.showQuickPick(
      instances.map((id) => ({ label: plainText(id), description: state.nodes.get(id)!.status, id })),
      { title: `Open the log of which instance of ${plainText(nodeId)}?` },
    );
    return picked?.id;
  }

  dispose(): void {
    clearTimeout(this.flushTimer);
    this.disposed.fire();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.panel.dispose();
  }
}
