// The builder's actions, applied to the workflow's TextDocument: the engine plans the text edits, the host applies
// them as one WorkspaceEdit (one undo step; the file on disk is left to the user's saving), shows briefly what
// changed in the editor, and puts the cursor where the user is likely to type next.
import * as vscode from 'vscode';
import { applyEdits, planEdit, spansAfter, type EditAction } from '../../engine/edits/actions';
import { copyNodes } from '../../engine/edits/clipboard';
import { referencesTo } from '../../engine/edits/nodes';
import { sharedOutputNote } from '../../engine/edits/outputRename';
import { fieldPair, nodePair, rangeOf } from '../../engine/edits/yamlText';
import { filesBeside } from '../../engine/validateFile';
import type { WorkflowIndex } from '../../engine/workflowIndex';
import { toRange } from '../convert';
import { subWorkflowChoices, type WorkflowDocuments } from '../language/documents';
import { addCallerInputEdits, addCallerOutputEdits, addScriptOutputEdits } from '../language/workflowTexts';
import { plainText } from '../ui/untrustedText';

/** How long what an action wrote stays highlighted in the editor. */
const HIGHLIGHT_MS = 1500;

export interface EditReply {
  applied: boolean;
  select?: string;
  note?: string;
}

/** One highlight decoration for every panel, made with the extension and disposed with it. */
export class EditHighlight implements vscode.Disposable {
  readonly type = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
    isWholeLine: false,
  });
  private timer: NodeJS.Timeout | undefined;

  show(editor: vscode.TextEditor, ranges: vscode.Range[]): void {
    editor.setDecorations(this.type, ranges);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => editor.setDecorations(this.type, []), HIGHLIGHT_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.type.dispose();
  }
}

/** What a rename changed in other files: the workflows that run this one, and what they now do (`now gives it as 'x'`). */
function callersNote(callers: readonly vscode.Uri[], what: string): string {
  const names = callers.map((uri) => plainText(vscode.workspace.asRelativePath(uri)));
  return `${callers.length === 1 ? 'A workflow that runs' : `${callers.length} workflows that run`} this one ${what}: ${names.join(', ')}`;
}

/** The script files a rename of an output changed, where they write it. */
function scriptsNote(scripts: readonly vscode.Uri[]): string {
  return `Renamed where ${scripts.map((uri) => plainText(vscode.workspace.asRelativePath(uri))).join(' and ')} write${scripts.length === 1 ? 's' : ''} it`;
}

/** The document changed between an edit's plan and its application: the editor did not take it. */
class DocumentChanged extends Error {
  constructor() {
    super('the document changed while the edit was applied: try again');
  }
}

/** The builder for one workflow document. */
export class WorkflowEditing {
  constructor(
    private readonly uri: vscode.Uri,
    private readonly documents: WorkflowDocuments,
    private readonly highlight: EditHighlight,
    /** The editor column beside the panel. */
    private readonly column: () => vscode.ViewColumn,
    /** Told of an input renamed, so that what was given to it last follows. */
    private readonly inputRenamed: (from: string, to: string) => Promise<void>,
  ) {}

