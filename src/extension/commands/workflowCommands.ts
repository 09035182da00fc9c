// Commands that make workflow files: New Workflow…, from the palette (an untitled file) or from a folder in the
// explorer (a file there), opened with its DAG panel beside it, ready to build.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { LANGUAGE_ID } from '../language/documents';
import type { CommandServices, CommandTable } from './services';

/** What a new workflow starts as: one node, so that it is valid and runs at once. */
export const NEW_WORKFLOW = (name: string) => `version: 1
name: ${name}
nodes:
  start:
    run: echo "Hello from ${name}"
`;

/** A file name in the folder that no file has yet: `new-workflow.workflow.yaml`, `new-workflow-2…`. */
function freeName(folder: vscode.Uri): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? 'new-workflow' : `new-workflow-${n}`;
    if (!existsSync(vscode.Uri.joinPath(folder, `${name}.workflow.yaml`).fsPath)) return name;
  }
}

async function askName(folder: vscode.Uri): Promise<vscode.Uri | undefined> {
  const name = await vscode.window.showInputBox({
    title: 'New Workflow',
    prompt: `File name in ${vscode.workspace.asRelativePath(folder)} (.workflow.yaml is added)`,
    value: freeName(folder),
    validateInput: (v) => {
      const base = v.replace(/\.workflow\.ya?ml$/, '');
      if (!/^[\w.-]+$/.test(base)) return 'Use letters, digits, dots, dashes and underscores';
      return existsSync(vscode.Uri.joinPath(folder, `${base}.workflow.yaml`).fsPath) ? `${base}.workflow.yaml already exists` : undefined;
    },
  });
  return name === undefined ? undefined : vscode.Uri.joinPath(folder, `${name.replace(/\.workflow\.ya?ml$/, '')}.workflow.yaml`);
}

export function workflowCommands(s: CommandServices): CommandTable {
  return {
    'maestro.newWorkflow': async (arg) => {
      const folder = arg instanceof vscode.Uri ? arg : undefined;
      let doc: vscode.TextDocument;
      if (folder) {
        const uri = await askName(folder);
        if (!uri) return;
        const name = uri.path
          .split('/')
          .pop()!
          .replace(/\.workflow\.yaml$/, '');
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(NEW_WORKFLOW(name)));
        doc = await vscode.workspace.openTextDocument(uri);
      } else {
        doc = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: NEW_WORKFLOW('New workflow') });
      }
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Active });
      s.dag.show(doc.uri, { preserveFocus: false });
    },
  };
}
