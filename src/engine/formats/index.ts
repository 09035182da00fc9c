// Every format a workflow goes to or comes from, for the CLI and the extension alike.
import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { checkoutRoot } from '../gitCheckout';
import type { WorkflowSpec } from '../model';
import { toArgo, type ArgoExportOptions } from './argo/export';
import { fromArgo, looksLikeArgo } from './argo/import';
import { toGithubActions } from './githubActions/export';
import { fromGithubActions } from './githubActions/import';
import { type LocalActions, MAX_ACTION_BYTES, readLocalActions } from './githubActions/localActions';
import { graphJson, toDot, toMermaid } from './graph';
import { ImportError, type ImportResult } from './importTypes';

export const EXPORT_FORMATS = ['github-actions', 'argo', 'mermaid', 'dot', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const IMPORT_FORMATS = ['github-actions', 'argo'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ExportOptions extends ArgoExportOptions {
  /** The workflow file's folder relative to the repository's root (GitHub Actions runs from the root). */
  baseDir?: string;
}

/** What an export is called and where it usually goes. */
export const EXPORT_TARGETS: Record<ExportFormat, { label: string; extension: string }> = {
  'github-actions': { label: 'GitHub Actions workflow', extension: '.yml' },
  argo: { label: 'Argo Workflows Workflow', extension: '.argo.yaml' },
  mermaid: { label: 'Mermaid flowchart', extension: '.mmd' },
  dot: { label: 'Graphviz DOT graph', extension: '.dot' },
  json: { label: 'JSON graph', extension: '.graph.json' },
};

/** A workflow in another format; throws a ConversionError naming what cannot be translated (unless lenient). */
export function exportWorkflow(spec: WorkflowSpec, format: ExportFormat, options: ExportOptions = {}): string {
  switch (format) {
    case 'github-actions':
      return toGithubActions(spec, options);
    case 'argo':
      return toArgo(spec, options);
    case 'mermaid':
      return toMermaid(spec);
    case 'dot':
      return toDot(spec);
    case 'json':
      return JSON.stringify(graphJson(spec), null, 2) + '\n';
  }
}

/** Which importer reads a file: Argo's resources say so in their apiVersion; anything else is tried as GitHub's. */
export function detectImportFormat(text: string): ImportFormat {
  return looksLikeArgo(text) ? 'argo' : 'github-actions';
}

/** A file of ours: `version` and `nodes` at its top level, and no `jobs` (a GitHub workflow with a `version` input). */
const looksLikeOurs = (text: string): boolean => /^version:[ \t]*1\b/m.test(text) && /^nodes:/m.test(text) && !/^jobs:/m.test(text);

/** Another format's workflow as ours; throws an ImportError naming the construct and its line when it cannot. */
export async function importWorkflow(
  text: string,
  fileName: string,
  options: { format?: ImportFormat; baseDir?: string; localActions?: LocalActions } = {},
): Promise<ImportResult> {
  if (options.format === undefined && looksLikeOurs(text)) {
    const message = "this is a Maestro workflow already (it has 'version' and 'nodes'): nothing to import (export writes it for another engine)";
    throw new ImportError(fileName, [{ line: 1, column: 1, message }]);
  }
  const format = options.format ?? detectImportFormat(text);
  return format === 'argo' ? fromArgo(text, fileName) : fromGithubActions(text, fileName, { baseDir: options.baseDir, localActions: options.localActions });
}

/**
 * The root of the repository a GitHub workflow file is in: its Git checkout's, else the folder that holds its
 * `.github/workflows`; undefined when neither is.
 */
async function workflowRepository(file: string): Promise<string | undefined> {
  const start = dirname(resolve(file));
  const inWorkflows = /^(.*)[\\/]\.github[\\/]workflows$/.exec(start);
  return (await checkoutRoot(start)) ?? (inWorkflows ? inWorkflows[1] || sep : undefined);
}

/**
 * The repository's actions a GitHub workflow file's steps use (`uses: ./.github/actions/setup`), read from its
 * repository: a file outside it (through `..` or a link) or bigger than an action file is, is not read.
 */
export async function localActionsOf(file: string, text: string): Promise<LocalActions> {
  const root = await workflowRepository(file);
  if (!root) return new Map();
  const inside = await realpath(root);
  return readLocalActions(text, async (path) => {
    try {
      const real = await realpath(resolve(root, path));
      if (!real.startsWith(inside.endsWith(sep) ? inside : inside + sep)) return undefined;
      const info = await stat(real);
      return info.isFile() && info.size <= MAX_ACTION_BYTES ? await readFile(real, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  });
}

/** A folder relative to the repository that holds it (the nearest folder above with `.git`), '' at its root. */
export function repositoryRelative(folder: string): string {
  const start = resolve(folder);
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return relative(dir, start).split(sep).join('/');
    if (dirname(dir) === dir) return '';
  }
}

export { ConversionError, problemText } from './problems';
export { ImportError, type CalledWorkflow } from './importTypes';
export { calledFiles } from './githubActions/reusableCall';
export { type LocalActions } from './githubActions/localActions';
