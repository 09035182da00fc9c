// The entry @vscode/test-electron loads (extensionTestsPath): the same suites, with the extension's API.
import * as vscode from 'vscode';
import type { MaestroApi } from '../../src/extension/extension';
import { run as runSuites } from './index';

export async function run(): Promise<void> {
  const extension = vscode.extensions.all.find((e) => e.id.endsWith('.maestro-dag'));
  if (!extension) throw new Error('the Maestro extension is not loaded');
  const api = (await extension.activate()) as MaestroApi;
  await runSuites({ vscode, api });
}
