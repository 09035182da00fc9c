// Nodes as text on the clipboard: copied as a YAML mapping of id → node, pasted into any workflow with their ids
// made unique (and the needs and expressions among the pasted nodes following the new ids).
import { isMap, isScalar, parseDocument } from 'yaml';
import type { TextEdit } from '../diagnostics';
import { validateWorkflow } from '../validation/validate';
import { buildIndex, mentionsOf, type WorkflowIndex } from '../workflowIndex';
import { freshId, NODE_ID } from './rename';
import type { Outcome } from './nodes';
import { lineEndAfter, nodeBlock, nodeKeyColumn, nodePair, nodesMap, nodesPair, rangeOf } from './yamlText';

/** Lines less indented by as much as all of them share. */
function dedent(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(cut, l.length - l.trimStart().length))).join('\n');
}

const indent = (text: string, by: number): string =>
  text
    .split('\n')
    .map((l) => (l.trim() === '' ? l : ' '.repeat(by) + l))
    .join('\n');

/** The nodes as YAML text, each as the file writes it, at no indentation. */
export function copyNodes(index: WorkflowIndex, ids: readonly string[]): { text: string } | { error: string } {
  const { parsed } = index.result;
  const blocks: string[] = [];
  for (const id of ids) {
    const pair = nodePair(parsed, id);
    if (!pair) return { error: `there is no node '${id}'` };
    if (nodesMap(parsed)!.flow) {
      const value = rangeOf(pair.value);
      blocks.push(`${id}: ${value ? parsed.text.slice(value[0], value[1]) : '{}'}\n`);
    } else {
      const { start, end } = nodeBlock(parsed.text, pair, true);
      blocks.push(dedent(parsed.text.slice(start, end)).replace(/\n*$/, '\n'));
    }
  }
  return { text: blocks.join('') };
}

/** Pasted text as nodes: ids renamed where the workflow has them, within the pasted text. */
function renamePasted(pasted: string, taken: string[]): { text: string; ids: string[] } | { error: string } {
  const doc = parseDocument(pasted);
  if (doc.errors.length || !isMap(doc.contents) || doc.contents.items.length === 0)
    return { error: 'the clipboard does not hold nodes: copy them as YAML, each node id followed by its definition' };
  const ids: string[] = [];
  for (const pair of doc.contents.items) {
    if (!isScalar(pair.key) || !NODE_ID.test(String(pair.key.value)) || !isMap(pair.value))
      return { error: `the clipboard does not hold nodes: '${isScalar(pair.key) ? String(pair.key.value) : '…'}' is not a node id with a definition` };
    ids.push(String(pair.key.value));
  }
  // The pasted nodes as a workflow of their own, to find where each id is written.
  const header = 'version: 1\nname: pasted\nnodes:\n';
  const wrapped = header + indent(pasted, 2);
  const index = buildIndex(validateWorkflow(wrapped));
  const edits: TextEdit[] = [];
  const names = [...taken];
  const renamed = ids.map((id) => {
    const fresh = freshId(names, id);
    names.push(fresh);
    if (fresh !== id) for (const m of mentionsOf(index, id)) edits.push({ span: m.span, newText: fresh });
    return fresh;
  });
  let text = wrapped;
  for (const e of edits.sort((a, b) => b.span.start - a.span.start)) text = text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);
  return { text: dedent(text.slice(header.length)), ids: renamed };
}

/** The edit that pastes nodes after a node (or after the last one). */
export function pasteNodes(index: WorkflowIndex, clipboard: string, after?: string): Outcome {
  const { parsed } = index.result;
  if (nodesMap(parsed)?.flow) return { error: 'this workflow writes its nodes in flow style ({ … }): paste into the text instead' };
  if (after !== undefined && !index.byId.has(after)) return { error: `there is no node '${after}'` };
  const pasted = renamePasted(dedent(clipboard).replace(/\n*$/, '\n'), [...index.byId.keys()]);
  if ('error' in pasted) return pasted;
  const text = parsed.text;
  const block = indent(pasted.text, nodeKeyColumn(parsed));
  const anchor = after ? nodePair(parsed, after) : nodesMap(parsed)?.items.at(-1);
  let at: number;
  let prefix = '';
  if (anchor) at = nodeBlock(text, anchor).end;
  else if (nodesPair(parsed)) at = lineEndAfter(text, rangeOf(nodesPair(parsed)!.key)![1]);
  else {
    at = text.length;
    prefix = 'nodes:\n';
  }
  if (at > 0 && text[at - 1] !== '\n') prefix = `\n${prefix}`;
  return { edits: [{ span: { start: at, end: at }, newText: prefix + block }], select: pasted.ids[0] };
}