  private async document(): Promise<vscode.TextDocument> {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.uri.toString()) ?? vscode.workspace.openTextDocument(this.uri);
  }

  /** The index of the text as it is now; refused while the YAML does not parse (edits need its structure). */
  private indexOf(doc: vscode.TextDocument): WorkflowIndex {
    const index = this.documents.index(doc);
    const syntax = index.result.diagnostics.find((d) => d.code === 'yaml-syntax');
    if (syntax) throw new Error(`line ${doc.positionAt(syntax.span.start).line + 1} does not parse (${syntax.message}): fix it in the editor first`);
    return index;
  }

  async edit(asked: EditAction): Promise<EditReply> {
    const action = await this.withSubWorkflow(asked);
    if (action.type === 'removeNode' && !(await this.confirmRemove(this.indexOf(await this.document()), action.id))) return { applied: false };
    try {
      return await this.planAndApply(action);
    } catch (e) {
      // The document changed between the plan and the editor taking it (an undo, a keystroke): planned again once.
      if (!(e instanceof DocumentChanged)) throw e;
      return this.planAndApply(action);
    }
  }

  private async planAndApply(action: EditAction): Promise<EditReply> {
    const doc = await this.document();
    const index = this.indexOf(doc);
    const outcome = planEdit(index, action);
    if ('error' in outcome) throw new Error(outcome.error);
    const edit = new vscode.WorkspaceEdit();
    const callersNote = await this.callerEdits(action, index, edit);
    // A rename whose script's writes are in the files it runs: its note (it sees no write) is answered.
    const scripts =
      action.type === 'renameOutput' ? await addScriptOutputEdits(edit, { uri: this.uri, index }, { nodeId: action.id, from: action.from, to: action.to }) : [];
    // What would change nothing (a value set to what it is) is not applied: it would be an undo step that does nothing.
    const changes = edit.size > 0 || applyEdits(index.result.parsed.text, outcome.edits) !== index.result.parsed.text;
    if (changes) await this.apply(doc, outcome.edits, outcome.reveal, edit);
    if (action.type === 'renameInput' && action.from !== action.to) await this.inputRenamed(action.from, action.to);
    const note = [scripts.length ? scriptsNote(scripts) : outcome.note, callersNote].filter(Boolean).join('. ');
    return { applied: true, ...(outcome.select ? { select: outcome.select } : {}), ...(note ? { note } : {}) };
  }

  /**
   * Adds to `edit` what the workflows that run this one need for a renamed input (given by name in their `with:`)
   * or output (read by name); what to tell the user of it.
   */
  private async callerEdits(action: EditAction, index: WorkflowIndex, edit: vscode.WorkspaceEdit): Promise<string | undefined> {
    if (action.type === 'renameInput' && action.from !== action.to) {
      const callers = await addCallerInputEdits(edit, this.uri, action.from, action.to);
      return callers.length ? callersNote(callers, `now give${callers.length === 1 ? 's' : ''} it as '${plainText(action.to)}'`) : undefined;
    }
    if (action.type !== 'renameOutput' || action.from === action.to) return undefined;
    const callers = await addCallerOutputEdits(edit, { uri: this.uri, index }, { nodeId: action.id, from: action.from, to: action.to });
    if ('sharedWith' in callers) return plainText(sharedOutputNote(action.from, callers.sharedWith));
    const changed = callers.changed.length
      ? callersNote(callers.changed, `now read${callers.changed.length === 1 ? 's' : ''} it as '${plainText(action.to)}'`)
      : undefined;
    return [changed, ...callers.notes.map(plainText)].filter(Boolean).join('. ') || undefined;
  }

  /** A new sub-workflow node runs the nearest workflow file that does not run this one, rather than a placeholder. */
  private async withSubWorkflow(action: EditAction): Promise<EditAction> {
    if (action.type !== 'addNode' || action.kind !== 'workflow' || action.workflow !== undefined) return action;
    const choices = await subWorkflowChoices(this.uri);
    const loopsBack = choices.length ? filesBeside(this.uri.fsPath).runsThisFileAgain : undefined;
    const nearest = choices.find((written) => !loopsBack?.(written));
    return nearest ? { ...action, workflow: nearest } : action;
  }

  private async confirmRemove(index: WorkflowIndex, id: string): Promise<boolean> {
    const left = referencesTo(index, id);
    const detail = left
      ? `${left} expression${left === 1 ? '' : 's'} read nodes.${plainText(id)}: they stay, and show as problems until you change them.`
      : 'Its entries in other nodes’ needs are removed too. Undo brings it back.';
    const answer = await vscode.window.showWarningMessage(`Delete node '${plainText(id)}'?`, { modal: true, detail }, 'Delete');
    return answer === 'Delete';
  }

  /** Applies the edits to the document, with what `edit` holds already for other files, as one change. */
  private async apply(
    doc: vscode.TextDocument,
    edits: readonly { span: { start: number; end: number }; newText: string }[],
    reveal: { start: number; end: number } | undefined,
    edit: vscode.WorkspaceEdit,
  ) {
    const before = doc.getText();
    const version = doc.version;
    for (const e of edits) edit.replace(doc.uri, toRange(doc, e.span), e.newText);
    // The editor refuses an edit made for a version of the document it no longer holds.
    if (!(await vscode.workspace.applyEdit(edit))) {
      if (doc.version !== version) throw new DocumentChanged();
      throw new Error('the editor did not take the change (the document may be read-only)');
    }
    // What the engine planned against must be what the document now holds.
    if (doc.getText() !== applyEdits(before, edits)) throw new Error('the document changed while the edit was applied: try again');
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    if (!editor) return;
    const ranges = spansAfter(edits)
      .filter((s) => s.end > s.start)
      .map((s) => toRange(doc, s));
    this.highlight.show(editor, ranges);
    const focus = reveal ? toRange(doc, reveal) : ranges[0];
    if (reveal) editor.selection = new vscode.Selection(focus.start, focus.end);
    if (focus) editor.revealRange(linesOf(focus), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  async copy(ids: string[]): Promise<void> {
    const copied = copyNodes(this.indexOf(await this.document()), ids);
    if ('error' in copied) throw new Error(copied.error);
    await vscode.env.clipboard.writeText(copied.text);
  }

  async paste(after?: string): Promise<EditReply> {
    const text = await vscode.env.clipboard.readText();
    if (!text.trim()) throw new Error('the clipboard is empty: copy nodes first');
    return this.edit({ type: 'paste', text, ...(after ? { after } : {}) });
  }

  /** Undoes (or redoes) the document's last change in its editor, then gives the panel its focus back. */
  async undo(redo: boolean, refocus: () => void): Promise<void> {
    const doc = await this.document();
    await vscode.window.showTextDocument(doc, { viewColumn: this.column(), preserveFocus: false });
    await vscode.commands.executeCommand(redo ? 'redo' : 'undo');
    refocus();
  }

  /** Shows a node's script in the editor, with the cursor at its start (or at its key, for a node without one). */
  async openScript(nodeId: string): Promise<void> {
    const doc = await this.document();
    const index = this.documents.index(doc);
    const pair = nodePair(index.result.parsed, nodeId);
    if (!pair) throw new Error(`there is no node '${nodeId}'`);
    const run = fieldPair(pair, 'run');
    const at = rangeOf(run?.value) ?? rangeOf(pair.key)!;
    const text = doc.getText();
    // Into a block scalar's first line, past its `|` header.
    const start = text[at[0]] === '|' || text[at[0]] === '>' ? text.indexOf('\n', at[0]) + 1 : at[0];
    const position = doc.positionAt(start > 0 ? start : at[0]);
    const line = doc.lineAt(position.line);
    const cursor = text[at[0]] === '|' || text[at[0]] === '>' ? line.range.start.translate(0, line.firstNonWhitespaceCharacterIndex) : position;
    await vscode.window.showTextDocument(doc, { viewColumn: this.column(), selection: new vscode.Selection(cursor, cursor) });
  }
}

/**
 * The part of a changed range the editor is moved to: its lines, from its start, not sideways to its end (a script
 * longer than the editor is wide would take the keys at the left edge out of view).
 */
const linesOf = (range: vscode.Range): vscode.Range => new vscode.Range(range.start, range.isSingleLine ? range.start : range.end.with({ character: 0 }));
