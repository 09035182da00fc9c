// Completion for sub-workflows: the workflow files a node's `workflow:` may name (written relative to the file, as
// the engine reads them, nearest first), and the inputs the named file declares, as keys under the node's `with:`.
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { pathScalar } from '../../engine/edits/subWorkflowPaths';
import type { InputSpec } from '../../engine/model';
import type { WorkflowIndex } from '../../engine/workflowIndex';
import { markdownText } from '../ui/untrustedText';
import type { CompletionItem } from './completion';
import type { CursorContext } from './cursorContext';

/**
 * What completion needs beyond the document: where it is, the workspace's workflow files, their inputs and outputs,
 * and what the script files a node runs write.
 */
export interface FileLookups {
  /** The document's file (absolute). */
  file: string;
  /** The workspace's workflow files (absolute). */
  workflowFiles: readonly string[];
  /** The inputs of the workflow a `workflow:` value names as written; undefined when it cannot be read. */
  inputsOf(written: string): Record<string, InputSpec> | undefined;
  /** The outputs a sub-run of that workflow gives (its nodes declare or write them); undefined when not known. */
  outputsOf(written: string): readonly string[] | undefined;
  /** The outputs the script files node `nodeId` runs write (those it can read). */
  scriptOutputsOf?(nodeId: string): readonly string[];
}

/** Whether the cursor is on a node's `workflow:` value, where the workspace's workflow files are offered. */
export const wantsWorkflowFiles = (ctx: CursorContext): boolean =>
  ctx.kind === 'value' && ctx.key === 'workflow' && ctx.path.length === 2 && ctx.path[0] === 'nodes';

/** The most workflow files offered: the nearest, in a workspace that has thousands. */
export const MAX_WORKFLOW_CHOICES = 200;

/**
 * The workflow files other than this one as `workflow:` writes them (`./deploy.workflow.yaml`,
 * `../shared/build.workflow.yaml`): those beside the file first, then deeper, then further up.
 */
export function workflowFileChoices(file: string, workflowFiles: readonly string[]): string[] {
  const folder = dirname(file);
  const self = resolve(file);
  const rank = (rel: string) => `${String(rel.split('/').filter((p) => p === '..').length).padStart(3, '0')}${String(rel.split('/').length).padStart(3, '0')}`;
  return (
    workflowFiles
      .filter((f) => resolve(f) !== self)
      .map((f) => relative(folder, f))
      // A file on another drive has no path relative to this one.
      .filter((rel) => !isAbsolute(rel))
      .map((rel) => rel.split(sep).join('/'))
      .map((rel) => ({ written: rel.startsWith('../') ? rel : `./${rel}`, key: `${rank(rel)}${rel}` }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, MAX_WORKFLOW_CHOICES)
      .map((c) => c.written)
  );
}

/** Completion items for a node's `workflow:` value: the workflow files, in the order workflowFileChoices gives. */
export function workflowFileItems(lookups: FileLookups, linePrefix: string, offset: number): CompletionItem[] {
  const value = /workflow:\s+(['"]?)(.*)$/.exec(linePrefix);
  const quoted = value?.[1] !== '' && value?.[1] !== undefined;
  const typed = value?.[2] ?? '';
  return workflowFileChoices(lookups.file, lookups.workflowFiles).map((written, i) => ({
    label: written,
    kind: 'file' as const,
    detail: 'workflow file',
    insertText: quoted ? written : pathScalar(written),
    replaceStart: offset - typed.length,
    sortText: String(i).padStart(5, '0'),
  }));
}

/** Where inputs are completed: the node, the keys its `with:` gives already, where the typed name starts. */
export interface WithKeyPlace {
  nodeId: string;
  given: readonly string[];
  start: number;
}

/** The inputs of the sub-workflow a node runs that its `with:` does not give yet, required ones first. */
export function withInputItems(index: WorkflowIndex, at: WithKeyPlace, lookups: FileLookups): CompletionItem[] {
  const written = index.byId.get(at.nodeId)?.spec?.workflow;
  const inputs = written ? lookups.inputsOf(written) : undefined;
  if (!inputs) return [];
  const given = new Set(at.given);
  return Object.values(inputs)
    .filter((i) => !given.has(i.name))
    .map((i) => {
      const needed = i.required && i.default === undefined;
      return {
        label: i.name,
        kind: 'input' as const,
        detail: [i.type, needed ? 'required' : undefined, i.default !== undefined ? `default ${String(i.default)}` : undefined].filter(Boolean).join(' · '),
        ...(i.description ? { documentation: markdownText(i.description) } : {}),
        insertText: `${i.name}: $0`,
        snippet: true,
        replaceStart: at.start,
        sortText: `${needed ? 0 : 1}${i.name}`,
      };
    });
}

/**
 * Where inputs are completed, if the cursor is on a key of a node's `with:`: a line under it, or a key of a flow
 * mapping (`with: { region: eu, re| }`, not after a key's colon).
 */
export function withKeyPlace(ctx: CursorContext): WithKeyPlace | undefined {
  if (ctx.kind === 'key' && ctx.path.length === 3 && ctx.path[0] === 'nodes' && ctx.path[2] === 'with')
    return { nodeId: ctx.path[1], given: ctx.siblings, start: ctx.start };
  return undefined;
}
