// `needs` entries, added and removed in whatever style the node writes them: `needs: a`, `needs: [a, b]`, or a
// block list.
import { isMap, isScalar, isSeq, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { Span, TextEdit } from '../diagnostics';
import type { ParsedDocument } from '../validation/document';
import type { WorkflowIndex } from '../workflowIndex';
import { addPair, removePair } from './pairs';
import { fieldPair, indentUnit, lineEndAfter, lineStart, nodePair, rangeOf } from './yamlText';

export type EditOutcome = { edits: TextEdit[] } | { error: string };

/** Why `to` cannot need `from`: a node missing, itself, or a cycle it would close; undefined when it can. */
export function needProblem(index: WorkflowIndex, from: string, to: string): string | undefined {
  const missing = [from, to].find((id) => !index.byId.has(id));
  if (missing !== undefined) return `there is no node '${missing}'`;
  if (from === to) return `'${to}' cannot need itself`;
  if (index.isUpstream(from, to)) return `'${from}' needs '${to}' (directly or through others): '${to}' needing '${from}' would make a cycle`;
  return undefined;
}

/** The edits that make `to` need `from`; refused when a node is missing, the entry exists, or it would close a cycle. */
export function connect(index: WorkflowIndex, from: string, to: string): EditOutcome {
  const problem = needProblem(index, from, to);
  if (problem) return { error: problem };
  if (index.byId.get(to)!.needs.some((n) => n.id === from)) return { error: `'${to}' already needs '${from}'` };
  const { parsed } = index.result;
  const pair = nodePair(parsed, to);
  if (!pair) return { error: `'${to}' is defined through a merge key or an alias: edit its needs in the text` };
  return addNeed(parsed, pair, from);
}

function addNeed(parsed: ParsedDocument, node: Pair, from: string): EditOutcome {
  const { text } = parsed;
  const unit = indentUnit(parsed);
  const needs = fieldPair(node, 'needs');
  if (!isMap(node.value)) return { error: `'${String((node.key as Scalar).value)}' has no fields to add needs to` };
  if (!needs) return { edits: [addPair(text, node.value, 'needs', from, unit, { first: true })] };
  const value = needs.value;
  if (isScalar(value) && typeof value.value === 'string') {
    const r = rangeOf(value)!;
    return { edits: [{ span: { start: r[0], end: r[1] }, newText: `[${text.slice(r[0], r[1])}, ${from}]` }] };
  }
  if (isSeq(value) && value.flow) {
    const close = text.lastIndexOf(']', rangeOf(value)![1] - 1);
    let at = close;
    while (at > 0 && /\s/.test(text[at - 1])) at--;
    return { edits: [{ span: { start: at, end: at }, newText: value.items.length ? `, ${from}` : from }] };
  }
  if (isSeq(value) && value.items.length) {
    const last = rangeOf(value.items[value.items.length - 1])!;
    const lineAt = lineStart(text, last[0]);
    const dash = text.slice(lineAt, last[0]);
    const end = lineEndAfter(text, last[1]);
    const line = `${dash}${from}`;
    return { edits: [{ span: { start: end, end }, newText: text[end - 1] === '\n' ? `${line}\n` : `\n${line}` }] };
  }
  return { error: `the needs of '${String((node.key as Scalar).value)}' are not a node id or a list: edit them in the text` };
}

/** The edits that stop `to` needing `from`. */
export function disconnect(index: WorkflowIndex, from: string, to: string): EditOutcome {
  const node = index.byId.get(to);
  if (!node) return { error: `there is no node '${to}'` };
  if (!node.needs.some((n) => n.id === from)) return { error: `'${to}' does not need '${from}'` };
  const edits = removeNeeds(index.result.parsed, to, (id) => id === from);
  return edits ? { edits } : { error: `the needs of '${to}' cannot be edited here: edit them in the text` };
}

/**
 * The edits that remove a node's `needs` entries that `drop` picks: the whole `needs` when none would be left, the
 * entries alone otherwise. Undefined when the needs are not written where the node's own mapping has them.
 */
export function removeNeeds(parsed: ParsedDocument, nodeId: string, drop: (id: string) => boolean): TextEdit[] | undefined {
  const node = nodePair(parsed, nodeId);
  const needs = node && fieldPair(node, 'needs');
  if (!node || !needs || !isMap(node.value)) return undefined;
  const { text } = parsed;
  const value = needs.value;
  const items: Scalar[] = isSeq(value) ? (value.items as Scalar[]) : isScalar(value) ? [value] : [];
  const dropped = items.filter((i) => isScalar(i) && typeof i.value === 'string' && drop(i.value));
  if (dropped.length === 0) return [];
  if (dropped.length === items.length) return [removePair(text, node.value, needs)];
  if (isSeq(value) && value.flow) {
    if (dropped.length > 1) {
      const kept = items.filter((i) => !dropped.includes(i)).map((i) => text.slice(rangeOf(i)![0], rangeOf(i)![1]));
      const r = rangeOf(value)!;
      return [{ span: { start: r[0], end: r[1] }, newText: `[${kept.join(', ')}]` }];
    }
    return [removeFlowItem(text, rangeOf(dropped[0])!)];
  }
  return dropped.map((i) => {
    const r = rangeOf(i)!;
    return { span: { start: lineStart(text, r[0]), end: lineEndAfter(text, r[1]) }, newText: '' };
  });
}

/** Removes an item of a flow list with the comma before it (or after it, for the first). */
function removeFlowItem(text: string, [start, end]: [number, number, number]): TextEdit {
  const prior = /,\s*$/.exec(text.slice(0, start));
  if (prior) return { span: { start: start - prior[0].length, end }, newText: '' };
  const after = /^\s*,\s*/.exec(text.slice(end));
  return { span: { start, end: end + (after?.[0].length ?? 0) }, newText: '' };
}

/** The edits that remove the `needs` entry at a span (the validator's quick fix for a node needing itself). */
export function removeNeedsEntry(parsed: ParsedDocument, nodeId: string, span: Span): TextEdit[] | undefined {
  const node = nodePair(parsed, nodeId);
  const value = node && fieldPair(node, 'needs')?.value;
  const target = (isSeq(value) ? value.items : [value]).find((i) => rangeOf(i)?.[0] === span.start);
  if (!isScalar(target)) return undefined;
  let seen = false;
  return removeNeeds(parsed, nodeId, (id) => !seen && id === target.value && (seen = true));
}

/**
 * The edits that add `from` to the needs of node `nodeId` by the text alone, the graph unchecked (the validator's
 * quick fix for a node reading one it does not need); undefined where the needs cannot be edited here.
 */
export function addNeedsEntry(parsed: ParsedDocument, nodeId: string, from: string): TextEdit[] | undefined {
  const node = nodePair(parsed, nodeId);
  const added = node && addNeed(parsed, node, from);
  return added && 'edits' in added ? added.edits : undefined;
}

export type { YAMLMap };
