import { existsSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { DagPanels } from './dag/dagPanels';
import type { WorkflowDocuments } from './language/documents';
import { isWorkflowDocument, WORKFLOW_GLOB } from './language/documents';
import type { LiveValidation } from './language/liveValidation';
import { logUri } from './runs/nodeLogs';
import type { RunEntry, RunManager } from './runs/runManager';
import type { RunsTreeNode } from './views/runsTree';
import type { NodeStatus } from '../engine/protocol';
import { plainText } from './ui/untrustedText';

interface Services {
  runs: RunManager;
  validation: LiveValidation;
  documents: WorkflowDocuments;
  dag: DagPanels;
  log: vscode.LogOutputChannel;
}

/** Nothing runs in Restricted Mode: say so, and offer to manage trust. */
async function requireTrust(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage('Maestro does not run workflows in Restricted Mode: trust this workspace to run them. Validation and the DAG still work.', 'Manage Workspace Trust');
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** The workflow a command is about: the one given, the editor's, the focused DAG panel's, or the one the user picks. */
async function pickWorkflow(arg: unknown, dag: DagPanels, title = 'Run which workflow?'): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const editor = vscode.window.activeTextEditor;
  if (editor && isWorkflowDocument(editor.document)) return editor.document.uri;
  const focused = dag.activeWorkflow();
  if (focused) return focused;
  const files = await vscode.workspace.findFiles(WORKFLOW_GLOB, '**/{node_modules,.git,.maestro}/**');
  if (files.length === 0) {
    void vscode.window.showInformationMessage('No workflow files (*.workflow.yaml) in this workspace.', 'New Workflow…').then((c) => c && vscode.commands.executeCommand('maestro.newWorkflow'));
    return undefined;
  }
  if (files.length === 1) return files[0];
  const picked = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: plainText(vscode.workspace.asRelativePath(uri)), uri })),
    { title, matchOnDescription: true },
  );
  return picked?.uri;
}

const isRunArg = (a: unknown): a is Extract<RunsTreeNode, { kind: 'run' }> => typeof a === 'object' && a !== null && (a as { kind?: string }).kind === 'run';
const isNodeArg = (a: unknown): a is Extract<RunsTreeNode, { kind: 'node' }> => typeof a === 'object' && a !== null && (a as { kind?: string }).kind === 'node';

async function pickRun(runs: RunManager, arg: unknown, accept: (r: RunEntry) => boolean, title: string): Promise<RunEntry | undefined> {
  if (isRunArg(arg) || isNodeArg(arg)) return arg.run;
  if (typeof arg === 'string') return runs.get(arg);
  const candidates = runs.all().filter(accept);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`No run to act on: ${title.toLowerCase()}`);
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(
    candidates.map((r) => ({ label: plainText(r.workflowName), description: `${r.status} · ${new Date(r.startedAt).toLocaleString()}`, detail: plainText(r.runId), run: r })),
    { title },
  );
  return picked?.run;
}

async function pickNode(runs: RunManager, run: RunEntry, statuses: readonly NodeStatus[], title: string): Promise<string | undefined> {
  const ids = runs.nodesWith(run, statuses);
  if (ids.length === 0) {
    void vscode.window.showInformationMessage(`${plainText(run.workflowName)}: no ${statuses.join(', ')} node.`);
    return undefined;
  }
  if (ids.length === 1) return ids[0];
  const state = runs.state(run)!;
  const picked = await vscode.window.showQuickPick(
    ids.map((id) => ({ label: plainText(id), description: state.nodes.get(id)!.status, detail: plainText(state.nodes.get(id)!.error ?? state.nodes.get(id)!.reason ?? ''), id })),
    { title },
  );
  return picked?.id;
}

/** Asks for each input of a workflow, typed, with its default filled in; undefined when the user gives up. */
async function askInputs(services: Services, uri: vscode.Uri): Promise<Record<string, string> | undefined> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const inputs = Object.values(services.documents.index(doc).result.workflow.inputs);
  const values: Record<string, string> = {};
  for (const [i, input] of inputs.entries()) {
    const title = `${plainText(input.name)} (${i + 1}/${inputs.length})`;
    if (input.type === 'boolean') {
      const picked = await vscode.window.showQuickPick(['true', 'false'].map((v) => ({ label: v, description: String(input.default ?? false) === v ? 'default' : undefined })), { title, placeHolder: plainText(input.description ?? `Value of ${input.name}`) });
      if (!picked) return undefined;
      values[input.name] = picked.label;
      continue;
    }
    const value = await vscode.window.showInputBox({
      title,
      prompt: plainText(input.description ?? `Value of ${input.name} (${input.type})`),
      value: input.default !== undefined ? String(input.default) : '',
      validateInput: (v) => (input.type === 'number' && (v.trim() === '' || !Number.isFinite(Number(v))) ? `${input.name} is a number` : input.required && v === '' ? `${input.name} is required` : undefined),
    });
    if (value === undefined) return undefined;
    values[input.name] = value;
  }
  return values;
}

