import type * as vscode from 'vscode';

/**
 * The node under the workflow editor's cursor, which the panel shows selected: the page is told of a change once,
 * and not of the cursor's moving onto a definition the page itself asked to reveal.
 */
export class CursorSelection {
  private last: string | null = null;

  constructor(private readonly nodeAt: (editor: vscode.TextEditor) => string | null) {}

  /** The node under an editor's cursor (null with no editor or no node there), noted as what the page is given. */
  current(editor: vscode.TextEditor | undefined): string | null {
    this.last = editor ? this.nodeAt(editor) : null;
    return this.last;
  }

  /** The node under the cursor if it changed since the page was last told (null: none now); undefined if it did not. */
  changed(editor: vscode.TextEditor): string | null | undefined {
    const id = this.nodeAt(editor);
    if (id === this.last) return undefined;
    this.last = id;
    return id;
  }

  /** Noted before the editor's cursor moves to a node the page asked to reveal: the page selected it already. */
  revealing(nodeId: string): void {
    this.last = nodeId;
  }
}
