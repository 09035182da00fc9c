// Setting the axes of a node's matrix (its keys and their values), the matrix's `include`, `exclude` and comments
// kept: an axis with other values is written anew, a new one added, one left out removed.
import { isMap, isScalar } from 'yaml';
import type { TextEdit } from '../diagnostics';
import type { WorkflowIndex } from '../workflowIndex';
import { INPUT_NAME, type FieldValue } from './action';
import type { Outcome } from './nodes';
import { addPair, removePair, replaceValue } from './pairs';
import { setField } from './setField';
import { fieldPair, indentUnit, nodePair } from './yamlText';

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The edits that make `axes` the axes of node `id`'s matrix, in their order for those it adds. */
export function setMatrixAxes(index: WorkflowIndex, id: string, axes: Record<string, FieldValue[]>): Outcome {
  const problem = axesProblem(axes);
  if (problem) return { error: problem };
  const node = index.byId.get(id);
  if (!node) return { error: `there is no node '${id}'` };
  const pair = nodePair(index.result.parsed, id);
  const matrix = pair && fieldPair(pair, 'matrix');
  const written = matrix?.value;
  if (!matrix || (isScalar(written) && written.value === null))
    return Object.keys(axes).length ? setField(index, id, 'matrix', axes) : { edits: [], select: id };
  if (!isMap(written)) return { error: `the matrix of '${id}' is made at run time from an expression: edit it in the file` };
  const { text } = index.result.parsed;
  const unit = indentUnit(index.result.parsed);
  const spec = node.spec?.matrix;
  const entries = Boolean(spec?.include.length || spec?.exclude.length);
  // A matrix left with no axis and no entry is no matrix.
  if (!Object.keys(axes).length && !entries) return setField(index, id, 'matrix', undefined);
  const edits: TextEdit[] = [];
  for (const item of written.items) {
    const key = isScalar(item.key) ? String(item.key.value) : undefined;
    if (key === undefined || key === 'include' || key === 'exclude') continue;
    if (!Object.hasOwn(axes, key)) edits.push(removePair(text, written, item));
    else if (!sameValue((item.value as { toJSON?: () => unknown } | null)?.toJSON?.(), axes[key]))
      edits.push(replaceValue(text, written, item, axes[key], unit));
  }
  const present = new Set(written.items.map((item) => (isScalar(item.key) ? String(item.key.value) : '')));
  for (const [key, values] of Object.entries(axes)) if (!present.has(key)) edits.push(addPair(text, written, key, values, unit));
  return { edits: mergedInsertions(edits), select: id };
}

/** Why the axes cannot be a matrix's: a key that is not a name, or an axis without values. */
function axesProblem(axes: Record<string, FieldValue[]>): string | undefined {
  for (const [key, values] of Object.entries(axes)) {
    if (!INPUT_NAME.test(key) || key === 'include' || key === 'exclude') return `'${key}' cannot be a matrix key: a letter or _, then letters, digits, _ or -`;
    if (!Array.isArray(values) || values.length === 0) return `the matrix key '${key}' needs at least one value`;
  }
  return undefined;
}

/** Insertions at one place, written one after the other in the order made (edits may not share a start). */
function mergedInsertions(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const same = out.find((o) => o.span.start === e.span.start && o.span.end === o.span.start && e.span.end === e.span.start);
    if (same) same.newText += e.newText;
    else out.push({ ...e });
  }
  return out;
}
