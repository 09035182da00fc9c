// The workspace's workflow files as text, for changes that reach past the file being edited: a file moved, an
// input or an output renamed. An open document's text is what it holds now, saved or not.
import { dirname, isAbsolute, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { Span } from '../../engine/diagnostics';
import { callerInputEdits, renameInput } from '../../engine/edits/inputRename';
import { followCallers, type FollowOptions, type WorkflowText } from '../../engine/edits/callerChain';
import { callerOutputEdits, otherOutputWriters, passesOutputOn, renameOutput } from '../../engine/edits/outputRename';
import { outputGivers } from '../../engine/outputMentions';
import { scriptFileWritesIn } from '../../engine/scriptDialect';
import { scriptOutputEdits } from '../../engine/edits/scriptOutputs';
import { nodeScriptFiles, scriptReadBudget } from '../../engine/scriptFiles';
import type { ReadBudget } from '../../engine/statCache';
import { validateWorkflow } from '../../engine/validation/validate';
import { MAX_VALIDATED_BYTES } from '../../engine/validation/worker/fileDiagnostics';
import { buildIndex, type WorkflowIndex } from '../../engine/workflowIndex';
import { MAX_SUB_WORKFLOW_DEPTH } from '../../engine/model';
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

/**
 * Adds to `edit` the edits `follow` plans in the workflows of the workspace that may run `callee` (and, for an
 * output, those that run them); the files it changes and where the rename stops. Throws what makes it impossible.
 */
async function addCallerEdits(edit: vscode.WorkspaceEdit, callee: vscode.Uri, follow: FollowOptions): Promise<{ changed: vscode.Uri[]; notes: string[] }> {
  if (callee.scheme !== 'file') return { changed: [], notes: [] };
  const texts: WorkflowText[] = [];
  const docs = new Map<string, { uri: vscode.Uri; doc?: vscode.TextDocument }>();
  for (const uri of await findWorkflowFiles()) {
    if (uri.scheme !== 'file' || uri.toString() === callee.toString()) continue;
    const file = await workflowTextOf(uri);
    // Most workflows run no sub-workflow: they are not parsed.
    if (!file?.text.includes('workflow:')) continue;
    texts.push({ path: uri.fsPath, text: file.text });
    docs.set(uri.fsPath, { uri, doc: file.doc });
  }
  const followed = followCallers(texts, callee.fsPath, follow);
  if ('error' in followed) throw new Error(followed.error);
  const changed: vscode.Uri[] = [];
  for (const file of followed.files) {
    const { uri, doc: open } = docs.get(file.path)!;
    const doc = open ?? (await vscode.workspace.openTextDocument(uri));
    for (const e of file.edits) edit.replace(uri, toRange(doc, e.span), e.newText);
    changed.push(uri);
  }
  return { changed, notes: followed.notes.map((n) => `${vscode.workspace.asRelativePath(n.path)}: ${n.note}`) };
}

/**
 * Adds to `edit` what keeps the workspace's workflows that run `callee` as a sub-workflow giving it an input renamed
 * from `from` to `to` (their nodes' `with:` keys); the files it changes. Throws where a `with:` gives both names.
 */
export async function addCallerInputEdits(edit: vscode.WorkspaceEdit, callee: vscode.Uri, from: string, to: string): Promise<vscode.Uri[]> {
  const { changed } = await addCallerEdits(edit, callee, {
    name: from,
    plan: (index, file, calleePath) => callerInputEdits(index, file, calleePath, from, to),
  });
  return changed;
}

/**
 * Adds to `edit` what keeps the workspace's workflows that run `callee` reading an output of its node `nodeId`
 * renamed from `from` to `to` (their sub-workflow nodes' `outputs` and reads, and on into the workflows that run
 * those as far as their sub-runs pass it on); the files it changes and where it stops, or, where another node of
 * `callee` gives an output `from` too (what the callers go on reading), those nodes and no edit.
 */
export async function addCallerOutputEdits(
  edit: vscode.WorkspaceEdit,
  callee: { uri: vscode.Uri; index: WorkflowIndex },
  output: { nodeId: string; from: string; to: string },
): Promise<{ changed: vscode.Uri[]; notes: string[] } | { sharedWith: string[] }> {
  const { from, to } = output;
  const sharedWith = otherOutputWriters(callee.index, output.nodeId, from);
  if (sharedWith.length) return { sharedWith };
  return addCallerEdits(edit, callee.uri, {
    name: from,
    plan: (index, file, calleePath) => callerOutputEdits(index, file, calleePath, from, to),
    passesOn: (index, file, calleePath) => passesOutputOn(index, file, calleePath, from),
  });
}

/**
 * Adds to `edit` the rename of output `from` to `to` where the script files node `nodeId` runs (`run: ./release.sh`)
 * write it, those of the workspace's folders; the files it changes. Throws where one writes `to` already.
 */
export async function addScriptOutputEdits(
  edit: vscode.WorkspaceEdit,
  giver: { uri: vscode.Uri; index: WorkflowIndex },
  output: { nodeId: string; from: string; to: string },
): Promise<vscode.Uri[]> {
  if (giver.uri.scheme !== 'file' || output.from === output.to) return [];
  const changed: vscode.Uri[] = [];
  for (const { path, reader } of nodeScriptFiles(giver.index, giver.uri.fsPath, output.nodeId)) {
    const uri = vscode.Uri.file(path);
    // A file run twice, by two programs, is edited as the first reads it.
    if (changed.some((c) => c.fsPath === uri.fsPath)) continue;
    if (!vscode.workspace.getWorkspaceFolder(uri)) continue;
    const file = await workflowTextOf(uri);
    if (!file) continue;
    const planned = scriptOutputEdits(path, file.text, output.from, output.to, reader);
    if ('error' in planned) throw new Error(`${vscode.workspace.asRelativePath(uri)}: ${planned.error}`);
    if (!planned.edits.length) continue;
    const doc = file.doc ?? (await vscode.workspace.openTextDocument(uri));
    for (const e of planned.edits) edit.replace(uri, toRange(doc, e.span), e.newText);
    changed.push(uri);
  }
  return changed;
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

/** The nodes of one workflow file that give an output (declare it, or write it), with the file's index. */
interface Givers {
  file: vscode.Uri;
  index: WorkflowIndex;
  givers: Giver[];
}

interface Giver {
  nodeId: string;
  span: Span;
  /** Only the script files the node runs write it: the span is the node's id. */
  byScript?: boolean;
}

/**
 * What gives an output to a sub-run of a workflow file: its own nodes (where they declare or write it, else where
 * the script files they run write it), else, followed as a run nests them, those of the files run by its
 * sub-workflow nodes that list the output or list none. Each file whose nodes give it (where nothing further can be
 * found, the file itself with what it has); undefined when the file cannot be read.
 */
async function givers(file: vscode.Uri, output: string, depth = 1): Promise<Givers[] | undefined> {
  const text = await workflowTextOf(file);
  if (!text) return undefined;
  const index = buildIndex(validateWorkflow(text.text));
  const given = outputGivers(index, output);
  let own: Giver[] = given.filter((g) => index.byId.get(g.nodeId)?.spec?.kind !== 'workflow');
  if (!own.length) own = await scriptGivers(file, index, output);
  if (own.length || depth >= MAX_SUB_WORKFLOW_DEPTH || file.scheme !== 'file') return [{ file, index, givers: own.length ? own : given }];
  const nested: Givers[] = [];
  for (const node of index.nodes) {
    const path = node.spec?.workflow;
    if (path === undefined || !(node.spec?.outputs ?? [output]).includes(output)) continue;
    const found = await givers(vscode.Uri.file(isAbsolute(path) ? path : resolve(dirname(file.fsPath), path)), output, depth + 1);
    nested.push(...(found ?? []).filter((g) => g.givers.length));
  }
  return nested.length ? nested : [{ file, index, givers: given }];
}

/** The nodes of a workflow file whose script files write `output`. */
async function scriptGivers(file: vscode.Uri, index: WorkflowIndex, output: string): Promise<Giver[]> {
  const found: Giver[] = [];
  // However many nodes the file has, no more scripts are read than one validation reads.
  const budget = scriptReadBudget();
  for (const node of index.nodes)
    if ((await scriptsWriting(file, index, node.id, output, budget)).length) found.push({ nodeId: node.id, span: node.keySpan, byScript: true });
  return found;
}

/**
 * Where the workflow file a sub-workflow node runs gives an output: each node's declaration (or write) of it, or
 * where the script files its node runs write it.
 */
export async function subRunOutputDefinitions(file: vscode.Uri, output: string): Promise<vscode.Location[]> {
  const locations: vscode.Location[] = [];
  for (const found of (await givers(file, output)) ?? []) {
    if (!found.givers.length) continue;
    const doc = await vscode.workspace.openTextDocument(found.file);
    for (const g of found.givers)
      if (g.byScript) locations.push(...(await scriptWriteLocations(found.file, found.index, g.nodeId, output)));
      else locations.push(new vscode.Location(found.file, toRange(doc, g.span)));
  }
  return locations;
}

interface ScriptWriting {
  uri: vscode.Uri;
  doc?: vscode.TextDocument;
  at: number[];
}

/** The script files node `nodeId` of a workflow file runs that write `output`: their text (the open document's where one is open) and where. */
async function scriptsWriting(file: vscode.Uri, index: WorkflowIndex, nodeId: string, output: string, budget?: ReadBudget): Promise<ScriptWriting[]> {
  if (file.scheme !== 'file') return [];
  const found: ScriptWriting[] = [];
  for (const { path, reader } of nodeScriptFiles(index, file.fsPath, nodeId, budget)) {
    const uri = vscode.Uri.file(path);
    if (found.some((f) => f.uri.fsPath === uri.fsPath)) continue;
    const script = await workflowTextOf(uri);
    const at = script ? scriptFileWritesIn(path, script.text, reader).flatMap((w) => (w.output === output ? [w.at] : [])) : [];
    if (at.length) found.push({ uri, doc: script!.doc, at });
  }
  return found;
}

/** Where the script files node `nodeId` of a workflow file runs write `output`. */
export async function scriptWriteLocations(file: vscode.Uri, index: WorkflowIndex, nodeId: string, output: string): Promise<vscode.Location[]> {
  const locations: vscode.Location[] = [];
  for (const { uri, doc, at } of await scriptsWriting(file, index, nodeId, output)) {
    const shown = doc ?? (await vscode.workspace.openTextDocument(uri));
    locations.push(...at.map((start) => new vscode.Location(uri, toRange(shown, { start, end: start + output.length }))));
  }
  return locations;
}

/**
 * The edit that renames an output of the workflow file `callee` from a file that runs it (its sub-workflow node's
 * `outputs`, or a read): in the one node that gives it (of `callee`, or of a file `callee` passes it on from), and in
 * every workflow of the workspace that reads it from there, this one included.
 */
export async function renameSubRunOutput(callee: vscode.Uri, from: string, to: string): Promise<vscode.WorkspaceEdit> {
  const found = await givers(callee, from);
  if (!found) throw new Error(`${vscode.workspace.asRelativePath(callee)} cannot be read: rename the output there`);
  const all = found.flatMap((f) => f.givers.map((g) => ({ ...g, file: f.file, index: f.index })));
  if (all.length !== 1)
    throw new Error(
      all.length
        ? `${all.map((g) => `'${g.nodeId}' of ${vscode.workspace.asRelativePath(g.file)}`).join(' and ')} all give '${from}': rename it there, in the node you mean`
        : `no node of ${vscode.workspace.asRelativePath(callee)} gives an output '${from}'`,
    );
  const [giver] = all;
  const where = vscode.workspace.asRelativePath(giver.file);
  // Written only by a script file the node runs: where its file does not name it, only the script and the callers change.
  const renamed = renameOutput(giver.index, giver.nodeId, from, to, giver.byScript);
  if ('error' in renamed) throw new Error(`${where}: ${renamed.error}`);
  const edit = new vscode.WorkspaceEdit();
  const doc = await vscode.workspace.openTextDocument(giver.file);
  for (const e of renamed.edits) edit.replace(giver.file, toRange(doc, e.span), e.newText);
  const callers = await addCallerOutputEdits(edit, { uri: giver.file, index: giver.index }, { nodeId: giver.nodeId, from, to });
  const scripts = await addScriptOutputEdits(edit, { uri: giver.file, index: giver.index }, { nodeId: giver.nodeId, from, to });
  const notes = [...(renamed.note && !scripts.length ? [renamed.note] : []), ...('notes' in callers ? callers.notes : [])];
  if (notes.length) void vscode.window.showWarningMessage(`Renaming ${giver.nodeId}'s output '${from}' in ${where}: ${notes.join('; ')}.`);
  return edit;
}
