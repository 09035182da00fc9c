// Commands that show things: the DAG, a node's log, the extension's log; and the ones that look again: validate
// every workflow, refresh the runs.
import * as vscode from 'vscode';
import { logUri } from '../runs/nodeLogs';
import type { RunEntry } from '../runs/runManager';
import { parseArg } from './arguments';
import { pickNode, pickRun, pickWorkflow } from './pickers';
import type { CommandServices, CommandTable } from './services';

export function viewCommands(s: CommandServices): CommandTable {
  return {
    'maestro.showDag': async (arg) => {
      const target = parseArg(arg);
      const run = target.kind === 'run' || target.kind === 'node' ? s.runs.get(target.runId) : undefined;
      if (run) return void s.dag.show(vscode.Uri.file(run.workflowPath), { runId: run.runId });
      const uri = await pickWorkflow(target, s.dag, 'Show the DAG of which workflow?');
      if (uri) s.dag.show(uri);
    },
    'maestro.lockDagPanel': async () => lockDagPanel(s, true),
    'maestro.unlockDagPanel': async () => lockDagPanel(s, false),
    'maestro.showInsights': async (arg) => {
      const target = parseArg(arg);
      const run = target.kind === 'run' || target.kind === 'node' ? s.runs.get(target.runId) : undefined;
      const uri = run ? vscode.Uri.file(run.workflowPath) : await pickWorkflow(target, s.dag, 'Show the insights of which workflow?');
      if (uri) s.insights.show(uri);
    },
    'maestro.openNodeLog': async (arg) => {
      const target = parseArg(arg);
      let open: { run: RunEntry; nodeId: string } | undefined;
      if (target.kind === 'node') {
        const run = s.runs.get(target.runId);
        if (run) open = { run, nodeId: target.nodeId };
      } else {
        const run = await pickRun(s.runs, target, () => true, 'Open a log of which run?');
        const nodeId =
          run && (await pickNode(s.runs, run, ['running', 'retrying', 'completed', 'failed', 'cancelled', 'skipped', 'waiting', 'pending'], 'Which node?'));
        if (run && nodeId) open = { run, nodeId };
      }
      if (!open) return;
      const doc = await vscode.workspace.openTextDocument(logUri(open.run.runId, open.nodeId));
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    },
    'maestro.validateAll': async () => {
      const count = await s.validation.validateWorkspace();
      await vscode.commands.executeCommand('setContext', 'maestro.hasWorkflows', count > 0);
      await vscode.commands.executeCommand('maestro.diagnostics.focus');
      void vscode.window.setStatusBarMessage(`Maestro: validated ${count} workflow file${count === 1 ? '' : 's'}`, 4000);
    },
    'maestro.refreshRuns': async () => s.runs.reload(),
    'maestro.showLog': async () => s.log.show(),
  };
}

function lockDagPanel(s: CommandServices, locked: boolean): void {
  if (!s.dag.lockActive(locked)) void vscode.window.showInformationMessage(`Maestro: focus a DAG panel to ${locked ? 'lock' : 'unlock'} it.`);
}
