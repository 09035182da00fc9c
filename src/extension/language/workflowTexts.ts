// The workspace's workflow files as text, for changes that reach past the file being edited: a file moved, an
// input or an output renamed. An open document's text is what it holds now, saved or not.
import * as vscode from 'vscode';
import type { Span, TextEdit } from '../../engine/diagnostics';
import { callerInputEdits, renameInput } from '../../engine/edits/inputRename';
import { callerOutputEdits, otherOutputWriters, renameOutput } from '../../engine/edits/outputRename';
import { outputGivers } from '../../engine/outputMentions';
import { validateWorkflow } from '../../engine/validation/validate';
import { MAX_VALIDATED_BYTES } from '../../engine/validation/worker/fileDiagnostics';
import { buildIndex, type WorkflowIndex } from '../../engine/workflowIndex';
import { toRange } from '../convert';
import { readFileText } from '../fileText';
import { findWorkflowFiles } from './documents';

/** The text of a workflow file: its open document's, or the file's (undefined when it cannot be read as one). */
export async function workflowTextOf(uri: vscode.Uri): Promise<{ text: string; doc?: vscode.TextDocument } | undefined> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc) return { text: doc.getText(), doc };
  try {
    return { text: await readFileText(uri, MAX_VALIDATED_BYTES) };
  } catch {
    return undefined;
  }
}

type CallerEdits = (index: WorkflowIndex, file: string, callee: string) => { edits: TextEdit[] } | { error: string };

/** Adds to `edit` the edits `plan` gives each workflow of the workspace that may run `callee`; the files it changes. */
async function addCallerEdits(edit: vscode.WorkspaceEdit, callee: vscode.Uri, name: string, plan: CallerEdits): Promise<vscode.Uri[]> {
  if (callee.scheme !== 'file') return [];
  const changed: vscode.Uri[] = [];
  for (const uri of await findWorkflowFiles()) {
    if (uri.scheme !== 'file' || uri.toString() === callee.toString()) continue;
    const file = await workflowTextOf(uri);
    // Most workflows run no sub-workflow, and most of those do not name this one: they are not parsed.
    if (!file?.text.includes('workflow:') || !file.text.includes(name)) continue;
    const r = plan(buildIndex(validateWorkflow(file.text)), uri.fsPath, callee.fsPath);
    if ('error' in r) throw new Error(r.error);
    if (!r.edits.length) continue;
    const doc = file.doc ?? (await vscode.workspace.openTextDocument(uri));
    for (const e of r.edits) edit.replace(uri, toRange(doc, e.span), e.newText);
    changed.push(uri);
  }
  return changed;
}

/**
 * Adds to `edit` what keeps the workspace's workflows that run `callee` as a sub-workflow giving it an input renamed
 * from `from` to `to` (their nodes' `with:` keys); the files it changes. Throws where a `with:` gives both names.
 */
export function addCallerInputEdits(edit: vscode.WorkspaceEdit, callee: vscode.Uri, from: string, to: string): Promise<vscode.Uri[]> {
  return addCallerEdits(edit, callee, from, (index, file, calleePath) => callerInputEdits(index, file, calleePath, from, to));
}

/**
 * Adds to `edit` what keeps the workspace's workflows that run `callee` reading an output of its node `nodeId`
 * renamed from `from` to `to` (their sub-workflow nodes' `outputs` and reads); the files it changes, or, where
 * another node of `callee` gives an output `from` too (what the callers go on reading), those nodes and no edit.
 */
export async function addCallerOutputEdits(
  edit: vscode.WorkspaceEdit,
  callee: { uri: vscode.Uri; index: WorkflowIndex },
  output: { nodeId: string; from: string; to: string },
): Promise<{ changed: vscode.Uri[] } | { sharedWith: string[] }> {
  const sharedWith = otherOutputWriters(callee.index, output.nodeId, output.from);
  if (sharedWith.length) return { sharedWith };
  const changed = await addCallerEdits(edit, callee.uri, output.from, (index, file, calleePath) =>
    callerOutputEdits(index, file, calleePath, output.from, output.to),
  );
  return { changed };
}

