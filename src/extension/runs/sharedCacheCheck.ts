// The team's shared cache, checked when its settings change: what would keep runs from using it is said at once,
// rather than in the next run's log.
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { readsSharedCacheOnly, sharedCacheKey } from '../../engine/run/io/sharedCacheSource';
import { plainText } from '../ui/untrustedText';
import { sharedCacheInUse } from './runManager';

/** Why the shared cache the settings (or the environment) name cannot be used, or its folder is not there. */
export function sharedCacheProblem(): string | undefined {
  const config = vscode.workspace.getConfiguration('maestro');
  const [folder, keyFile] = ['cache.sharedFolder', 'cache.sharedKeyFile'].map((name) => config.get<string>(name)?.trim());
  if (!folder !== !keyFile) {
    const [set, unset] = folder ? ['sharedFolder', 'sharedKeyFile'] : ['sharedKeyFile', 'sharedFolder'];
    return `maestro.cache.${set} is set, but not maestro.cache.${unset}: the shared cache is not used until both are`;
  }
  const { settings, problem } = sharedCacheInUse();
  if (!settings) return problem;
  const key = sharedCacheKey(settings);
  if ('problem' in key) return key.problem;
  if (statSync(key.folder, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  const notThere = `the shared cache's folder ${key.folder} is not there (is its drive mounted?)`;
  // A machine that only reads the folder never makes it.
  return readsSharedCacheOnly(settings, key.keys) ? `${notThere}: no result is found in it` : `${notThere}: the first result kept makes it`;
}

export function checkSharedCache(log: vscode.LogOutputChannel): void {
  const problem = sharedCacheProblem();
  if (!problem) return;
  log.warn(problem);
  void vscode.window
    .showWarningMessage(`Maestro: ${plainText(problem)}`, 'Open Settings')
    .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', 'maestro.cache.shared'));
}
