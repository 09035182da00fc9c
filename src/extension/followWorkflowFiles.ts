// Keeps what the window remembers by workflow file with the files as the workspace renames, moves and deletes them.
import * as vscode from 'vscode';
import type { FollowsWorkflowFiles } from './workflowFileMoves';

export function followWorkflowFiles(stores: readonly FollowsWorkflowFiles[], warn: (problem: string) => void): vscode.Disposable {
  const each = (what: string, act: (store: FollowsWorkflowFiles) => Promise<void>) => {
    for (const store of stores) act(store).catch((e: unknown) => warn(`what Maestro remembers of ${what} could not follow them: ${(e as Error).message}`));
  };
  return vscode.Disposable.from(
    vscode.workspace.onDidRenameFiles((e) => {
      const moves = e.files.map((f) => ({ from: f.oldUri.toString(), to: f.newUri.toString() }));
      each('the files moved', (store) => store.followMoves(moves));
    }),
    vscode.workspace.onDidDeleteFiles((e) => {
      const gone = e.files.map((uri) => uri.toString());
      each('the files deleted', (store) => store.forgetGone(gone));
    }),
  );
}
