// The questions commands ask when they are not told what to act on: which workflow, which run, which node, which
// inputs. Everything shown of files and run records goes through plainText.
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { CHECKOUT_INPUT_NAMES, checkoutInputs, readCheckout } from '../../engine/gitCheckout';
import { readInputValue } from '../../engine/inputValue';
import type { InputSpec } from '../../engine/model';
import type { NodeStatus } from '../../engine/protocol';
import { shownRunStatus } from '../../engine/runRules';
import type { DagPanels } from '../dag/dagPanels';
import { findWorkflowFiles, isWorkflowDocument, type WorkflowDocuments } from '../language/documents';
import type { RunActions } from '../runs/runActions';
import type { RunEntry, RunManager } from '../runs/runManager';
import { plainText } from '../ui/untrustedText';
import type { CommandArg } from './arguments';

/** The workflow a command is about: the file given, the editor's, the focused DAG panel's, or the one the user picks. */
export async function pickWorkflow(arg: CommandArg, dag: DagPanels, title = 'Run which workflow?'): Promise<vscode.Uri | undefined> {
  if (arg.kind === 'file') return arg.uri;
  if (arg.kind === 'workflow') return vscode.Uri.file(arg.path);
  const editor = vscode.window.activeTextEditor;
  if (editor && isWorkflowDocument(editor.document)) return editor.document.uri;
  const focused = dag.activeWorkflow();
  if (focused) return focused;
  const files = await findWorkflowFiles();
  if (files.length === 0) {
    void vscode.window
      .showInformationMessage('No workflow files (*.workflow.yaml) in this workspace.', 'New Workflow…')
      .then((c) => c && vscode.commands.executeCommand('maestro.newWorkflow'));
    return undefined;
  }
  if (files.length === 1) return files[0];
  const picked = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: plainText(vscode.workspace.asRelativePath(uri)), uri })),
    { title, matchOnDescription: true },
  );
  return picked?.uri;
}

/** The run a command is about: the one given, the only one that fits, or the one the user picks. */
export async function pickRun(runs: RunManager, arg: CommandArg, accept: (r: RunEntry) => boolean, title: string): Promise<RunEntry | undefined> {
  if (arg.kind === 'run' || arg.kind === 'node') {
    const run = runs.get(arg.runId);
    if (!run) throw new Error(`run ${arg.runId} is gone: it may have been deleted`);
    return run;
  }
  const candidates = runs.all().filter(accept);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`No run to act on: ${title.toLowerCase()}`);
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(
    candidates.map((r) => ({
      label: plainText(r.workflowName),
      description: `${shownRunStatus(r)} · ${new Date(r.startedAt).toLocaleString()}`,
      detail: plainText(r.runId),
      run: r,
    })),
    { title },
  );
  return picked?.run;
}

/** A node of a run in one of some statuses: the only one, or the one the user picks. */
export async function pickNode(runs: RunManager, run: RunEntry, statuses: readonly NodeStatus[], title: string): Promise<string | undefined> {
  const state = await runs.loadState(run);
  const ids = state ? state.order.filter((id) => statuses.includes(state.nodes.get(id)!.status)) : [];
  if (!state || ids.length === 0) {
    void vscode.window.showInformationMessage(`${plainText(run.workflowName)}: no ${statuses.join(', ')} node.`);
    return undefined;
  }
  if (ids.length === 1) return ids[0];
  const items = ids.map((id) => {
    const n = state.nodes.get(id)!;
    return { label: plainText(id), description: n.status, detail: plainText(n.error ?? n.reason ?? ''), id };
  });
  return (await vscode.window.showQuickPick(items, { title }))?.id;
}

/** An input a run cannot start without: required, with no default; or a secret, which a file never holds. */
const isMissing = (input: InputSpec): boolean => input.secret === true || (input.required && input.default === undefined);

/**
 * The values a workflow file's Git checkout gives the inputs that stand for what GitHub gives a run (`github_sha`…),
 * by input name; the checkout is read only when there is such an input.
 */
async function checkoutValues(uri: vscode.Uri, inputs: readonly InputSpec[]): Promise<Record<string, string>> {
  if (uri.scheme !== 'file' || !inputs.some((i) => CHECKOUT_INPUT_NAMES.includes(i.name))) return {};
  const checkout = await readCheckout(dirname(uri.fsPath));
  return checkout ? checkoutInputs(checkout) : {};
}

/**
 * Asks for each input of a workflow (those `which` picks), typed, with its default filled in; undefined when the user
 * gives up, `{}` when there is nothing to ask.
 */
export async function askInputs(
  documents: WorkflowDocuments,
  uri: vscode.Uri,
  which: (input: InputSpec) => boolean = () => true,
): Promise<Record<string, string> | undefined> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const inputs = Object.values(documents.index(doc).result.workflow.inputs).filter(which);
  const local = await checkoutValues(uri, inputs);
  const values: Record<string, string> = {};
  for (const [i, input] of inputs.entries()) {
    const title = `${plainText(input.name)} (${i + 1}/${inputs.length})`;
    if (input.type === 'boolean') {
      const items = ['true', 'false'].map((v) => ({ label: v, description: String(input.default ?? false) === v ? 'default' : undefined }));
      const picked = await vscode.window.showQuickPick(items, { title, placeHolder: plainText(input.description ?? `Value of ${input.name}`) });
      if (!picked) return undefined;
      values[input.name] = picked.label;
      continue;
    }
    const filled = input.default === undefined && input.type === 'string' && !input.secret && Object.hasOwn(local, input.name) ? local[input.name] : undefined;
    const prompt = input.description ?? `Value of ${input.name} (${input.type})`;
    const value = await vscode.window.showInputBox({
      title,
      prompt: plainText(
        filled !== undefined ? `${prompt} (filled in: this checkout's)` : input.secret ? `${prompt} (secret: masked in logs, not kept with the run)` : prompt,
      ),
      password: input.secret === true,
      value: input.default !== undefined && !input.secret ? String(input.default) : (filled ?? ''),
      validateInput: (v) => {
        const read = readInputValue(input, v);
        return 'error' in read ? plainText(read.error) : input.required && v === '' ? plainText(`${input.name} is required`) : undefined;
      },
    });
    if (value === undefined) return undefined;
    values[input.name] = value;
  }
  return values;
}

/**
 * Asks for a workflow's secret inputs, which a run's record does not keep, for a run continued from its log;
 * undefined when the user gives up.
 */
export async function askSecretInputs(documents: WorkflowDocuments, uri: vscode.Uri): Promise<Record<string, string> | undefined> {
  return askInputs(documents, uri, (input) => input.secret === true);
}

/**
 * Asks for the inputs a run cannot start without (as GitHub's Run workflow form does); `{}` when there are none, and
 * when the run would be refused anyway (Restricted Mode, a workflow with errors), so that it is refused first.
 */
export async function askMissingInputs(documents: WorkflowDocuments, actions: RunActions, uri: vscode.Uri): Promise<Record<string, string> | undefined> {
  return (await actions.wouldRefuse(uri)) ? {} : askInputs(documents, uri, isMissing);
}
