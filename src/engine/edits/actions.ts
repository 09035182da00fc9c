// The builder's actions: each a pure function from a workflow file's text (through its index) to the smallest text
// edits that do it. The DAG panel and `maestro-dag edit` both go through `planEdit`.
import type { Span, TextEdit } from '../diagnostics';
import type { WorkflowIndex } from '../workflowIndex';
import type { EditAction } from './action';
import { pasteNodes } from './clipboard';
import { fixProblem } from './problemFix';
import { connect, disconnect } from './needs';
import { addNode, duplicateNode, removeNode, type Outcome } from './nodes';
import { renameInput } from './inputRename';
import { setMatrixAxes } from './matrixAxes';
import { renameMatrixKey } from './matrixKeyRename';
import { renameOutput } from './outputRename';
import { renameNode } from './rename';
import { setField } from './setField';
import { setWorkflowField } from './workflowSettings';
import { setInput } from './workflowInputs';

export type { EditResult, Outcome } from './nodes';
export { parseEditAction, type EditAction, type FieldValue, type InputFields, type NodeKind } from './action';

/** The edits an action makes on the text the index was built from, or why it is refused. */
export function planEdit(index: WorkflowIndex, action: EditAction): Outcome {
  return withLineBreaksOf(index.result.parsed.text, plannedEdit(index, action));
}

function plannedEdit(index: WorkflowIndex, action: EditAction): Outcome {
  switch (action.type) {
    case 'addNode':
      return addNode(index, action);
    case 'removeNode':
      return removeNode(index, action.id);
    case 'connect':
      return withSelect(connect(index, action.from, action.to), action.to);
    case 'disconnect':
      return withSelect(disconnect(index, action.from, action.to), action.to);
    case 'rename':
      return withSelect(renameNode(index, action.from, action.to), action.to);
    case 'set':
      return setField(index, action.id, action.key, action.value);
    case 'setWorkflow':
      return setWorkflowField(index, action.key, action.value);
    case 'setInput':
      return setInput(index, action.name, action.value);
    case 'renameInput':
      return renameInput(index, action.from, action.to);
    case 'renameOutput':
      return withSelect(renameOutput(index, action.id, action.from, action.to), action.id);
    case 'renameMatrixKey':
      return withSelect(renameMatrixKey(index, action.id, action.from, action.to), action.id);
    case 'setMatrixAxes':
      return setMatrixAxes(index, action.id, action.axes);
    case 'duplicate':
      return duplicateNode(index, action.id);
    case 'paste':
      return pasteNodes(index, action.text, action.after);
    case 'fix':
      return fixProblem(index, action);
  }
}

const withSelect = (outcome: { edits: TextEdit[] } | { error: string }, select: string): Outcome => ('error' in outcome ? outcome : { ...outcome, select });

const usesCrlf = (text: string): boolean => text[text.indexOf('\n') - 1] === '\r';
const bareLineBreaks = (text: string): number => text.match(/(?<!\r)\n/g)?.length ?? 0;

/**
 * The outcome with its new text breaking lines as the text does: CRLF throughout when the text's first line break is
 * one (the actions write `\n`; a file saved from the CLI would mix the two), its span to reveal moved to match.
 */
function withLineBreaksOf(text: string, outcome: Outcome): Outcome {
  if ('error' in outcome || !usesCrlf(text)) return outcome;
  const edits = [...outcome.edits].sort((a, b) => a.span.start - b.span.start);
  const after = spansAfter(edits);
  // The carriage returns added before an offset of the text after the edits.
  const added = (offset: number) =>
    edits.reduce((n, e, i) => n + bareLineBreaks(e.newText.slice(0, Math.max(0, Math.min(e.newText.length, offset - after[i].start)))), 0);
  const { reveal } = outcome;
  return {
    ...outcome,
    edits: edits.map((e) => ({ ...e, newText: e.newText.replace(/\r?\n/g, '\r\n') })),
    ...(reveal ? { reveal: { start: reveal.start + added(reveal.start), end: reveal.end + added(reveal.end) } } : {}),
  };
}

/** The text with the edits made (they must not overlap). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
  for (let i = 1; i < sorted.length; i++) if (sorted[i].span.end > sorted[i - 1].span.start) throw new Error('edits overlap');
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/** Where each edit's new text lies in the text after all the edits. */
export function spansAfter(edits: readonly TextEdit[]): Span[] {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  let shift = 0;
  return sorted.map((e) => {
    const start = e.span.start + shift;
    shift += e.newText.length - (e.span.end - e.span.start);
    return { start, end: start + e.newText.length };
  });
}
