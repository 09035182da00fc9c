// Setting or removing one property of a node, written in the node's style, the rest of the node left as it is.
import { isMap } from 'yaml';
import schema from '../../../schemas/workflow.schema.json';
import type { WorkflowIndex } from '../workflowIndex';
import type { Outcome } from './nodes';
import { addPair, removePair, replaceValue, retryCountEdit } from './pairs';
import { afterKey, columnOf, fieldPair, indentUnit, lineEndAfter, nodePair, rangeOf, type FieldValue } from './yamlText';
import { propertyMeant } from '../validation/propertyNames';
import { needProblem } from './needs';

/** The properties a node may have, as the schema lists them. */
export const NODE_PROPERTIES: readonly string[] = Object.keys(
  (schema as { definitions: { node: { properties: Record<string, unknown> } } }).definitions.node.properties,
);

/** The edit that sets `key` of a node to `value`, or removes it when `value` is undefined. */
export function setField(index: WorkflowIndex, id: string, key: string, value: FieldValue | undefined): Outcome {
  if (!index.byId.has(id)) return { error: `there is no node '${id}'` };
  if (!NODE_PROPERTIES.includes(key)) {
    const guess = propertyMeant(key, NODE_PROPERTIES);
    return { error: `a node has no property '${key}'${guess ? ` — did you mean '${guess}'?` : ` (properties: ${NODE_PROPERTIES.join(', ')})`}` };
  }
  if (key === 'needs' && value !== undefined) {
    const problem = needsProblem(index, id, value);
    if (problem) return { error: problem };
  }
  const { parsed } = index.result;
  const text = parsed.text;
  const node = nodePair(parsed, id);
  if (!node) return { error: `'${id}' is defined through a merge key or an alias: edit it in the text` };
  const unit = indentUnit(parsed);
  const existing = fieldPair(node, key);
  if (!isMap(node.value)) {
    if (value === undefined) return { edits: [] };
    // `id:` with nothing under it yet.
    const keyRange = rangeOf(node.key)!;
    const column = columnOf(text, keyRange[0]) + unit;
    const at = lineEndAfter(text, keyRange[1]);
    const line = `${' '.repeat(column)}${key}:${afterKey(value, column, unit)}\n`;
    return { edits: [{ span: { start: at, end: at }, newText: text[at - 1] === '\n' ? line : `\n${line}` }], select: id };
  }
  if (value === undefined) return { edits: existing ? [removePair(text, node.value, existing)] : [], select: id };
  const count = key === 'retry' ? retryCountEdit(text, existing, value, unit) : undefined;
  if (count) return { edits: [count], select: id };
  if (existing) return { edits: [replaceValue(text, node.value, existing, value, unit)], select: id };
  return { edits: [addPair(text, node.value, key, value, unit)], select: id };
}

/** Why a node cannot need what `value` names (as `connect` would refuse each), or that `value` is not a list of ids. */
function needsProblem(index: WorkflowIndex, id: string, value: FieldValue): string | undefined {
  const ids = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(ids) || !ids.every((n): n is string => typeof n === 'string')) return 'needs is a node id or a list of node ids';
  // Entries it has already are kept as they are: where they are wrong, the validator says so.
  const added = ids.filter((n) => !index.byId.get(id)!.needs.some((need) => need.id === n));
  for (const from of added) {
    const problem = needProblem(index, from, id);
    if (problem) return problem;
  }
  return ids.includes(id) ? `'${id}' cannot need itself` : undefined;
}
