import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { isInside, realPath } from '../../engine/paths';

/**
 * The runs this installation of the extension started or resumed, remembered across windows: the only runs it
 * offers to resume on its own. A run record found in a workspace is otherwise just a file someone may have written.
 */
export class StartedRuns {
  private static readonly KEY = 'maestro.startedRuns';
  private static readonly KEEP = 1000;

  constructor(private readonly memento: vscode.Memento) {}

  has(runId: string): boolean {
    return this.memento.get<string[]>(StartedRuns.KEY, []).includes(runId);
  }

  async remember(runId: string): Promise<void> {
    const known = this.memento.get<string[]>(StartedRuns.KEY, []);
    if (known.includes(runId)) return;
    await this.memento.update(StartedRuns.KEY, [...known, runId].slice(-StartedRuns.KEEP));
  }
}

/** Whether a file is inside one of the workspace's folders (as they are named, or with their links resolved). */
export function isInWorkspace(path: string): boolean {
  const file = resolve(path);
  return (vscode.workspace.workspaceFolders ?? []).some(
    (f) => f.uri.scheme === 'file' && (isInside(file, f.uri.fsPath) || isInside(file, realPath(f.uri.fsPath))),
  );
}
