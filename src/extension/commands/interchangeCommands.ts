// Export Workflow… and Import Workflow…: the engine's formats, from the palette, the editor and the explorer.
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import type { CalledWorkflow, ExportFormat } from '../../engine/formats';
import { formatsModule } from './formatsModule';
import { readFileText } from '../fileText';
import { documentColumn } from '../ui/documentColumn';
import { plainText } from '../ui/untrustedText';
import { parseArg } from './arguments';
import { pickWorkflow } from './pickers';
import type { CommandServices, CommandTable } from './services';

/** A file to import larger than this is refused: workflows are small, and the import holds it in memory. */
const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

type ExportChoice = { format: ExportFormat; template?: boolean; label: string; detail: string };

const EXPORT_CHOICES: ExportChoice[] = [
  { format: 'github-actions', label: 'GitHub Actions', detail: 'One job per node, to run on GitHub (.github/workflows)' },
  { format: 'argo', label: 'Argo Workflows: Workflow', detail: 'A dag template, each node a script in a container, to submit to a cluster' },
  { format: 'argo', template: true, label: 'Argo Workflows: WorkflowTemplate', detail: 'The same, kept in the cluster and submitted by name' },
  { format: 'mermaid', label: 'Mermaid flowchart', detail: 'For Markdown documentation' },
  { format: 'dot', label: 'Graphviz DOT', detail: 'For dot and other graph tools' },
  { format: 'json', label: 'JSON graph', detail: 'Nodes and edges, for other tools' },
];

const stem = (uri: vscode.Uri) =>
  basename(uri.fsPath)
    .replace(/\.workflow\.ya?ml$/, '')
    .replace(/\.ya?ml$/, '');

const EXTENSIONS: Record<ExportFormat, string> = { 'github-actions': '.yml', argo: '.argo.yaml', mermaid: '.mmd', dot: '.dot', json: '.graph.json' };

function defaultTarget(uri: vscode.Uri, choice: ExportChoice): vscode.Uri {
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri;
  if (choice.format === 'github-actions' && folder) return vscode.Uri.joinPath(folder, '.github', 'workflows', `${stem(uri)}.yml`);
  return vscode.Uri.file(`${dirname(uri.fsPath)}/${stem(uri)}${EXTENSIONS[choice.format]}`);
}

/** The export, asking whether to write what cannot be translated as comments; undefined when the user declines. */
async function exported(s: CommandServices, text: () => string, lenientText: () => string, target: string): Promise<string | undefined> {
  const { ConversionError, problemText } = formatsModule(s.extensionUri.fsPath);
  const log = s.log;
  try {
    return text();
  } catch (e) {
    if (!(e instanceof ConversionError)) throw e;
    log.warn(e.message);
    const first = plainText(problemText(e.problems[0]));
    const more = e.problems.length > 1 ? ` (and ${e.problems.length - 1} more, in the Maestro log)` : '';
    const choice = await vscode.window.showWarningMessage(
      `Cannot export to ${target} without changing what the workflow does: ${first}${more}.`,
      'Export with Comments',
      'Show Log',
    );
    if (choice === 'Show Log') log.show();
    return choice === 'Export with Comments' ? lenientText() : undefined;
  }
}

async function exportCommand(s: CommandServices, arg: unknown): Promise<void> {
  const uri = await pickWorkflow(parseArg(arg), s.dag, 'Export which workflow?');
  if (!uri) return;
  const choice = await vscode.window.showQuickPick(EXPORT_CHOICES, { title: 'Export Workflow', placeHolder: 'Export to' });
  if (!choice) return;
  const doc = await vscode.workspace.openTextDocument(uri);
  const result = s.documents.index(doc).result;
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) {
    void vscode.window.showErrorMessage(`The workflow has ${errors} error${errors === 1 ? '' : 's'}: fix them before exporting.`);
    return;
  }
  const { exportWorkflow, repositoryRelative } = formatsModule(s.extensionUri.fsPath);
  const options = { template: choice.template, baseDir: uri.scheme === 'file' ? repositoryRelative(dirname(uri.fsPath)) : '' };
  const text = await exported(
    s,
    () => exportWorkflow(result.workflow, choice.format, options),
    () => exportWorkflow(result.workflow, choice.format, { ...options, lenient: true }),
    choice.label,
  );
  if (text === undefined) return;
  const target = await vscode.window.showSaveDialog({ title: `Export to ${choice.label}`, defaultUri: defaultTarget(uri, choice), saveLabel: 'Export' });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(target, { preview: false, viewColumn: documentColumn() });
}

