// Commands that make workflow files: New Workflow…, from the palette (an untitled file) or from a folder in the
// explorer (a file there), opened with its DAG panel beside it, ready to build.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { LANGUAGE_ID } from '../language/documents';
import { instantiate, templateNodes } from '../../engine/templates';
import { askInputs, pickTemplate } from '../templates/templateCatalog';
import { documentColumn } from '../ui/documentColumn';
import { parseArg } from './arguments';
import { pickWorkflow } from './pickers';
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

/** Where a new workflow goes: the folder given (from the explorer), else the first workspace folder on disk. */
function targetFolder(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri;
}

/** Writes a new workflow file (asking its name in the folder) or opens it untitled; then its DAG panel beside it. */
async function openNewWorkflow(s: CommandServices, folder: vscode.Uri | undefined, content: (name: string) => string): Promise<void> {
  let doc: vscode.TextDocument;
  if (folder) {
    const uri = await askName(folder);
    if (!uri) return;
    const name = uri.path
      .split('/')
      .pop()!
      .replace(/\.workflow\.yaml$/, '');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content(name)));
    doc = await vscode.workspace.openTextDocument(uri);
  } else {
    doc = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: content('New workflow') });
  }
  await vscode.window.showTextDocument(doc, { viewColumn: documentColumn() });
  s.dag.show(doc.uri, { preserveFocus: false });
}

export function workflowCommands(s: CommandServices): CommandTable {
  return {
    // From the palette, an untitled file (nothing to name yet); from a folder in the explorer, a file there.
    'maestro.newWorkflow': (arg) => openNewWorkflow(s, arg instanceof vscode.Uri ? arg : undefined, NEW_WORKFLOW),
    'maestro.newWorkflowFromTemplate': async (arg) => {
      const template = await pickTemplate(s.extensionUri, 'New Workflow from Template');
      if (!template) return;
      const answers = await askInputs(template.info);
      if (!answers) return;
      await openNewWorkflow(s, targetFolder(arg), (name) => instantiate(template.text, { name, answers }));
    },
    /** Pastes a template's nodes into a workflow (the DAG panel's builder asks through here, with the node to follow). */
    'maestro.insertTemplate': async (arg, after) => {
      const uri = arg instanceof vscode.Uri ? arg : await pickWorkflow(parseArg(arg), s.dag, 'Insert a template into which workflow?');
      if (!uri) return { applied: false };
      const template = await pickTemplate(s.extensionUri, 'Insert Template');
      if (!template) return { applied: false };
      const nodes = templateNodes(template.text);
      if ('error' in nodes) throw new Error(nodes.error);
      return s.dag.editor(uri).edit({ type: 'paste', text: nodes.text, ...(typeof after === 'string' ? { after } : {}) });
    },
  };
}
