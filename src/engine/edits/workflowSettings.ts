// Setting or removing one of the workflow's own settings (at the top of its file), the rest of the file left as it
// is: a new one goes on its own line before `nodes:`, with the settings, rather than after the nodes.
import { isMap } from 'yaml';
import type { WorkflowIndex } from '../workflowIndex';
import type { Outcome } from './nodes';
import { addPair, removePair, replaceValue } from './pairs';
import { afterKey, columnOf, indentUnit, lineStart, pairIn, rangeOf, type FieldValue } from './yamlText';

/** The settings the builder edits; `inputs`, `env` and `defaults` are edited in the text. */
export const WORKFLOW_SETTINGS: readonly string[] = ['name', 'description', 'concurrency', 'timeout', 'mutex'];

/** The edit that sets the workflow's `key` to `value`, or removes it when `value` is undefined. */
export function setWorkflowField(index: WorkflowIndex, key: string, value: FieldValue | undefined): Outcome {
  if (!WORKFLOW_SETTINGS.includes(key))
    return { error: `the builder sets the workflow's ${WORKFLOW_SETTINGS.join(', ')} (and its inputs, one at a time); '${key}' is edited in the text` };
  if (key === 'name' && value === undefined) return { error: 'a workflow needs its name: give it another instead' };
  return setWorkflowSetting(index, key, value);
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