const WORKFLOW_TEMPLATE = (name: string) => `version: 1
name: ${name}
description: What this workflow does.
nodes:
  build:
    phase: implementation
    run: |
      echo "::progress 50 building"
      echo "version=1.0.0" >> "$MAESTRO_OUTPUT"
    outputs: [version]
  test:
    phase: testing
    needs: build
    run: echo "testing \${{ nodes.build.outputs.version }}"
`;

export function registerCommands(s: Services): vscode.Disposable[] {
  const { runs } = s;
  const guard =
    <A extends unknown[]>(name: string, f: (...args: A) => Promise<unknown>) =>
    async (...args: A) => {
      try {
        await f(...args);
      } catch (e) {
        s.log.error(`${name}: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(`Maestro: ${plainText((e as Error).message, 1000)}`);
      }
    };

  const startRun = async (uri: vscode.Uri, inputs: Record<string, string>) => {
    const doc = await vscode.workspace.openTextDocument(uri);
    const errors = s.documents.index(doc).result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      const choice = await vscode.window.showErrorMessage(`${plainText(vscode.workspace.asRelativePath(uri))} has ${errors.length} error${errors.length === 1 ? '' : 's'}: fix ${errors.length === 1 ? 'it' : 'them'} to run it.`, 'Show Problems');
      if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
      return;
    }
    if (doc.isDirty) await doc.save();
    const entry = await runs.start(uri, inputs);
    s.log.info(`started run ${entry.runId} of ${uri.fsPath}`);
  };

  const commands: [string, (...args: never[]) => unknown][] = [
    ['maestro.run', guard('run', async (arg?: unknown) => {
      if (!(await requireTrust())) return;
      const uri = await pickWorkflow(arg, s.dag);
      if (uri) await startRun(uri, {});
    })],
    ['maestro.runWithInputs', guard('runWithInputs', async (arg?: unknown) => {
      if (!(await requireTrust())) return;
      const uri = await pickWorkflow(arg, s.dag);
      if (!uri) return;
      const inputs = await askInputs(s, uri);
      if (inputs) await startRun(uri, inputs);
    })],
    ['maestro.runFromNode', guard('runFromNode', async (uri: vscode.Uri, nodeId: string) => {
      if (!(await requireTrust())) return;
      const last = runs.latestFor(uri.fsPath);
      if (!last) return startRun(uri, {});
      if (last.live && (last.status === 'running' || last.status === 'paused')) throw new Error(`the last run of ${plainText(last.workflowName)} is still ${last.status}: cancel it first`);
      const doc = await vscode.workspace.openTextDocument(uri);
      if (doc.isDirty) await doc.save();
      await runs.resume(last, nodeId);
    })],
    ['maestro.pause', guard('pause', async (arg?: unknown) => {
      const run = await pickRun(runs, arg, (r) => r.live && r.status === 'running', 'Pause which run?');
      if (run) await runs.pause(run);
    })],
    ['maestro.resume', guard('resume', async (arg?: unknown) => {
      if (!(await requireTrust())) return;
      const run = await pickRun(runs, arg, (r) => r.status === 'paused' || r.status === 'interrupted' || r.status === 'failed' || r.status === 'cancelled', 'Resume which run?');
      if (run) await runs.resume(run);
    })],
    ['maestro.cancel', guard('cancel', async (arg?: unknown) => {
      const run = await pickRun(runs, arg, (r) => r.live && (r.status === 'running' || r.status === 'paused'), 'Cancel which run?');
      if (run) await runs.cancel(run);
    })],
    ['maestro.retryNode', guard('retryNode', async (arg?: unknown) => {
      if (!(await requireTrust())) return;
      if (isNodeArg(arg)) return runs.retryNode(arg.run, arg.node.info.id);
      const run = await pickRun(runs, arg, (r) => r.status !== 'running', 'Retry a node of which run?');
      const node = run && (await pickNode(runs, run, ['failed', 'cancelled', 'skipped'], 'Retry which node?'));
      if (run && node) await runs.retryNode(run, node);
    })],
    ['maestro.retryFailed', guard('retryFailed', async (arg?: unknown) => {
      if (!(await requireTrust())) return;
      const run = await pickRun(runs, arg, (r) => r.status === 'failed' || r.status === 'cancelled' || r.status === 'interrupted', 'Retry the failed nodes of which run?');
      if (run) await runs.resume(run);
    })],
    ['maestro.approve', guard('approve', async (arg?: unknown) => {
      let gate: { entry: RunEntry; nodeId: string; prompt: string } | undefined;
      if (isNodeArg(arg)) gate = { entry: arg.run, nodeId: arg.node.info.id, prompt: arg.node.prompt ?? '' };
      else {
        const gates = runs.waitingGates();
        if (gates.length === 0) return void vscode.window.showInformationMessage('No approval gate is waiting.');
        const picked = gates.length === 1 ? { gate: gates[0] } : await vscode.window.showQuickPick(gates.map((g) => ({ label: plainText(g.nodeId), description: plainText(g.entry.workflowName), detail: plainText(g.prompt), gate: g })), { title: 'Which gate?' });
        gate = picked?.gate;
      }
      if (!gate) return;
      const decision = await vscode.window.showQuickPick(
        [
          { label: '$(pass) Approve', approved: true },
          { label: '$(circle-slash) Reject', approved: false },
        ],
        { title: plainText(`${gate.entry.workflowName} · ${gate.nodeId}`), placeHolder: plainText(gate.prompt) || 'Approve this gate?' },
      );
      if (!decision) return;
      const comment = await vscode.window.showInputBox({ title: decision.approved ? 'Approve' : 'Reject', prompt: 'A comment for the run log (optional)' });
      if (comment === undefined) return;
      await runs.approve(gate.entry, gate.nodeId, decision.approved, comment || undefined);
    })],
    ['maestro.openNodeLog', guard('openNodeLog', async (arg?: unknown) => {
      let target: { run: RunEntry; nodeId: string } | undefined;
      if (isNodeArg(arg)) target = { run: arg.run, nodeId: arg.node.info.id };
      else {
        const run = await pickRun(runs, arg, () => true, 'Open a log of which run?');
        const nodeId = run && (await pickNode(runs, run, ['running', 'retrying', 'completed', 'failed', 'cancelled', 'skipped', 'waiting', 'pending'], 'Which node?'));
        if (run && nodeId) target = { run, nodeId };
      }
      if (!target) return;
      const doc = await vscode.workspace.openTextDocument(logUri(target.run.runId, target.nodeId));
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    })],
    ['maestro.validateAll', guard('validateAll', async () => {
      const count = await s.validation.validateWorkspace();
      await vscode.commands.executeCommand('setContext', 'maestro.hasWorkflows', count > 0);
      await vscode.commands.executeCommand('maestro.diagnostics.focus');
      void vscode.window.setStatusBarMessage(`Maestro: validated ${count} workflow file${count === 1 ? '' : 's'}`, 4000);
    })],
    ['maestro.newWorkflow', guard('newWorkflow', async () => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      if (folders.length === 0) throw new Error('open a folder first: workflows live in a workspace folder');
      const folder = folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Create the workflow in which folder?' });
      if (!folder) return;
      const name = await vscode.window.showInputBox({
        title: 'New Workflow',
        prompt: 'File name (without .workflow.yaml)',
        value: 'pipeline',
        validateInput: (v) => (!/^[\w.-]+$/.test(v) ? 'Use letters, digits, dots, dashes and underscores' : existsSync(vscode.Uri.joinPath(folder.uri, `${v}.workflow.yaml`).fsPath) ? `${v}.workflow.yaml already exists` : undefined),
      });
      if (!name) return;
      const uri = vscode.Uri.joinPath(folder.uri, `${name}.workflow.yaml`);
      writeFileSync(uri.fsPath, WORKFLOW_TEMPLATE(name), { flag: 'wx' });
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    })],
    ['maestro.deleteRun', guard('deleteRun', async (arg?: unknown) => {
      const run = await pickRun(runs, arg, (r) => !(r.live && (r.status === 'running' || r.status === 'paused')), 'Delete which run?');
      if (!run) return;
      const ok = await vscode.window.showWarningMessage(`Delete run ${plainText(run.runId)} of ${plainText(run.workflowName)}, with its logs?`, { modal: true }, 'Delete');
      if (ok === 'Delete') runs.delete(run);
    })],
    ['maestro.refreshRuns', guard('refreshRuns', async () => runs.reload())],
    ['maestro.showDag', guard('showDag', async (arg?: unknown) => {
      const target = s.dag.resolveTarget(arg);
      const uri = target?.uri ?? (await pickWorkflow(undefined, s.dag, 'Show the DAG of which workflow?'));
      if (uri) s.dag.show(uri, { runId: target?.runId });
    })],
    ['maestro.showLog', guard('showLog', async () => s.log.show())],
  ];
  return commands.map(([id, f]) => vscode.commands.registerCommand(id, f));
}

/** Context keys that decide which commands show in the palette and the views. */
export function trackContextKeys(runs: RunManager): vscode.Disposable {
  const update = () => {
    const all = runs.all();
    const set = (key: string, value: boolean) => void vscode.commands.executeCommand('setContext', key, value);
    set('maestro.hasRuns', all.length > 0);
    set('maestro.activeRuns', all.some((r) => r.live && (r.status === 'running' || r.status === 'paused')));
    set('maestro.runningRuns', all.some((r) => r.live && r.status === 'running'));
    set('maestro.resumableRuns', all.some((r) => r.status === 'paused' || r.status === 'interrupted' || r.status === 'failed' || r.status === 'cancelled'));
    set('maestro.waitingGates', runs.waitingGates().length > 0);
  };
  update();
  return runs.onDidChange(update);
}
