import * as vscode from 'vscode';
import { canPauseRun, canResumeRun, isActiveRun } from '../../engine/runRules';
import type { ConnectArguments } from '../runs/engineChoice';
import type { RunManager } from '../runs/runManager';
import { interchangeCommands } from './interchangeCommands';
import { mutexCommands } from './mutexCommands';
import { handled } from './notify';
import { runCommands } from './runCommands';
import type { CommandServices } from './services';
import { viewCommands } from './viewCommands';
import { workflowCommands } from './workflowCommands';

export type { CommandServices } from './services';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const connectArguments = (v: Record<string, unknown>): ConnectArguments => ({
  ...(typeof v.url === 'string' ? { url: v.url } : {}),
  ...(typeof v.token === 'string' ? { token: v.token } : {}),
});

/** Every command, always registered; a command that cannot act says why. */
export function registerCommands(s: CommandServices): vscode.Disposable[] {
  const table = {
    ...runCommands(s),
    ...viewCommands(s),
    ...workflowCommands(s),
    ...interchangeCommands(s),
    ...mutexCommands(s),
    'maestro.connectEngine': (args?: unknown) => s.engines.connect(isObject(args) ? connectArguments(args) : {}),
    'maestro.disconnectEngine': () => s.engines.disconnect(),
  };
  return Object.entries(table).map(([id, f]) => vscode.commands.registerCommand(id, handled(id, s.log, f)));
}

/** Context keys that decide which commands show in the palette and the views. */
export function trackContextKeys(runs: RunManager): vscode.Disposable {
  const update = () => {
    const all = runs.all();
    const set = (key: string, value: boolean) => void vscode.commands.executeCommand('setContext', key, value);
    set('maestro.hasRuns', all.length > 0);
    set(
      'maestro.activeRuns',
      all.some((r) => r.live && isActiveRun(r.status)),
    );
    set(
      'maestro.runningRuns',
      all.some((r) => r.live && canPauseRun(r)),
    );
    set(
      'maestro.resumableRuns',
      all.some((r) => canResumeRun(r)),
    );
    set('maestro.waitingGates', runs.waitingGates().length > 0);
  };
  update();
  return runs.onDidChange(update);
}
