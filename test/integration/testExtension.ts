// The extension as the integration run installs it: the real activate(), then the suites, in the same extension
// host. It exists only in the test build (the launcher puts it in place of the installed extension's entry), so that
// the production activate() has no test hook.
import * as vscode from 'vscode';
import { activate as activateExtension, deactivate, type MaestroApi } from '../../src/extension/extension';
import { run } from './index';

export function activate(context: vscode.ExtensionContext): MaestroApi {
  const api = activateExtension(context);
  void run({ vscode, api }).catch((e: unknown) => console.error(`integration tests failed to run: ${String(e)}`));
  return api;
}

export { deactivate };
