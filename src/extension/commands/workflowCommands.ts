// Commands that make workflow files.
import { existsSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CommandServices, CommandTable } from './services';

const NEW_WORKFLOW = (name: string) => `version: 1
name: ${name}
description: What this workflow does.
nodes:
  build:
    phase: implementation
    run: |
      echo "::progress 50 building"
      echo "version=1.0.0" >> "$MAESTRO_OUTPUT"
    outputs: [version]
  test:
    phase: testing
    needs: build
    run: echo "testing \${{ nodes.build.outputs.version }}"
`;

export function workflowCommands(_s: CommandServices): CommandTable {
  return {
    'maestro.newWorkflow': async () => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      if (folders.length === 0) throw new Error('open a folder first: workflows live in a workspace folder');
      const folder = folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Create the workflow in which folder?' });
      if (!folder) return;
      const name = await vscode.window.showInputBox({
        title: 'New Workflow',
        prompt: 'File name (without .workflow.yaml)',
        value: 'pipeline',
        validateInput: (v) =>
          !/^[\w.-]+$/.test(v)
            ? 'Use letters, digits, dots, dashes and underscores'
            : existsSync(vscode.Uri.joinPath(folder.uri, `${v}.workflow.yaml`).fsPath)
              ? `${v}.workflow.yaml already exists`
              : undefined,
      });
      if (!name) return;
      const uri = vscode.Uri.joinPath(folder.uri, `${name}.workflow.yaml`);
      writeFileSync(uri.fsPath, NEW_WORKFLOW(name), { flag: 'wx' });
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    },
  };
}
