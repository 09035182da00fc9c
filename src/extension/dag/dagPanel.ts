import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import {
  DAG_PROTOCOL_VERSION,
  parseWebviewMessage,
  type DagGraph,
  type FirstState,
  type GraphError,
  type HostMessage,
  type RunListItem,
  type WebviewRequest,
  type WebviewRequestType,
  type WebviewResult,
} from '../../webview/protocol';
import type { WorkflowDocuments } from '../language/documents';
import type { LiveValidation } from '../language/liveValidation';
import type { InputPrompts } from '../commands/inputPrompts';
import type { RunActions } from '../runs/runActions';
import type { RunEntry, RunManager } from '../runs/runManager';
import { settingNumber } from '../settingValues';
import { sameWorkflow } from '../workflowIdentity';
import { liveEventsEveryMs } from '../../webview/state/bigGraph';
import { graphMessage, pageGraphOf, type PageGraph } from '../../webview/graphPatch';
import { dagGraphOf } from '../../engine/dagGraph';
import { CursorSelection } from './cursorSelection';
import { answer, type PanelContext } from './panelRequests';
import type { KeptLayouts } from './keptLayouts';
import type { MovedPanels } from './movedPanels';
import { ShownRun } from './shownRun';
import { bundleReader, dagPanelHtml } from './webviewHtml';
import { WorkflowEditing, type EditHighlight } from './workflowEditing';
import { editorColumnOf, openDocument, readDocument, revealDefinition, workflowGraph, type FileGraphs } from './workflowDocument';

type InitMessage = Extract<HostMessage, { type: 'init' }>;

export const dagTitle = (workflowName: string, locked = false): string => `DAG · ${workflowName}${locked ? ' (locked)' : ''}`;

export interface DagPanelServices {
  runs: RunManager;
  actions: RunActions;
  prompts: InputPrompts;
  documents: WorkflowDocuments;
  validation: LiveValidation;
  log: vscode.LogOutputChannel;
  /** The folder of the bundle (`dist/`), the only place the webview may load from. */
  bundle: vscode.Uri;
  highlight: EditHighlight;
  layouts: KeptLayouts;
  moves: MovedPanels;
  /** The graphs of workflow files nobody has open. */
  files: FileGraphs;
}

/**
 * A DAG panel: the webview, what it is told of its workflow (the graph as the text changes, the run it shows, the
 * editor's cursor) and what it asks for. Nothing is posted before the webview says it is ready; each `ready`
 * (a first load, or a reload after the panel was hidden) gets the whole state again, then live events. Unless it is
 * locked, the panel moves to another workflow when asked (see DagPanels), its page told the new one's whole state.
 */
export class DagPanel implements vscode.Disposable {
  private ready = false;
  /** Whether the panel moves to each new run of the workflow. */
  private follow = true;
  private readonly shown: ShownRun;
  private readonly cursor: CursorSelection;
  private runsSent = '';
  /** The graph the page has (the last sent or written with) and the error it shows; its size. */
  private sent: PageGraph = {};
  private nodeCount = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  /** Fires each time the webview has loaded and been sent its state (for tests, and for reveals that wait on it). */
  readonly onDidBecomeReady = this.readyEmitter.event;
  private context: PanelContext;
  private current: vscode.Uri;
  private isLocked = false;
  /** The first state written into the page, until the page's first `ready`; the document version of its graph. */
  private firstState: { id: string; version: number } | undefined;

  /** The panel's id, in its page's saved state: where it moved while hidden is kept by it. */
  readonly id: string;

  /** The builder's actions on this panel's workflow. */
  get editing(): WorkflowEditing {
    return this.context.editing;
  }

