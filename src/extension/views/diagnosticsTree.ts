import * as vscode from 'vscode';
import type { LiveValidation } from '../language/liveValidation';
import { diagnosticsFileItem } from './treeModels';

type DiagnosticsTreeNode = { kind: 'file'; uri: vscode.Uri } | { kind: 'problem'; uri: vscode.Uri; diagnostic: vscode.Diagnostic };

/** Every workflow file with its error and warning counts; expanding one lists its problems. */
export class DiagnosticsTreeProvider implements vscode.TreeDataProvider<DiagnosticsTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DiagnosticsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly validation: LiveValidation) {
    this.subscription = validation.onDidChange(() => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.changed.fire(undefined), 100);
    });
  }

  getTreeItem(element: DiagnosticsTreeNode): vscode.TreeItem {
    if (element.kind === 'file') {
      const diagnostics = this.validation.collection.get(element.uri) ?? [];
      const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
      const warnings = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length;
      const m = diagnosticsFileItem(element.uri.fsPath, errors, warnings);
      const item = new vscode.TreeItem(m.label, m.collapsible ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      const folder = vscode.workspace.asRelativePath(vscode.Uri.joinPath(element.uri, '..'), false);
      item.description = folder && folder !== element.uri.fsPath.replace(/\/[^/]*$/, '') ? `${m.description} · ${folder}` : m.description;
      item.tooltip = `${m.tooltip}\n${m.description}`;
      item.iconPath = new vscode.ThemeIcon(m.icon.id, m.icon.color ? new vscode.ThemeColor(m.icon.color) : undefined);
      item.resourceUri = element.uri;
      item.contextValue = m.contextValue;
      item.command = { command: 'vscode.open', title: 'Open', arguments: [element.uri] };
      return item;
    }
    const d = element.diagnostic;
    const item = new vscode.TreeItem(d.message, vscode.TreeItemCollapsibleState.None);
    item.description = `${typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '')} · line ${d.range.start.line + 1}`;
    item.tooltip = d.message;
    item.iconPath = new vscode.ThemeIcon(
      d.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning',
      new vscode.ThemeColor(d.severity === vscode.DiagnosticSeverity.Error ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground'),
    );
    item.command = { command: 'vscode.open', title: 'Go to Problem', arguments: [element.uri, { selection: d.range }] };
    return item;
  }

  getChildren(element?: DiagnosticsTreeNode): DiagnosticsTreeNode[] {
    if (!element) {
      const files: vscode.Uri[] = [];
      this.validation.collection.forEach((uri) => void files.push(uri));
      return files.sort((a, b) => a.fsPath.localeCompare(b.fsPath)).map((uri) => ({ kind: 'file', uri }));
    }
    if (element.kind === 'file')
      return (this.validation.collection.get(element.uri) ?? []).map((diagnostic) => ({ kind: 'problem', uri: element.uri, diagnostic }));
    return [];
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
