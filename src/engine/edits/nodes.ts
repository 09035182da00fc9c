// Adding and removing whole nodes: a new node written in the file's own indentation and style, a node removed with
// its entries in others' needs, a node duplicated.
import { isMap, type Pair } from 'yaml';
import type { Span, TextEdit } from '../diagnostics';
import type { WorkflowIndex } from '../workflowIndex';
import { removeNeeds } from './needs';
import { afterKey, flowValue, indentUnit, lineEndAfter, nodeBlock, nodeKeyColumn, nodePair, nodesMap, nodesPair, rangeOf, type FieldValue } from './yamlText';
import { freshId, idTaken, invalidIdMessage, NODE_ID } from './rename';

import type { NodeKind } from './action';

export type { NodeKind };

export interface NewNode {
  kind: NodeKind;
  /** Proposed from the kind when absent. */
  id?: string;
  needs?: string[];
  /** Placed after this node's definition (else at the end). */
  after?: string;
  run?: string;
  /** The file a sub-workflow node runs, as `workflow:` writes it. */
  workflow?: string;
}

/** What an action did besides its edits: the node to select, and what to show in the new text. */
export interface EditResult {
  edits: TextEdit[];
  select?: string;
  /** A span of the text after the edits, to put the cursor on (a new node's script). */
  reveal?: Span;
  /** What the edit leaves for the user to know (references left behind). */
  note?: string;
}
export type Outcome = EditResult | { error: string };

const BASE_ID: Record<NodeKind, string> = { run: 'step', approval: 'approve', workflow: 'subflow', matrix: 'fanout' };

/** The fields of a new node, in the order they are written. */
function newNodeFields(node: NewNode, id: string): [string, FieldValue][] {
  const needs: [string, FieldValue][] = node.needs?.length ? [['needs', node.needs.length === 1 ? node.needs[0] : node.needs]] : [];
  const run = node.run ?? `echo "${id}"`;
  switch (node.kind) {
    case 'approval':
      return [...needs, ['approval', { prompt: 'Continue?' }]];
    case 'workflow':
      return [...needs, ['workflow', node.workflow ?? './other.workflow.yaml']];
    case 'matrix':
      return [...needs, ['matrix', { shard: [1, 2] }], ['run', node.run ?? 'echo "shard ${{ matrix.shard }}"']];
    default:
      return [...needs, ['run', run]];
  }
}

/** The edit that adds a node, and where its script is in the new text. */
export function addNode(index: WorkflowIndex, node: NewNode): Outcome {
  const ids = [...index.byId.keys()];
  const id = node.id ?? freshId(ids, BASE_ID[node.kind]);
  if (!NODE_ID.test(id)) return { error: invalidIdMessage(id) };
  if (idTaken(ids, id)) return { error: `a node '${id}' already exists` };
  const unknown = [...(node.needs ?? []), ...(node.after ? [node.after] : [])].find((n) => !index.byId.has(n));
  if (unknown !== undefined) return { error: `there is no node '${unknown}'` };
  const { parsed } = index.result;
  const text = parsed.text;
  const fields = newNodeFields(node, id);
  const map = nodesMap(parsed);
  if (map?.flow) {
    const body = `{ ${fields.map(([k, v]) => `${k}: ${flowValue(v)}`).join(', ')} }`;
    const close = text.lastIndexOf('}', rangeOf(map)![1] - 1);
    let at = close;
    while (at > 0 && /\s/.test(text[at - 1])) at--;
    return { edits: [{ span: { start: at, end: at }, newText: `${map.items.length ? ', ' : ' '}${id}: ${body}` }], select: id };
  }
  const unit = indentUnit(parsed);
  const column = nodeKeyColumn(parsed);
  const pad = ' '.repeat(column + unit);
  const lines = fields.map(([k, v]) => `${pad}${k}:${afterKey(v, column + unit, unit)}`);
  const block = `${' '.repeat(column)}${id}:\n${lines.join('\n')}\n`;
  const { at, prefix } = insertionPoint(index, node.after);
  const edit = { span: { start: at, end: at }, newText: prefix + block };
  const runAt = block.indexOf(`${pad}run: `);
  const reveal = runAt < 0 ? undefined : runValueSpan(block, runAt + pad.length + 5, at + prefix.length);
  return { edits: [edit], select: id, ...(reveal ? { reveal } : {}) };
}

