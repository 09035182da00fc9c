// Node ids: what makes one valid, a fresh one, and renaming one everywhere it is written.
import type { TextEdit } from '../diagnostics';
import { matrixInstanceReads } from '../matrixMentions';
import { mentionsOf, type WorkflowIndex } from '../workflowIndex';

export const NODE_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export const invalidIdMessage = (id: string): string => `'${id}' is not a valid node id: start with a letter or '_', then use letters, digits, '_' or '-'`;

/** Whether an id is taken: expressions read ids without regard to case, so `Build` takes `build` too. */
export function idTaken(ids: Iterable<string>, id: string): boolean {
  const lower = id.toLowerCase();
  for (const taken of ids) if (taken.toLowerCase() === lower) return true;
  return false;
}

/** `base`, or `base-2`, `base-3`… : the first that no node has. */
export function freshId(ids: Iterable<string>, base: string): string {
  const all = [...ids];
  if (!idTaken(all, base)) return base;
  const stem = base.replace(/-\d+$/, '');
  for (let n = 2; ; n++) if (!idTaken(all, `${stem}-${n}`)) return `${stem}-${n}`;
}

/**
 * The edits that rename a node: its key, every `needs` entry, every `nodes.<id>` in expressions and, for a matrix
 * node, the instance ids its outputs are read by (`['test[shard=1]']`).
 */
export function renameNode(index: WorkflowIndex, from: string, to: string): { edits: TextEdit[] } | { error: string } {
  if (!index.byId.has(from)) return { error: `there is no node '${from}'` };
  if (!NODE_ID.test(to)) return { error: invalidIdMessage(to) };
  if (to === from) return { edits: [] };
  if (
    idTaken(
      [...index.byId.keys()].filter((id) => id !== from),
      to,
    )
  )
    return { error: `a node '${to}' already exists` };
  // A name that needs or expressions already mention (a node since deleted) would make them mean this node.
  if (to.toLowerCase() !== from.toLowerCase() && mentionsOf(index, to).length)
    return { error: `'${to}' is still mentioned in the file (by a need or an expression of a node that is gone): pick another name, or fix those first` };
  const text = index.result.parsed.text;
  const mentions = mentionsOf(index, from);
  const quoted = mentions.find((m) => text.slice(m.span.start, m.span.end).toLowerCase() !== from.toLowerCase());
  if (quoted) return { error: `'${from}' is written with quotes or escapes at offset ${quoted.span.start}: rename it there by hand` };
  const instances = matrixInstanceReads(index, from).map(({ span }) => ({ start: span.start + 1, end: span.start + 1 + from.length }));
  return { edits: [...mentions.map((m) => m.span), ...instances].map((span) => ({ span, newText: to })) };
}
