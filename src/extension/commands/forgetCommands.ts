// Forget Kept Results and Forget Remembered Secret Inputs: what the user asks the engine and the window to forget.
import * as vscode from 'vscode';
import { writesSharedCache } from '../../engine/run/io/sharedCacheSource';
import { isWorkflowDocument } from '../language/documents';
import { sharedCacheInUse } from '../runs/runManager';
import { plainText } from '../ui/untrustedText';
import { parseArg } from './arguments';
import { forgetChoices, type ForgetScope } from './forgetChoices';
import type { CommandServices } from './services';

export async function forgetSecretInputs(s: CommandServices): Promise<void> {
  const forgotten = await s.prompts.forgetSecrets();
  const one = forgotten === 1;
  void vscode.window.showInformationMessage(
    forgotten
      ? `Forgot ${forgotten} secret input value${one ? '' : 's'}: the next run asks for ${one ? 'it' : 'them'}.`
      : 'No secret input values are remembered.',
  );
}

export async function forgetKeptResults(s: CommandServices, arg: unknown): Promise<void> {
  const scope = await forgetScope(s, arg);
  if (!scope || (scope.shared && !(await teamAgrees(scope)))) return;
  const removed = await s.actions.forgetKeptResults(scope.uri, { shared: scope.shared });
  const what = `kept result${removed === 1 ? '' : 's'}`;
  const where = scope.shared ? ", yours and the team's" : '';
  // The workflow's path comes from the workspace: shown as plain text, never as a link.
  const of = plainText(scope.of);
  void vscode.window.showInformationMessage(
    removed ? `Forgot ${removed} ${what}${of}${where}: those nodes run next time.` : `No kept results to forget${of}${where}.`,
  );
}

/** The workflow given or in view, or all, as the user picks; the team's results of it too when a shared cache is written. */
async function forgetScope(s: CommandServices, arg: unknown): Promise<ForgetScope<vscode.Uri> | undefined> {
  const given = parseArg(arg);
  const editor = vscode.window.activeTextEditor;
  const uri = given.kind === 'file' ? given.uri : editor && isWorkflowDocument(editor.document) ? editor.document.uri : s.dag.activeWorkflow();
  if (given.kind === 'file') return { uri, of: ` of ${vscode.workspace.asRelativePath(given.uri)}` };
  const name = uri && vscode.workspace.asRelativePath(uri);
  // A machine that only reads the team's results does not forget them either (`runs forget --shared` can).
  const shared = sharedCacheInUse().settings;
  const team = shared !== undefined && writesSharedCache(shared);
  const items = forgetChoices({ uri, name, team, served: s.engines.engine !== undefined });
  const picked = await vscode.window.showQuickPick(items, { title: 'Forget Kept Results: nodes with cache run again next time' });
  return picked?.scope;
}

/** Forgetting the team's results changes every teammate's next run: asked once more. */
async function teamAgrees(scope: ForgetScope<vscode.Uri>): Promise<boolean> {
  const answer = await vscode.window.showWarningMessage(
    `Forget the team's kept results${plainText(scope.of)}?`,
    { modal: true, detail: "They are deleted from the shared folder: every teammate's next run of those nodes runs them again." },
    'Forget',
  );
  return answer === 'Forget';
}