/** The span of a new node's script in the new text (the quotes excluded). */
function runValueSpan(block: string, valueAt: number, blockAt: number): Span {
  const end = block.indexOf('\n', valueAt);
  const quoted = block[valueAt] === '"' ? 1 : 0;
  return { start: blockAt + valueAt + quoted, end: blockAt + end - quoted };
}

/** Where a new node's lines go: after a node's block, or after the last node; with a line break first if needed. */
function insertionPoint(index: WorkflowIndex, after: string | undefined): { at: number; prefix: string } {
  const { parsed } = index.result;
  const text = parsed.text;
  const map = nodesMap(parsed);
  const anchor = after ? nodePair(parsed, after) : map?.items[map.items.length - 1];
  if (anchor) {
    const at = nodeBlock(text, anchor).end;
    return { at, prefix: at > 0 && text[at - 1] !== '\n' ? '\n' : '' };
  }
  const pair = nodesPair(parsed);
  if (pair) {
    // `nodes:` with nothing under it: the node goes on the next line.
    const at = lineEndAfter(text, rangeOf(pair.key)![1]);
    return { at, prefix: text[at - 1] === '\n' ? '' : '\n' };
  }
  return { at: text.length, prefix: `${text.length && !text.endsWith('\n') ? '\n' : ''}nodes:\n` };
}

/** The edits that remove a node and its entries in other nodes' needs; expressions that name it are left. */
export function removeNode(index: WorkflowIndex, id: string): Outcome {
  const { parsed } = index.result;
  const pair = nodePair(parsed, id);
  if (!index.byId.has(id)) return { error: `there is no node '${id}'` };
  if (!pair) return { error: `'${id}' is defined through a merge key or an alias: remove it in the text` };
  const map = nodesMap(parsed)!;
  const edits: TextEdit[] = [removeNodeText(parsed.text, map, pair)];
  for (const other of index.nodes) {
    if (other.id === id || !other.needs.some((n) => n.id === id)) continue;
    const removal = removeNeeds(parsed, other.id, (need) => need === id);
    if (!removal) return { error: `the needs of '${other.id}' cannot be edited here: remove '${id}' from them in the text` };
    edits.push(...removal);
  }
  const left = referencesTo(index, id);
  return { edits, ...(left ? { note: `${left} expression${left === 1 ? '' : 's'} still read nodes.${id}: they show as problems` } : {}) };
}

/** How many expressions read `nodes.<id>`. */
export function referencesTo(index: WorkflowIndex, id: string): number {
  return index.references.filter((r) => r.nodeId === id).length;
}

function removeNodeText(text: string, map: { flow?: boolean; range?: unknown }, pair: Pair): TextEdit {
  if (!map.flow) return { span: nodeBlock(text, pair, true), newText: '' };
  const key = rangeOf(pair.key)!;
  const end = rangeOf(pair.value)?.[1] ?? key[1];
  const after = /^\s*,\s*/.exec(text.slice(end));
  if (after) return { span: { start: key[0], end: end + after[0].length }, newText: '' };
  const before = /,\s*$/.exec(text.slice(0, key[0]));
  return { span: { start: before ? key[0] - before[0].length : key[0], end }, newText: '' };
}

/** The edit that copies a node under a fresh id, right after it, needing what it needs. */
export function duplicateNode(index: WorkflowIndex, id: string): Outcome {
  const { parsed } = index.result;
  const text = parsed.text;
  const pair = nodePair(parsed, id);
  if (!pair || !index.byId.has(id)) return { error: `there is no node '${id}'` };
  const copy = freshId(index.byId.keys(), id);
  const key = rangeOf(pair.key)!;
  if (nodesMap(parsed)!.flow || !isMap(pair.value)) {
    const end = rangeOf(pair.value)?.[1] ?? key[1];
    return { edits: [{ span: { start: end, end }, newText: `, ${copy}: ${text.slice(rangeOf(pair.value)?.[0] ?? end, end)}` }], select: copy };
  }
  const block = nodeBlock(text, pair, true);
  const source = text.slice(block.start, block.end);
  const keyAt = key[0] - block.start;
  const newText = `${source.slice(0, keyAt)}${copy}${source.slice(key[1] - block.start)}`;
  return { edits: [{ span: { start: block.end, end: block.end }, newText: text[block.end - 1] === '\n' ? newText : `\n${newText}` }], select: copy };
}
