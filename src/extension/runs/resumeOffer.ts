import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { plainText } from '../ui/untrustedText';
import { isInWorkspace } from './startedRuns';

/**
 * Runs left interrupted (the window closed or reloaded while they ran, or the engine died): each is offered for
 * *Resume* once, on the first activation that finds it. Only runs that this installation started are offered, in
 * a trusted workspace, and only when their workflow is in the workspace: a run record is a file like any other, and
 * a repository can hold one it was given to make the editor offer something.
 */
export function offerToResumeInterrupted(c: Ctx): void {
  if (!vscode.workspace.isTrusted) return;
  const KEY = 'maestro.offeredResume';
  const state = c.extension.workspaceState;
  const offered = new Set(state.get<string[]>(KEY, []));
  const fresh = c.runs.all().filter((r) => r.status === 'interrupted' && !offered.has(r.runId) && c.startedHere.has(r.runId) && isInWorkspace(r.workflowPath));
  if (fresh.length === 0) return;
  void state.update(KEY, [...offered, ...fresh.map((r) => r.runId)].slice(-200));
  const names = plainText([...new Set(fresh.map((r) => r.workflowName))].join(', '));
  const message =
    fresh.length === 1
      ? `${names} was interrupted while it ran (the window closed, or the engine stopped).`
      : `${fresh.length} runs were interrupted while they ran (${names}).`;
  void vscode.window
    .showInformationMessage(
      `${message} Resume continues from where it stopped; completed nodes do not run again.`,
      fresh.length === 1 ? 'Resume' : 'Resume All',
      'Show DAG',
    )
    .then(async (choice) => {
      if (choice === 'Show DAG') await vscode.commands.executeCommand('maestro.showDag', fresh[0].runId);
      else if (choice) for (const r of fresh) await vscode.commands.executeCommand('maestro.resume', r.runId);
    });
}
