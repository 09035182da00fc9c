// Renaming or moving files in the workspace keeps its workflows' `workflow:` paths right: once the files have moved,
// the workflow files that name a moved file, or that moved themselves, are edited (an undo of its own, as the
// editor's own import updates are).
import * as vscode from 'vscode';
import { subWorkflowPathEdits, unmovedPath, type FileMove } from '../../engine/edits/subWorkflowPaths';
import { validateWorkflow } from '../../engine/validation/validate';
import { buildIndex } from '../../engine/workflowIndex';
import { toRange } from '../convert';
import { plainText } from '../ui/untrustedText';
import { findWorkflowFiles } from './documents';
import { workflowTextOf } from './workflowTexts';

export function followFileMoves(): vscode.Disposable {
  return vscode.workspace.onDidRenameFiles((e) => {
    const moves: FileMove[] = e.files
      .filter((f) => f.oldUri.scheme === 'file' && f.newUri.scheme === 'file')
      .map((f) => ({ from: f.oldUri.fsPath, to: f.newUri.fsPath }));
    if (!moves.length) return;
    void pathEdits(moves)
      .then((edit) => edit.size > 0 && vscode.workspace.applyEdit(edit, { isRefactoring: true }))
      .catch((err: unknown) =>
        vscode.window.showWarningMessage(`Maestro could not update the workflow: paths that name the moved files: ${plainText((err as Error).message)}`),
      );
  });
}

async function pathEdits(moves: readonly FileMove[]): Promise<vscode.WorkspaceEdit> {
  const edit = new vscode.WorkspaceEdit();
  for (const uri of await findWorkflowFiles()) {
    if (uri.scheme !== 'file') continue;
    const file = await workflowTextOf(uri);
    // Most workflows run no sub-workflow: they are not parsed.
    if (!file?.text.includes('workflow:')) continue;
    // The file is where it moved to; the edits are worked out from where it was.
    const edits = subWorkflowPathEdits(buildIndex(validateWorkflow(file.text)), unmovedPath(uri.fsPath, moves), moves);
    if (!edits.length) continue;
    const doc = file.doc ?? (await vscode.workspace.openTextDocument(uri));
    for (const e of edits) edit.replace(uri, toRange(doc, e.span), e.newText);
  }
  return edit;
}
