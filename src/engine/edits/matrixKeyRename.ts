// Renaming a key of a node's matrix: where its `matrix` writes it (an axis, the entries of `include` and `exclude`),
// every `matrix.<key>` of the node, and the instance ids other nodes read its outputs by.
import type { Span } from '../diagnostics';
import { matrixKeyDefinitions, matrixKeyMentionsOf } from '../matrixMentions';
import type { WorkflowIndex } from '../workflowIndex';
import { INPUT_NAME, INPUT_NAME_RULE } from './action';
import type { Outcome } from './nodes';

/** The edits that rename the key `from` of node `nodeId`'s matrix to `to`. */
export function renameMatrixKey(index: WorkflowIndex, nodeId: string, from: string, to: string): Outcome {
  const node = index.byId.get(nodeId);
  if (!node) return { error: `there is no node '${nodeId}'` };
  const written = matrixKeyDefinitions(index, nodeId);
  if (!written.length) {
    const made = node.spec?.matrixTemplate !== undefined;
    return {
      error: made ? `the matrix of '${nodeId}' is made at run time: its keys are those of the value it is made from` : `node '${nodeId}' has no matrix`,
    };
  }
  if (!written.some((m) => m.key === from && m.role === 'definition') && !isIncludeKey(index, nodeId, from))
    return { error: `the matrix of '${nodeId}' has no key '${from}'` };
  if (!INPUT_NAME.test(to) || to === 'include' || to === 'exclude')
    return { error: `'${to}' cannot name a matrix key: ${INPUT_NAME_RULE}, not include or exclude` };
  if (to === from) return { edits: [] };
  const lower = to.toLowerCase();
  // Expressions read matrix keys without regard to case: `OS` would be read as `os` too.
  if (written.some((m) => m.key !== from && m.key.toLowerCase() === lower)) return { error: `the matrix of '${nodeId}' already has a key '${to}'` };
  if (lower !== from.toLowerCase() && index.matrixReferences.some((r) => r.nodeId === nodeId && r.key.toLowerCase() === lower))
    return { error: `matrix.${to} is still read in '${nodeId}': pick another name, or fix those expressions first` };
  const edits = [];
  for (const m of matrixKeyMentionsOf(index, nodeId, from)) {
    const span = nameSpan(index.result.parsed.text, m.span, from);
    if (!span) return { error: `'${from}' is written with escapes at offset ${m.span.start}: rename it there by hand` };
    edits.push({ span, newText: to });
  }
  return { edits };
}

/** A key only `include` entries give (`coverage` in `include: [{ node: 20, coverage: true }]`). */
const isIncludeKey = (index: WorkflowIndex, nodeId: string, key: string): boolean =>
  index.byId.get(nodeId)?.spec?.matrix?.include.some((e) => key in e) ?? false;

/** Where the name itself is in a mention: as it is, or inside the quotes of `matrix['os']`. */
function nameSpan(text: string, span: Span, name: string): Span | undefined {
  const written = text.slice(span.start, span.end).toLowerCase();
  if (written === name.toLowerCase()) return span;
  return written === `'${name.toLowerCase()}'` ? { start: span.start + 1, end: span.end - 1 } : undefined;
}