  constructor(
    readonly panel: vscode.WebviewPanel,
    uri: vscode.Uri,
    private readonly s: DagPanelServices,
    options: { locked?: boolean; id?: string } = {},
  ) {
    this.id = options.id ?? randomUUID();
    this.current = uri;
    this.isLocked = options.locked ?? false;
    this.cursor = new CursorSelection((editor) => s.documents.nodeAt(editor.document, editor.selection.active) ?? null);
    panel.iconPath = vscode.Uri.joinPath(s.bundle, '..', 'media', 'workflow.svg');
    panel.webview.options = { enableScripts: true, localResourceRoots: [s.bundle] };
    this.shown = new ShownRun(
      s.runs,
      (m) => this.post(m),
      (problem) => s.log.warn(`DAG panel: ${problem}`),
      () => liveEventsEveryMs(this.nodeCount),
    );
    this.context = this.contextOf(uri);
    const webview = panel.webview;
    const firstState = this.pageFirstState();
    webview.html = dagPanelHtml(
      {
        cspSource: webview.cspSource,
        asset: (name) => webview.asWebviewUri(vscode.Uri.joinPath(s.bundle, name)).toString(),
        read: bundleReader(s.bundle.scheme === 'file' ? s.bundle.fsPath : undefined),
      },
      panel.title,
      uri.toString(),
      { panelId: this.id, ...(firstState ? { firstState } : {}) },
    );
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
        if (!changed || changed.toString() === this.current.toString()) void this.sendGraph();
      }),
      s.runs.onEvent((e) => {
        if (e.type === 'workflow:started' && sameWorkflow(e.workflow.path, this.uri) && this.follow && e.runId !== this.shown.runId) this.showRun(e.runId);
        else if (this.ready) this.shown.take(e);
      }),
      s.runs.onDidChange(() => this.onRunsChanged()),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e.textEditor)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.post({ type: 'trust', trusted: true })),
    );
  }

  /** The workflow the panel shows. */
  get uri(): vscode.Uri {
    return this.current;
  }

  /** Whether the panel stays with its workflow. */
  get locked(): boolean {
    return this.isLocked;
  }
  /** The webview has loaded and been sent its state, and listens. */
  get isReady(): boolean {
    return this.ready;
  }

  /** The run the panel shows. */
  get shownRunId(): string | undefined {
    return this.shown.runId;
  }

  /** Shows a run (or follows the latest with undefined) and brings the panel forward. */
  reveal(runId?: string, preserveFocus = false): void {
    if (runId && runId !== this.shown.runId) {
      this.follow = false;
      this.showRun(runId);
    }
    this.panel.reveal(undefined, preserveFocus);
  }

  /** Locks the panel to its workflow, or lets it move; a reload of the window restores it as it is. */
  setLocked(locked: boolean): void {
    if (locked === this.isLocked) return;
    this.isLocked = locked;
    this.panel.title = dagTitle(this.workflowName(), locked);
    this.post({ type: 'lock', locked });
  }

  /**
   * Moves the panel to another workflow: it follows that workflow's runs from its latest, and a page that listens
   * is sent the new workflow's whole state (one that does not gets it on its next `ready`).
   */
  async retarget(uri: vscode.Uri): Promise<void> {
    if (uri.toString() === this.current.toString()) return;
    this.current = uri;
    this.context = this.contextOf(uri);
    this.firstState = undefined;
    this.follow = true;
    // A page that listens is titled with the graph it is sent (see graphOf): until then it draws the last workflow's.
    if (!this.ready) this.panel.title = dagTitle(this.workflowName(), this.isLocked);
    if (this.ready) {
      const asked = performance.now();
      await this.onReady(null, undefined);
      // The extension's part of moving a panel; the bench tells it from VS Code's and the page's by this line's time.
      this.s.log.info(`DAG panel moved to ${vscode.workspace.asRelativePath(uri)}: its graph sent in ${Math.round(performance.now() - asked)} ms`);
    } else {
      this.shown.choose(this.latestRun()?.runId);
      void this.s.moves.moved(this.id, uri.toString());
    }
  }

  private contextOf(uri: vscode.Uri): PanelContext {
    return {
      uri,
      editing: new WorkflowEditing(
        uri,
        this.s.documents,
        this.s.highlight,
        () => editorColumnOf(this.current),
        (from, to) => this.s.prompts.followRename(uri, from, to),
      ),
      focusPanel: () => this.panel.reveal(undefined, false),
      runs: this.s.runs,
      actions: this.s.actions,
      prompts: this.s.prompts,
      documents: this.s.documents,
      follow: () => (this.follow = true),
      editorColumn: () => editorColumnOf(this.current),
      liveLinesSent: (runId, instanceId) => (this.shown.runId === runId ? this.shown.linesSent(instanceId) : undefined),
    };
  }

  /** The workflow's name, from its open document (its path where it is not open). */
  private workflowName(): string {
    const doc = this.openDocument();
    return doc ? this.s.documents.index(doc).result.workflow.name : vscode.workspace.asRelativePath(this.current);
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
        await this.onReady(m.runId, m.shows);
        return;
      case 'reveal': {
        // Its definition in the editor beside the panel, the panel keeping the focus.
        this.cursor.revealing(m.nodeId);
        const doc = await readDocument(this.current, this.s.log);
        if (doc) await revealDefinition(doc, this.s.documents, m.nodeId);
        return;
      }
      case 'keepLayout':
        // A layout the page made of the workflow it showed before it moved to this one is not kept for this one.
        if (m.workflowUri === this.uri.toString()) await this.s.layouts.keep(this.uri, { key: m.key, layout: m.layout });
        return;
      case 'selectRun':
        this.follow = m.runId === null;
        this.showRun(m.runId ?? this.latestRun()?.runId);
        return;
      default: {
        const { requestId, ...request } = m;
        try {
          this.post({ type: 'reply', requestId, ok: true, result: await this.handle(request) });
        } catch (e) {
          this.post({ type: 'reply', requestId, ok: false, error: (e as Error).message });
        }
      }
    }
  }

  /** Answers a request of the webview (the integration tests ask through here too). */
  handle<K extends WebviewRequestType>(request: Extract<WebviewRequest, { type: K }>): Promise<WebviewResult<K>> {
    return answer(this.context, request);
  }

  /**
   * The state written into the page, so that its first paint needs no round trip: the `init` that `ready` would
   * get, when the workflow is open (its graph at hand). Remembered until the page's first `ready`.
   */
  private pageFirstState(): FirstState | undefined {
    const doc = this.openDocument();
    if (!doc) return undefined;
    const id = randomUUID();
    this.firstState = { id, version: doc.version };
    return { id, init: this.initMessage(dagGraphOf(this.s.documents.index(doc))) };
  }

  /** The page's whole state, as `init`; notes what the page is given, so that only changes of it are sent after. */
  private initMessage({ graph, graphError }: { graph?: DagGraph; graphError?: GraphError }): InitMessage {
    this.sent = pageGraphOf({ graph, graphError });
    this.nodeCount = graph?.nodes.length ?? 0;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.uri.toString());
    const selected = this.cursor.current(editor);
    const runs = this.runList();
    this.runsSent = JSON.stringify(runs);
    const keptLayout = this.s.layouts.get(this.uri);
    return {
      type: 'init',
      workflow: { uri: this.uri.toString(), name: graph?.name ?? vscode.workspace.asRelativePath(this.uri) },
      ...(graph ? { graph } : {}),
      ...(graphError ? { graphError } : {}),
      runs,
      trusted: vscode.workspace.isTrusted,
      ...(selected ? { selected } : {}),
      ...(keptLayout ? { keptLayout } : {}),
      collapseAbove: settingNumber('dag.collapseAbove', vscode.workspace.getConfiguration('maestro', this.uri).get('dag.collapseAbove')),
      locked: this.isLocked,
    };
  }

  /** `shows`: the id of the first state the page drew; its graph is not sent again if the text has not changed since. */
  private async onReady(runId: string | null, shows: string | undefined): Promise<void> {
    this.ready = true;
    const drawn = shows !== undefined && shows === this.firstState?.id && this.openDocument()?.version === this.firstState.version;
    this.firstState = undefined;
    const uri = this.current;
    const found = await this.graphOf(uri);
    // Moved to another workflow meanwhile: that move sends the state.
    if (uri !== this.current) return;
    const { graph, keptLayout, ...init } = this.initMessage(found);
    this.post(drawn ? init : { ...init, ...(graph ? { graph } : {}), ...(keptLayout ? { keptLayout } : {}) });
    void this.s.moves.shown(this.id);
    // A fresh webview asks for no run: the one chosen before it loaded stands. A page moved here while hidden asks
    // for the last workflow's: not taken.
    const asked = runId !== null && this.isRunOfWorkflow(runId) ? runId : null;
    const wanted = asked ?? (this.follow ? null : (this.shown.runId ?? null));
    this.follow = wanted === null || !this.isRunOfWorkflow(wanted);
    this.showRun(this.follow ? this.latestRun()?.runId : wanted!);
    this.readyEmitter.fire();
  }

  private isRunOfWorkflow(runId: string): boolean {
    const run = this.s.runs.get(runId);
    return run !== undefined && sameWorkflow(run.workflowPath, this.uri);
  }

  private latestRun(): RunEntry | undefined {
    return this.s.runs.latestFor(this.uri);
  }

  private runList(): RunListItem[] {
    return this.s.runs.runsOf(this.uri).map((r) => ({
      runId: r.runId,
      status: r.status,
      ...(r.pausing ? { pausing: true } : {}),
      startedAt: r.startedAt,
      ...(r.endedAt !== undefined ? { endedAt: r.endedAt } : {}),
      live: r.live,
    }));
  }

  /** Shows a run from its start; a webview that does not listen gets it from its next `ready`. */
  private showRun(runId: string | undefined): void {
    if (!this.ready) this.shown.choose(runId);
    else void this.shown.show(runId, this.follow);
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
    const shown = this.shown.runId;
    if (shown && !this.s.runs.get(shown)) this.follow = true;
    const latest = this.latestRun()?.runId;
    if (this.follow && latest !== shown) this.showRun(latest);
  }

  private openDocument(): vscode.TextDocument | undefined {
    return openDocument(this.current);
  }

  /** The graph of a workflow's current text; when its file cannot be read, why. */
  private async graphOf(uri: vscode.Uri): Promise<{ graph?: DagGraph; graphError?: GraphError }> {
    const found = await workflowGraph(uri, this.s.documents, this.s.files, this.s.log);
    if (uri === this.current) this.panel.title = dagTitle('unreadable' in found ? this.workflowName() : found.graph.name, this.isLocked);
    if ('unreadable' in found) return { graphError: { message: `${vscode.workspace.asRelativePath(uri)} cannot be read: ${found.unreadable}` } };
    return found;
  }

  /** Sends the graph when it changed: a save, or a check of the same text again, changes nothing the page draws. */
  private async sendGraph(): Promise<void> {
    if (!this.ready) return;
    const uri = this.current;
    const found = await this.graphOf(uri);
    if (uri !== this.current) return;
    const { message, page } = graphMessage(this.sent, found);
    this.sent = page;
    if (!message) return;
    this.nodeCount = found.graph?.nodes.length ?? 0;
    this.post(message);
  }

  private onSelection(editor: vscode.TextEditor): void {
    if (!this.ready || editor.document.uri.toString() !== this.uri.toString()) return;
    const id = this.cursor.changed(editor);
    if (id !== undefined) this.post({ type: 'select', nodeId: id });
  }

  dispose(): void {
    this.shown.dispose();
    this.disposed.fire();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.panel.dispose();
  }
}
