// A DAG panel of an untitled workflow follows it when it is saved to a file: the untitled document closes and a
// file document with the same text opens (in either order); the panel then moves to the file. A panel whose untitled
// document closed without being saved goes away.
import * as vscode from 'vscode';

/** How long the two halves of a Save As may be apart. */
const PAIRING_MS = 3000;

export class UntitledPanels implements vscode.Disposable {
  private readonly closed: { text: string; at: number; onSaved: (file: vscode.Uri) => void; timer: NodeJS.Timeout }[] = [];
  private readonly opened: { text: string; uri: vscode.Uri; at: number }[] = [];
  private readonly disposables: vscode.Disposable[];

  constructor(
    /** The panel of an untitled document, if one has a panel. */
    private readonly panelOf: (uri: vscode.Uri) => { dispose(): void; panel: vscode.WebviewPanel } | undefined,
    /** Opens the panel of a file in a column. */
    private readonly showFile: (uri: vscode.Uri, column: vscode.ViewColumn | undefined) => void,
  ) {
    this.disposables = [
      vscode.workspace.onDidCloseTextDocument((doc) => this.onClosed(doc)),
      vscode.workspace.onDidOpenTextDocument((doc) => this.onOpened(doc)),
    ];
  }

  private onClosed(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== 'untitled') return;
    const panel = this.panelOf(doc.uri);
    if (!panel) return;
    const text = doc.getText();
    const column = panel.panel.viewColumn;
    const move = (file: vscode.Uri) => {
      panel.dispose();
      this.showFile(file, column);
    };
    const now = Date.now();
    const match = this.opened.find((o) => o.text === text && now - o.at < PAIRING_MS);
    if (match) return move(match.uri);
    const entry = { text, at: now, onSaved: move, timer: setTimeout(() => this.expire(entry, panel), PAIRING_MS) };
    this.closed.push(entry);
  }

  private expire(entry: UntitledPanels['closed'][number], panel: { dispose(): void }): void {
    const i = this.closed.indexOf(entry);
    if (i < 0) return;
    this.closed.splice(i, 1);
    panel.dispose();
  }

  private onOpened(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== 'file') return;
    const text = doc.getText();
    const now = Date.now();
    const i = this.closed.findIndex((c) => c.text === text && now - c.at < PAIRING_MS);
    if (i >= 0) {
      const [entry] = this.closed.splice(i, 1);
      clearTimeout(entry.timer);
      entry.onSaved(doc.uri);
      return;
    }
    this.opened.push({ text, uri: doc.uri, at: now });
    while (this.opened.length && now - this.opened[0].at >= PAIRING_MS) this.opened.shift();
  }

  dispose(): void {
    for (const c of this.closed.splice(0)) clearTimeout(c.timer);
    for (const d of this.disposables) d.dispose();
  }
}
