// The questions commands ask when they are not told what to act on: which workflow, which run, which node (a run's
// inputs: inputPrompts.ts). Everything shown of files and run records goes through plainText.
import * as vscode from 'vscode';
import type { NodeStatus } from '../../engine/protocol';
import { shownRunStatus } from '../../engine/runRules';
import type { DagPanels } from '../dag/dagPanels';
import { findWorkflowFiles, isWorkflowDocument } from '../language/documents';
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
