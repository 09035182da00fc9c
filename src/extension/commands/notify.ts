import * as vscode from 'vscode';
import { ActionRefused } from '../runs/runActions';
import { plainText } from '../ui/untrustedText';

/**
 * A command's handler, with its errors shown: the one place where errors become notifications. A refusal offers its
 * way out (manage trust, show the problems); anything else is logged and shown.
 */
export function handled<A extends unknown[]>(name: string, log: vscode.LogOutputChannel, f: (...args: A) => Promise<unknown>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await f(...args);
    } catch (e) {
      await showError(name, log, e);
    }
  };
}

async function showError(name: string, log: vscode.LogOutputChannel, e: unknown): Promise<void> {
  const message = plainText((e as Error).message, 1000);
  if (e instanceof ActionRefused && e.kind === 'untrusted') {
    const choice = await vscode.window.showWarningMessage(message, 'Manage Workspace Trust');
    if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  if (e instanceof ActionRefused && e.kind === 'invalid-workflow') {
    const choice = await vscode.window.showErrorMessage(`${message}.`, 'Show Problems');
    if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
    return;
  }
  log.error(`${name}: ${(e as Error).message}`);
  void vscode.window.showErrorMessage(`Maestro: ${message}`);
}
