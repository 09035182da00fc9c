// The templates a new workflow can start from: those bundled with the extension, and each `*.workflow.yaml` a team
// keeps under `.maestro/templates/` in the workspace. Listed in one quick pick; their inputs asked in turn.
import * as vscode from 'vscode';
import type { Scalar } from '../../engine/model';
import { readInputValue } from '../../engine/inputValue';
import { templateInfo, type TemplateInfo } from '../../engine/templates';
import { readFileText } from '../fileText';
import { plainText } from '../ui/untrustedText';

export interface TemplateEntry {
  uri: vscode.Uri;
  source: 'bundled' | 'workspace';
  text: string;
  info: TemplateInfo;
}

/** A workspace template larger than this is not read: templates are small files. */
const MAX_TEMPLATE_BYTES = 256 * 1024;
export const WORKSPACE_TEMPLATES = '.maestro/templates/*.workflow.{yaml,yml}';

async function read(uri: vscode.Uri, source: TemplateEntry['source']): Promise<TemplateEntry | undefined> {
  try {
    // A workspace's templates may be anyone's; the bundled ones are the extension's own.
    const text = source === 'workspace' ? await readFileText(uri, MAX_TEMPLATE_BYTES) : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const info = templateInfo(text);
    return info ? { uri, source, text, info } : undefined;
  } catch {
    return undefined;
  }
}

export async function listTemplates(extensionUri: vscode.Uri): Promise<TemplateEntry[]> {
  const folder = vscode.Uri.joinPath(extensionUri, 'templates');
  let bundled: vscode.Uri[] = [];
  try {
    bundled = (await vscode.workspace.fs.readDirectory(folder))
      .filter(([name]) => name.endsWith('.workflow.yaml'))
      .map(([name]) => vscode.Uri.joinPath(folder, name));
  } catch {
    bundled = [];
  }
  const shared = await vscode.workspace.findFiles(WORKSPACE_TEMPLATES, undefined, 200);
  const entries = await Promise.all([...shared.map((u) => read(u, 'workspace')), ...bundled.map((u) => read(u, 'bundled'))]);
  return entries.filter((e): e is TemplateEntry => e !== undefined);
}

/** The quick pick of templates, the team's first; undefined when the user cancels. */
export async function pickTemplate(extensionUri: vscode.Uri, title: string): Promise<TemplateEntry | undefined> {
  const templates = await listTemplates(extensionUri);
  const items = templates.map((t) => ({
    label: plainText(t.info.name),
    description: t.source === 'workspace' ? plainText(vscode.workspace.asRelativePath(t.uri)) : `${t.info.nodes} nodes`,
    detail: t.info.description ? plainText(t.info.description) : undefined,
    template: t,
  }));
  const workspace = items.filter((i) => i.template.source === 'workspace');
  const bundled = items.filter((i) => i.template.source === 'bundled');
  const separated = [
    ...(workspace.length ? [{ label: 'This workspace', kind: vscode.QuickPickItemKind.Separator }, ...workspace] : []),
    ...(bundled.length ? [{ label: 'Bundled', kind: vscode.QuickPickItemKind.Separator }, ...bundled] : []),
  ];
  const picked = await vscode.window.showQuickPick(separated, { title, matchOnDescription: true, matchOnDetail: true, placeHolder: 'Choose a template' });
  return picked && 'template' in picked ? picked.template : undefined;
}

/** Each input of the template in turn, its default offered; undefined when the user cancels. */
export async function askInputs(info: TemplateInfo): Promise<Record<string, Scalar> | undefined> {
  const answers: Record<string, Scalar> = {};
  for (const [i, input] of info.inputs.entries()) {
    const title = `${plainText(info.name)}: ${input.name} (${i + 1}/${info.inputs.length})`;
    if (input.type === 'boolean') {
      const options = ['true', 'false'].map((label) => ({ label, picked: String(input.default) === label }));
      const picked = await vscode.window.showQuickPick(options, { title, placeHolder: input.description ? plainText(input.description) : input.name });
      if (!picked) return undefined;
      answers[input.name] = picked.label === 'true';
      continue;
    }
    const text = await vscode.window.showInputBox({
      title,
      prompt: input.description ? plainText(input.description) : `The value of ${input.name}`,
      value: input.default !== undefined ? String(input.default) : '',
      validateInput: (v) => {
        const answer = readInputValue(input, v);
        return 'error' in answer ? plainText(answer.error) : undefined;
      },
    });
    if (text === undefined) return undefined;
    const answer = readInputValue(input, text);
    if ('value' in answer) answers[input.name] = answer.value;
  }
  return answers;
}
