import * as vscode from 'vscode';
import { isWorkflowDocument } from '../language/documents';
import { workflowKey } from '../workflowIdentity';
import { DAG_VIEW_TYPE } from '../ui/viewTypes';
import { DagPanel, dagTitle, type DagPanelServices } from './dagPanel';
import { UntitledPanels } from './untitledPanels';
import { WorkflowEditing } from './workflowEditing';

/** How long the active editor stays the same before the panel follows it. */
export const FOLLOW_SETTLE_MS = 150;

/** Whether an unlocked panel moves to the workflow of the active editor and to the one Show DAG asks for. */
const followsEditor = (): boolean => vscode.workspace.getConfiguration('maestro').get<boolean>('dag.followActiveEditor', true);

/**
 * The DAG panels, at most one per workflow file: opened beside the editor by Show DAG (and by a run starting, when
 * `maestro.dag.openOnRun` is on), restored after a window reload from the state the webview saved. With
 * `maestro.dag.followActiveEditor` on (the default), as VS Code's Markdown preview does, an unlocked panel follows
 * the active workflow editor, and Show DAG of another workflow moves it there rather than opening a second panel; a
 * locked one stays with its workflow.
 */
export class DagPanels implements vscode.Disposable {
  /** By workflow, the panel last active last: the one that moves is the unlocked panel used last. */
  private readonly panels = new Map<string, DagPanel>();
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly s: DagPanelServices) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(DAG_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const restored = this.restoredOf(state);
          if (!restored || this.get(restored.uri)) panel.dispose();
          else this.adopt(panel, restored.uri, restored);
        },
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.followSoon()),
      { dispose: () => clearTimeout(this.followTimer) },
      s.runs.onEvent((e) => {
        if (e.type !== 'workflow:started') return;
        const uri = vscode.Uri.file(e.workflow.path);
        if (!vscode.workspace.getConfiguration('maestro', uri).get<boolean>('dag.openOnRun', true)) return;
        // A panel of the workflow in view, or hidden behind the active editor, stays as it is; one hidden elsewhere
        // (it may have followed the editor there) comes forward.
        const existing = this.get(uri);
        if (existing && (existing.panel.visible || inActiveEditorGroup(existing))) return;
        this.show(uri, { preserveFocus: true });
      }),
      new UntitledPanels(
        (uri) => this.get(uri),
        (file, column) => void this.show(file, { preserveFocus: true, column }),
      ),
    );
  }

  /** Whether a DAG panel is open (shown or not). */
  get anyOpen(): boolean {
    return this.panels.size > 0;
  }

  /** The workflow of the DAG panel that has focus, if one has. */
  activeWorkflow(): vscode.Uri | undefined {
    for (const p of this.panels.values()) if (p.panel.active) return p.uri;
    return undefined;
  }

  /** The panel of a workflow, if one is open. */
  get(uri: vscode.Uri): DagPanel | undefined {
    return this.panels.get(workflowKey(uri));
  }

  /** The builder's actions on a workflow's document: its panel's when one is open. */
  editor(uri: vscode.Uri): WorkflowEditing {
    return (
      this.get(uri)?.editing ??
      new WorkflowEditing(
        uri,
        this.s.documents,
        this.s.highlight,
        () => vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One,
        (from, to) => this.s.prompts.followRename(uri, from, to),
      )
    );
  }

  /**
   * Opens (or brings forward) the panel of a workflow, in the column beside the editor; with a run id, that run shows.
   * An unlocked panel of another workflow is moved to this one instead of a second panel opening.
   */
  show(uri: vscode.Uri, options: { runId?: string; preserveFocus?: boolean; column?: vscode.ViewColumn } = {}): DagPanel {
    const existing = this.panels.get(workflowKey(uri)) ?? this.moveUnlockedTo(uri);
    if (existing) {
      existing.reveal(options.runId, options.preserveFocus);
      return existing;
    }
    const asked = performance.now();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const title = dagTitle(open ? this.s.documents.index(open).result.workflow.name : vscode.workspace.asRelativePath(uri));
    const panel = vscode.window.createWebviewPanel(
      DAG_VIEW_TYPE,
      title,
      { viewColumn: options.column ?? vscode.ViewColumn.Beside, preserveFocus: options.preserveFocus ?? false },
      {},
    );
    const dag = this.adopt(panel, uri);
    // The extension's part of opening a panel; the bench tells it from VS Code's by this line's time.
    const kb = Math.round(panel.webview.html.length / 1024);
    this.s.log.info(`DAG panel of ${vscode.workspace.asRelativePath(uri)} opened: its page (${kb} KB) written in ${Math.round(performance.now() - asked)} ms`);
    if (options.runId) dag.reveal(options.runId, options.preserveFocus);
    return dag;
  }

  /**
   * What a panel restored after a window reload shows, from the state its page saved: only a workflow file on disk;
   * the workflow it moved to while hidden, if it did.
   */
  restoredOf(state: unknown): { uri: vscode.Uri; locked: boolean; id?: string } | undefined {
    if (typeof state !== 'object' || state === null) return undefined;
    const saved = state as { workflowUri?: unknown; panelId?: unknown; locked?: unknown };
    const id = typeof saved.panelId === 'string' ? saved.panelId : undefined;
    const uri = typeof saved.workflowUri === 'string' ? parseFileUri(this.s.moves.workflowOf(id, saved.workflowUri)) : undefined;
    return uri ? { uri, locked: saved.locked === true, ...(id !== undefined ? { id } : {}) } : undefined;
  }

  /** Locks the panel that has focus (or the only one in view) to its workflow, or unlocks it; false when there is none. */
  lockActive(locked: boolean): boolean {
    const all = [...this.panels.values()];
    const visible = all.filter((p) => p.panel.visible);
    const dag = all.find((p) => p.panel.active) ?? (visible.length === 1 ? visible[0] : undefined);
    if (!dag) return false;
    dag.setLocked(locked);
    setLockedContext(locked);
    return true;
  }

  /**
   * The unlocked panel used last, moved to a workflow (when the setting lets panels move). Not one hidden behind the
   * active editor: that panel would cover the editor it is to be shown beside.
   */
  private moveUnlockedTo(uri: vscode.Uri): DagPanel | undefined {
    if (!followsEditor()) return undefined;
    const unlocked = [...this.panels.values()].reverse().find((p) => !p.locked && !inActiveEditorGroup(p));
    if (!unlocked) return undefined;
    this.panels.delete(workflowKey(unlocked.uri));
    this.panels.set(workflowKey(uri), unlocked);
    void unlocked.retarget(uri);
    return unlocked;
  }

  /** Follows the active editor once it has settled: passing over editors (Ctrl+Tab) does not draw each one's graph. */
  private followSoon(): void {
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => this.followEditor(vscode.window.activeTextEditor), FOLLOW_SETTLE_MS);
  }

  /**
   * The active editor's workflow, shown by the unlocked panel if it has no panel of its own: a file, or an untitled
   * workflow being written (not another version of a file, as a diff or Git shows it).
   */
  private followEditor(editor: vscode.TextEditor | undefined): void {
    if (!editor || !isWorkflowDocument(editor.document) || this.get(editor.document.uri)) return;
    if (editor.document.uri.scheme !== 'file' && editor.document.uri.scheme !== 'untitled') return;
    this.moveUnlockedTo(editor.document.uri);
  }

  private adopt(panel: vscode.WebviewPanel, uri: vscode.Uri, restored: { locked: boolean; id?: string } = { locked: false }): DagPanel {
    const dag = new DagPanel(panel, uri, this.s, restored);
    this.panels.set(workflowKey(uri), dag);
    dag.onDidDispose(() => {
      const key = workflowKey(dag.uri);
      if (this.panels.get(key) === dag) this.panels.delete(key);
    });
    const viewState = panel.onDidChangeViewState(() => {
      if (!panel.active) return;
      // Last in the map: the panel used last.
      const key = workflowKey(dag.uri);
      this.panels.delete(key);
      this.panels.set(key, dag);
      setLockedContext(dag.locked);
    });
    dag.onDidDispose(() => {
      viewState.dispose();
    });
    if (panel.active) setLockedContext(restored.locked);
    return dag;
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Whether a panel is in the active editor's group (and so hidden behind that editor). */
function inActiveEditorGroup(dag: DagPanel): boolean {
  const column = vscode.window.activeTextEditor?.viewColumn;
  return column !== undefined && dag.panel.viewColumn === column;
}

/** Which of Lock and Unlock the DAG panel's title bar offers. */
const setLockedContext = (locked: boolean) => void vscode.commands.executeCommand('setContext', 'maestro.dagPanelLocked', locked);

/** A `file:` URI from text; undefined for anything else (another scheme, or not a URI). */
export function parseFileUri(text: string): vscode.Uri | undefined {
  try {
    const uri = vscode.Uri.parse(text, true);
    return uri.scheme === 'file' ? uri : undefined;
  } catch {
    return undefined;
  }
}