async function importCommand(s: CommandServices, arg: unknown): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const source =
    arg instanceof vscode.Uri
      ? arg
      : (
          await vscode.window.showOpenDialog({
            title: 'Import a GitHub Actions or Argo Workflows workflow',
            filters: { YAML: ['yml', 'yaml'] },
            defaultUri: folder ? vscode.Uri.joinPath(folder, '.github', 'workflows') : undefined,
            openLabel: 'Import',
          })
        )?.[0];
  if (!source) return;
  const text = await readFileText(source, MAX_IMPORT_BYTES);
  const into = vscode.workspace.getWorkspaceFolder(source)?.uri ?? folder ?? vscode.Uri.file(dirname(source.fsPath));
  const target = await vscode.window.showSaveDialog({
    title: 'Save the imported workflow',
    defaultUri: vscode.Uri.joinPath(into, `${stem(source)}.workflow.yaml`),
    filters: { Workflow: ['yaml'] },
    saveLabel: 'Import',
  });
  if (!target) return;
  const { ImportError, importWorkflow, localActionsOf, repositoryRelative } = formatsModule(s.extensionUri.fsPath);
  let result;
  try {
    result = await importWorkflow(text, vscode.workspace.asRelativePath(source), {
      baseDir: target.scheme === 'file' ? repositoryRelative(dirname(target.fsPath)) : '',
      localActions: source.scheme === 'file' ? await localActionsOf(source.fsPath, text) : undefined,
    });
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    const p = e.problems[0];
    const choice = await vscode.window.showErrorMessage(
      `Cannot import ${plainText(basename(source.fsPath))}: line ${p.line}: ${plainText(p.message)}`,
      'Open File',
    );
    if (choice)
      await vscode.window.showTextDocument(source, {
        viewColumn: documentColumn(),
        selection: new vscode.Range(p.line - 1, Math.max(0, p.column - 1), p.line - 1, Math.max(0, p.column - 1)),
      });
    return;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.text));
  await vscode.window.showTextDocument(target, { viewColumn: documentColumn() });
  s.dag.show(target, { preserveFocus: true });
  const left = result.notImported.length;
  if (left)
    void vscode.window.showWarningMessage(
      `${left} thing${left === 1 ? ' was' : 's were'} not imported: each is marked '# not imported:' in the file and listed in Problems.`,
    );
  if (result.calls && target.scheme === 'file' && source.scheme === 'file') void offerCalledImports(s, source, target, result.calls);
}

/** Offers to import the workflows of the repository that the imported one calls, where their imports are not yet. */
async function offerCalledImports(s: CommandServices, source: vscode.Uri, target: vscode.Uri, calls: readonly CalledWorkflow[]): Promise<void> {
  const { calledFiles } = formatsModule(s.extensionUri.fsPath);
  const missing = calledFiles(source.fsPath, target.fsPath, calls).filter((f) => existsSync(f.source) && !existsSync(f.target));
  if (!missing.length) return;
  const names = missing.map((f) => basename(f.source)).join(', ');
  const them = missing.length === 1 ? `it too, as ${basename(missing[0].target)}` : 'them too';
  const choice = await vscode.window.showInformationMessage(
    `${plainText(basename(source.fsPath))} calls ${plainText(names)}: import ${plainText(them)}?`,
    'Import',
  );
  if (choice !== 'Import') return;
  const { ImportError, importWorkflow, localActionsOf, repositoryRelative } = formatsModule(s.extensionUri.fsPath);
  const written: string[] = [];
  for (const { source: called, target: into } of missing) {
    try {
      const text = await readFileText(vscode.Uri.file(called), MAX_IMPORT_BYTES);
      const imported = await importWorkflow(text, vscode.workspace.asRelativePath(called), {
        baseDir: repositoryRelative(dirname(into)),
        localActions: await localActionsOf(called, text),
      });
      await vscode.workspace.fs.writeFile(vscode.Uri.file(into), new TextEncoder().encode(imported.text));
      written.push(basename(into));
    } catch (e) {
      if (!(e instanceof ImportError)) throw e;
      void vscode.window.showErrorMessage(`Cannot import ${plainText(basename(called))}: ${plainText(e.message)}`);
    }
  }
  if (written.length) void vscode.window.showInformationMessage(`Imported ${plainText(written.join(', '))} beside ${plainText(basename(target.fsPath))}.`);
}

export function interchangeCommands(s: CommandServices): CommandTable {
  return {
    'maestro.exportWorkflow': (arg) => exportCommand(s, arg),
    'maestro.importWorkflow': (arg) => importCommand(s, arg),
  };
}