/**
 * The edit that renames an input of the workflow file `callee` from a file that runs it (a key of its `with:`): the
 * input's key and reads in that file, and the `with:` keys of every workflow of the workspace that runs it.
 */
export async function renameGivenInput(callee: vscode.Uri, from: string, to: string): Promise<vscode.WorkspaceEdit> {
  const file = await workflowTextOf(callee);
  if (!file) throw new Error(`${vscode.workspace.asRelativePath(callee)} cannot be read: rename its input there`);
  const renamed = renameInput(buildIndex(validateWorkflow(file.text)), from, to);
  if ('error' in renamed) throw new Error(`${vscode.workspace.asRelativePath(callee)}: ${renamed.error}`);
  const edit = new vscode.WorkspaceEdit();
  const doc = file.doc ?? (await vscode.workspace.openTextDocument(callee));
  for (const e of renamed.edits) edit.replace(callee, toRange(doc, e.span), e.newText);
  await addCallerInputEdits(edit, callee, from, to);
  return edit;
}

/** Where a workflow file declares an input (its key under `inputs:`), if it does. */
export async function inputDefinition(file: vscode.Uri, input: string): Promise<vscode.Location | undefined> {
  const text = await workflowTextOf(file);
  const span = text && buildIndex(validateWorkflow(text.text)).inputs.find((i) => i.name === input)?.keySpan;
  if (!text || !span) return undefined;
  const doc = text.doc ?? (await vscode.workspace.openTextDocument(file));
  return new vscode.Location(file, toRange(doc, span));
}

/** A workflow file's index and the nodes of it that give an output (declare it, or write it): what a sub-run of it gives. */
async function givers(file: vscode.Uri, output: string): Promise<{ index: WorkflowIndex; givers: { nodeId: string; span: Span }[] } | undefined> {
  const text = await workflowTextOf(file);
  if (!text) return undefined;
  const index = buildIndex(validateWorkflow(text.text));
  return { index, givers: outputGivers(index, output) };
}

/** Where the workflow file a sub-workflow node runs gives an output: each node's declaration (or write) of it. */
export async function subRunOutputDefinitions(file: vscode.Uri, output: string): Promise<vscode.Location[]> {
  const found = await givers(file, output);
  if (!found?.givers.length) return [];
  const doc = await vscode.workspace.openTextDocument(file);
  return found.givers.map((g) => new vscode.Location(file, toRange(doc, g.span)));
}

/**
 * The edit that renames an output of the workflow file `callee` from a file that runs it (its sub-workflow node's
 * `outputs`, or a read): in the one node of `callee` that gives it, and in every workflow of the workspace that runs
 * `callee`, this one included.
 */
export async function renameSubRunOutput(callee: vscode.Uri, from: string, to: string): Promise<vscode.WorkspaceEdit> {
  const where = vscode.workspace.asRelativePath(callee);
  const found = await givers(callee, from);
  if (!found) throw new Error(`${where} cannot be read: rename the output there`);
  if (found.givers.length !== 1)
    throw new Error(
      found.givers.length
        ? `${found.givers.map((g) => `'${g.nodeId}'`).join(' and ')} of ${where} all give '${from}': rename it there, in the node you mean`
        : `no node of ${where} gives an output '${from}'`,
    );
  const [giver] = found.givers;
  const renamed = renameOutput(found.index, giver.nodeId, from, to);
  if ('error' in renamed) throw new Error(`${where}: ${renamed.error}`);
  const edit = new vscode.WorkspaceEdit();
  const doc = await vscode.workspace.openTextDocument(callee);
  for (const e of renamed.edits) edit.replace(callee, toRange(doc, e.span), e.newText);
  await addCallerOutputEdits(edit, { uri: callee, index: found.index }, { nodeId: giver.nodeId, from, to });
  if (renamed.note) void vscode.window.showWarningMessage(`Renaming ${giver.nodeId}'s output '${from}' in ${where}: ${renamed.note}.`);
  return edit;
}
