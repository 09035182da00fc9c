// The Insights panel of a workflow: one per workflow file, beside the editor; it reads the figures from the engine
// and reads them again when runs end. Opened from the palette, the Runs view and the DAG panel's toolbar.
import * as vscode from 'vscode';
import type { DagPanels } from '../dag/dagPanels';
import { bundleReader, dagPanelHtml } from '../dag/webviewHtml';
import type { WorkflowDocuments } from '../language/documents';
import type { RunManager } from '../runs/runManager';
import { toRange } from '../convert';
import { INSIGHTS_VIEW_TYPE } from '../ui/viewTypes';
import { workflowKey } from '../workflowIdentity';
import { parseInsightsWebviewMessage, type InsightsHostMessage, type InsightsRange, type InsightsWebviewMessage } from '../../webview/insights/protocol';

export interface InsightsServices {
  runs: RunManager;
  dag: DagPanels;
  documents: WorkflowDocuments;
  log: vscode.LogOutputChannel;
  bundle: vscode.Uri;
}

const REFRESH_MS = 400;

class InsightsPanel implements vscode.Disposable {
  private range: InsightsRange = 100;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
    private readonly s: InsightsServices,
  ) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [s.bundle] };
    webview.html = dagPanelHtml(
      {
        cspSource: webview.cspSource,
        asset: (name) => webview.asWebviewUri(vscode.Uri.joinPath(s.bundle, name)).toString(),
        read: bundleReader(s.bundle.scheme === 'file' ? s.bundle.fsPath : undefined),
      },
      panel.title,
      uri.toString(),
      { files: { script: 'insights.js', style: 'insights.css' } },
    );
    const disposed = new vscode.EventEmitter<void>();
    this.onDidDispose = disposed.event;
    this.disposables.push(
      disposed,
      panel.onDidDispose(() => {
        disposed.fire();
        this.dispose();
      }),
      webview.onDidReceiveMessage((raw: unknown) => {
        const m = parseInsightsWebviewMessage(raw);
        if (m) void this.onMessage(m).catch((e: Error) => this.post({ type: 'failed', message: e.message }));
      }),
      s.runs.onDidChange(() => this.refreshSoon()),
    );
  }

  private post(m: InsightsHostMessage): void {
    void this.panel.webview.postMessage(m);
  }

  private refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_MS);
  }

  async refresh(): Promise<void> {
    try {
      const insights = await this.s.runs.insights(this.uri.fsPath, this.range ?? undefined);
      const name = this.s.runs.latestFor(this.uri)?.workflowName ?? vscode.workspace.asRelativePath(this.uri);
      this.post({ type: 'report', workflowName: name, range: this.range, insights });
    } catch (e) {
      this.post({ type: 'failed', message: `The runs could not be read: ${(e as Error).message}` });
    }
  }

  private async onMessage(m: InsightsWebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.refresh();
      case 'setRange':
        this.range = m.range;
        return this.refresh();
      case 'openRun':
        this.s.dag.show(this.uri, { runId: m.runId });
        return;
      case 'revealNode':
        return this.revealNode(m.node);
      case 'compare':
        this.post({ type: 'compared', runA: m.runA, runB: m.runB, rows: await this.s.runs.compareRuns(m.runA, m.runB) });
    }
  }

  private async revealNode(node: string): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(this.uri);
    const entry = this.s.documents.index(doc).byId.get(node);
    const range = entry ? toRange(doc, entry.keySpan) : undefined;
    // The DAG panel, when open, selects the node's card as the editor's selection moves to it.
    await vscode.window.showTextDocument(doc, {
      viewColumn: vscode.ViewColumn.One,
      ...(range ? { selection: new vscode.Selection(range.start, range.end) } : {}),
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export class InsightsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, InsightsPanel>();

  constructor(private readonly s: InsightsServices) {}

  show(uri: vscode.Uri): void {
    const key = workflowKey(uri);
    const existing = this.panels.get(key);
    if (existing) return existing.panel.reveal(undefined, false);
    const title = `Insights · ${vscode.workspace
      .asRelativePath(uri)
      .split('/')
      .pop()
      ?.replace(/\.workflow\.ya?ml$/, '')}`;
    const panel = vscode.window.createWebviewPanel(
      INSIGHTS_VIEW_TYPE,
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { retainContextWhenHidden: false },
    );
    panel.iconPath = vscode.Uri.joinPath(this.s.bundle, '..', 'media', 'workflow.svg');
    const insights = new InsightsPanel(panel, uri, this.s);
    this.panels.set(key, insights);
    insights.onDidDispose(() => this.panels.delete(key));
  }

  dispose(): void {
    for (const p of this.panels.values()) p.panel.dispose();
    this.panels.clear();
  }
}
