import * as vscode from 'vscode';
import { workflowKey } from '../workflowIdentity';
import { DAG_VIEW_TYPE, DagPanel, dagTitle, type DagPanelServices } from './dagPanel';
import { UntitledPanels } from './untitledPanels';
import { WorkflowEditing } from './workflowEditing';

/**
 * One DAG panel per workflow file: opened beside the editor by Show DAG (and by a run starting, when
 * `maestro.dag.openOnRun` is on), restored after a window reload from the state the webview saved.
 */
export class DagPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DagPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly s: DagPanelServices) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(DAG_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const saved = typeof state === 'object' && state !== null ? (state as { workflowUri?: unknown }).workflowUri : undefined;
          // The state is the webview's: only a workflow file on disk is restored from it.
          const uri = typeof saved === 'string' ? parseFileUri(saved) : undefined;
          if (!uri) {
            panel.dispose();
            return;
          }
          this.adopt(panel, uri);
        },
      }),
      s.runs.onEvent((e) => {
        if (e.type !== 'workflow:started') return;
        const uri = vscode.Uri.file(e.workflow.path);
        if (!vscode.workspace.getConfiguration('maestro', uri).get<boolean>('dag.openOnRun', true)) return;
        if (this.panels.has(workflowKey(uri))) return;
        this.show(uri, { preserveFocus: true });
      }),
      new UntitledPanels(
        (uri) => this.get(uri),
        (file, column) => void this.show(file, { preserveFocus: true, column }),
      ),
    );
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
      new WorkflowEditing(uri, this.s.documents, this.s.highlight, () => vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One)
    );
  }

  /** Opens (or brings forward) the panel of a workflow, in the column beside the editor; with a run id, that run shows. */
  show(uri: vscode.Uri, options: { runId?: string; preserveFocus?: boolean; column?: vscode.ViewColumn } = {}): DagPanel {
    const existing = this.panels.get(workflowKey(uri));
    if (existing) {
      existing.reveal(options.runId, options.preserveFocus);
      return existing;
    }
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const title = dagTitle(open ? this.s.documents.index(open).result.workflow.name : vscode.workspace.asRelativePath(uri));
    const panel = vscode.window.createWebviewPanel(
      DAG_VIEW_TYPE,
      title,
      { viewColumn: options.column ?? vscode.ViewColumn.Beside, preserveFocus: options.preserveFocus ?? false },
      {},
    );
    const dag = this.adopt(panel, uri);
    if (options.runId) dag.reveal(options.runId, options.preserveFocus);
    return dag;
  }

  private adopt(panel: vscode.WebviewPanel, uri: vscode.Uri): DagPanel {
    const dag = new DagPanel(panel, uri, this.s);
    this.panels.set(workflowKey(uri), dag);
    dag.onDidDispose(() => {
      if (this.panels.get(workflowKey(uri)) === dag) this.panels.delete(workflowKey(uri));
    });
    return dag;
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** A `file:` URI from text; undefined for anything else (another scheme, or not a URI). */
export function parseFileUri(text: string): vscode.Uri | undefined {
  try {
    const uri = vscode.Uri.parse(text, true);
    return uri.scheme === 'file' ? uri : undefined;
  } catch {
    return undefined;
  }
}
