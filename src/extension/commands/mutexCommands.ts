// Release Mutex…: the mutexes held on the engine's machine, and giving back one whose holder cannot (a run killed
// whose process id another process got since keeps its lock looking held). From the palette, from a node or a
// run of the Runs view that waits for one, or from the view's held mutexes.
import * as vscode from 'vscode';
import type { HeldMutex } from '../../engine/protocol';
import { plainText } from '../ui/untrustedText';
import { parseArg } from './arguments';
import { heldHereText, mutexChoices, mutexHolderOf, releaseWarning } from './mutexChoices';
import type { CommandServices, CommandTable } from './services';

export function mutexCommands(s: CommandServices): CommandTable {
  return { 'maestro.releaseMutex': (arg) => releaseMutex(s, arg) };
}

async function releaseMutex(s: CommandServices, arg: unknown): Promise<void> {
  const held = (await s.actions.heldMutexes()).mutexes;
  const target = parseArg(arg);
  if (target.kind === 'mutex') {
    const found = held.find((m) => m.mutex === target.mutex);
    if (!found) {
      s.heldMutexes.refreshSoon();
      return void vscode.window.showInformationMessage(`The mutex ${plainText(target.mutex)} is no longer held.`);
    }
    return releaseChosen(s, found);
  }
  const waitedFor = mutexWaitedFor(s, arg);
  if (waitedFor !== undefined) {
    const found = held.find((m) => m.mutex === waitedFor);
    if (!found)
      return void vscode.window.showInformationMessage(`No run holds the mutex ${plainText(waitedFor)} now: the run that waits for it takes it next.`);
    return releaseChosen(s, found);
  }
  const where = s.engines.engine ? "on the served engine's machine" : 'on this machine';
  if (held.length === 0) return void vscode.window.showInformationMessage(`No mutex is held ${where}.`);
  const picked = await vscode.window.showQuickPick(mutexChoices(held, Date.now()), {
    title: `Release Mutex: the mutexes held ${where}`,
    placeHolder: "Give one back whose holder cannot: a run that was killed, its process id another process's since",
    matchOnDescription: true,
  });
  if (picked) await releaseChosen(s, picked.held);
}

async function releaseChosen(s: CommandServices, held: HeldMutex): Promise<void> {
  if (held.here) return void vscode.window.showInformationMessage(heldHereText(held));
  const warning = releaseWarning(held);
  if (warning && (await vscode.window.showWarningMessage(warning.message, { modal: true, detail: warning.detail }, 'Release')) !== 'Release') return;
  const released = await s.actions.releaseMutex(held.mutex);
  s.heldMutexes.refreshSoon();
  void vscode.window.showInformationMessage(`Released the mutex ${plainText(released.mutex)}, held by ${mutexHolderOf(released)}.`);
}

/** The mutex the run or node the command was called on waits for, if it waits for one. */
function mutexWaitedFor(s: CommandServices, arg: unknown): string | undefined {
  const target = parseArg(arg);
  if (target.kind !== 'run' && target.kind !== 'node') return undefined;
  const state = s.runs.get(target.runId)?.state;
  return target.kind === 'node' ? state?.nodes.get(target.nodeId)?.blockedBy?.mutex : state?.blockedBy?.mutex;
}
