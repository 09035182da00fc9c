// A DAG panel's workflow as documents and editors have it: its open document (or the file read), the column of its
// editor, its node's definition shown there.
import * as vscode from 'vscode';
import { MAX_VALIDATED_BYTES } from '../../engine/validation/worker/fileDiagnostics';
import { FILE_GONE } from '../../engine/validation/worker/fileGraph';
import type { FileGraph } from '../../engine/validation/worker/protocol';
import { toRange } from '../convert';
import { readFileText } from '../fileText';
import type { WorkflowDocuments } from '../language/documents';
import { dagGraphOf } from '../../engine/dagGraph';

const isOf = (uri: vscode.Uri) => (d: vscode.TextDocument) => d.uri.toString() === uri.toString();

/** The workflow's document if it is open. */
export function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find(isOf(uri));
}

/** The workflow's document, read from its file when it is not open; undefined (and why, logged) when it cannot be read. */
export async function readDocument(uri: vscode.Uri, log: vscode.LogOutputChannel): Promise<vscode.TextDocument | undefined> {
  const open = openDocument(uri);
  if (open) return open;
  try {
    return await vscode.workspace.openTextDocument(uri);
  } catch (e) {
    log.warn(`DAG panel: cannot read ${uri.fsPath}: ${(e as Error).message}`);
    return undefined;
  }
}

/** Makes the graph of a workflow file nobody has open, off the extension host's thread (the validation worker). */
export interface FileGraphs {
  graph(path: string): Promise<FileGraph>;
}

/**
 * The graph of the workflow's current text: its open document's; else its file's, read without opening a document
 * (which has the window make a model of the whole file, as for an editor, before the panel can draw it) and, for a
 * file on disk, validated in the validation worker, so that a big file does not hold up the extension host. When the
 * file cannot be read, why (logged too).
 */
export async function workflowGraph(uri: vscode.Uri, documents: WorkflowDocuments, files: FileGraphs, log: vscode.LogOutputChannel): Promise<FileGraph> {
  const open = openDocument(uri);
  if (open) return dagGraphOf(documents.index(open));
  try {
    const found = uri.scheme === 'file' ? await files.graph(uri.fsPath) : dagGraphOf(documents.indexText(uri, await readFileText(uri, MAX_VALIDATED_BYTES)));
    if ('unreadable' in found) log.warn(`DAG panel: cannot read ${uri.fsPath}: ${found.unreadable}`);
    return found;
  } catch (e) {
    log.warn(`DAG panel: cannot read ${uri.fsPath}: ${(e as Error).message}`);
    const missing = e instanceof vscode.FileSystemError && e.code === 'FileNotFound';
    return { unreadable: missing ? FILE_GONE : (e as Error).message };
  }
}

/** The column of the workflow's editor, where documents beside the panel open. */
export function editorColumnOf(uri: vscode.Uri): vscode.ViewColumn {
  return vscode.window.visibleTextEditors.find((e) => isOf(uri)(e.document))?.viewColumn ?? vscode.ViewColumn.One;
}

/** Shows a node's definition in the workflow's editor, its id selected, without taking focus; false when it has none. */
export async function revealDefinition(doc: vscode.TextDocument, documents: WorkflowDocuments, nodeId: string): Promise<boolean> {
  const node = documents.index(doc).byId.get(nodeId);
  if (!node) return false;
  const range = toRange(doc, node.keySpan);
  const editor = await vscode.window.showTextDocument(doc, {
    viewColumn: editorColumnOf(doc.uri),
    preserveFocus: true,
    selection: new vscode.Selection(range.start, range.end),
  });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return true;
}
