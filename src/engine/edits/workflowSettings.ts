// Setting or removing one of the workflow's own settings (at the top of its file), the rest of the file left as it
// is: a new one goes on its own line before `nodes:`, with the settings, rather than after the nodes.
import { isMap } from 'yaml';
import type { WorkflowIndex } from '../workflowIndex';
import type { Outcome } from './nodes';
import { addPair, removePair, replaceValue, retryCountEdit } from './pairs';
import { afterKey, columnOf, indentUnit, lineStart, pairIn, rangeOf, type FieldValue } from './yamlText';

/** The settings the builder edits, besides the inputs (one at a time, see setInput). */
export const WORKFLOW_SETTINGS: readonly string[] = ['name', 'description', 'concurrency', 'timeout', 'mutex', 'env'];

/** What `defaults` sets for every node, each edited on its own as `defaults.<key>`. */
export const DEFAULT_SETTINGS: readonly string[] = ['timeout', 'retry', 'shell', 'cwd', 'image'];

/** The edit that sets the workflow's `key` (or `defaults.<key>`) to `value`, or removes it when `value` is undefined. */
export function setWorkflowField(index: WorkflowIndex, key: string, value: FieldValue | undefined): Outcome {
  const inDefaults = /^defaults\.(.*)$/.exec(key)?.[1];
  if (inDefaults !== undefined && DEFAULT_SETTINGS.includes(inDefaults)) return setDefault(index, inDefaults, value);
  if (!WORKFLOW_SETTINGS.includes(key)) {
    const settable = `${WORKFLOW_SETTINGS.join(', ')} and defaults.<${DEFAULT_SETTINGS.join('|')}>`;
    return { error: `the builder sets the workflow's ${settable} (and its inputs, one at a time); '${key}' is edited in the text` };
  }
  if (key === 'name' && value === undefined) return { error: 'a workflow needs its name: give it another instead' };
  return setWorkflowSetting(index, key, value);
}

/** One of the defaults of every node: a count given to a retry written with its backoff sets its max, as a node's does. */
function setDefault(index: WorkflowIndex, key: string, value: FieldValue | undefined): Outcome {
  const { parsed } = index.result;
  const root = parsed.doc.contents;
  const defaults = isMap(root) ? pairIn(root, 'defaults')?.value : undefined;
  const retry = key === 'retry' && isMap(defaults) ? pairIn(defaults, 'retry') : undefined;
  const count = retryCountEdit(parsed.text, retry, value, indentUnit(parsed));
  return count ? { edits: [count] } : setSettingEntry(index, 'defaults', key, value);
}

/**
 * Sets or removes one entry of a setting that is a mapping (`inputs`, `defaults`), the rest of it as it is: the
 * setting is written above `nodes:` with its first entry, and goes with its last.
 */
export function setSettingEntry(index: WorkflowIndex, setting: string, key: string, value: FieldValue | undefined): Outcome {
  const { parsed } = index.result;
  const root = parsed.doc.contents;
  const pair = isMap(root) ? pairIn(root, setting) : undefined;
  const map = pair && isMap(pair.value) && pair.value.items.length > 0 ? pair.value : undefined;
  if (!map) return value === undefined ? { edits: [] } : setWorkflowSetting(index, setting, { [key]: value });
  const existing = pairIn(map, key);
  if (value === undefined) {
    if (!existing) return { edits: [] };
    return map.items.length === 1 ? setWorkflowSetting(index, setting, undefined) : { edits: [removePair(parsed.text, map, existing)] };
  }
  const unit = indentUnit(parsed);
  if (existing) return { edits: [replaceValue(parsed.text, map, existing, value, unit)] };
  return { edits: [addPair(parsed.text, map, key, value, unit)] };
}

/** Sets or removes any top-level key (the caller has checked it), a new one above `nodes:`. */
export function setWorkflowSetting(index: WorkflowIndex, key: string, value: FieldValue | undefined): Outcome {
  const { parsed } = index.result;
  const text = parsed.text;
  const root = parsed.doc.contents;
  if (!isMap(root) || root.items.length === 0 || !rangeOf(root)) return { error: 'the file is not a mapping of settings and nodes: edit it in the text' };
  const unit = indentUnit(parsed);
  const existing = pairIn(root, key);
  if (value === undefined) return { edits: existing ? [removePair(text, root, existing)] : [] };
  if (existing) return { edits: [replaceValue(text, root, existing, value, unit)] };
  const nodes = pairIn(root, 'nodes');
  const nodesKey = nodes && rangeOf(nodes.key);
  if (root.flow || !nodesKey) return { edits: [addPair(text, root, key, value, unit)] };
  // Before `nodes:`, above the comments that lead into it, as the settings' own line.
  const column = columnOf(text, nodesKey[0]);
  const at = leadingCommentsStart(text, lineStart(text, nodesKey[0]));
  return { edits: [{ span: { start: at, end: at }, newText: `${' '.repeat(column)}${key}:${afterKey(value, column, unit)}\n` }] };
}

/** The start of the comment lines right above a line (that line's start when there are none). */
function leadingCommentsStart(text: string, at: number): number {
  let start = at;
  while (start > 0) {
    const above = lineStart(text, start - 1);
    if (!/^[ \t]*#/.test(text.slice(above, start))) break;
    start = above;
  }
  return start;
}
