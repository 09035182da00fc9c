// Renaming one of the workflow's inputs: its key under `inputs:` and every `inputs.<name>` that reads it, in this
// file; and, in a file that runs this one as a sub-workflow, the `with:` keys that give it.
import { dirname, resolve } from 'node:path';
import { isMap } from 'yaml';
import type { TextEdit } from '../diagnostics';
import { inputMentionsOf, type WorkflowIndex } from '../workflowIndex';
import { INPUT_NAME, INPUT_NAME_RULE } from './action';
import type { Outcome } from './nodes';
import { fieldPair, nodePair, pairIn, rangeOf } from './yamlText';

/** The edits that rename the input `from` to `to` in its own workflow file. */
export function renameInput(index: WorkflowIndex, from: string, to: string): Outcome {
  if (!index.inputs.some((i) => i.name === from)) return { error: `there is no input '${from}'` };
  if (!INPUT_NAME.test(to)) return { error: `'${to}' cannot name an input: ${INPUT_NAME_RULE}` };
  if (to === from) return { edits: [] };
  const lower = to.toLowerCase();
  // Expressions read inputs without regard to case: `Target` would be read as `target` too.
  if (index.inputs.some((i) => i.name !== from && i.name.toLowerCase() === lower)) return { error: `an input '${to}' already exists` };
  // A name expressions already read (an input since removed) would make them read this one.
  if (lower !== from.toLowerCase() && index.inputReferences.some((r) => r.input.toLowerCase() === lower))
    return { error: `inputs.${to} is still read in the file (an input that is gone): pick another name, or fix those expressions first` };
  const text = index.result.parsed.text;
  const mentions = inputMentionsOf(index, from);
  const quoted = mentions.find((m) => text.slice(m.span.start, m.span.end).toLowerCase() !== from.toLowerCase());
  if (quoted) return { error: `'${from}' is written with quotes or escapes at offset ${quoted.span.start}: rename it there by hand` };
  return { edits: mentions.map((m) => ({ span: m.span, newText: to })) };
}

/**
 * The edits that keep a workflow that runs `callee` as a sub-workflow giving it the renamed input: each such node's
 * `with:` key `from` becomes `to`. `file` is the path of the workflow `index` is of; paths are absolute.
 */
export function callerInputEdits(index: WorkflowIndex, file: string, callee: string, from: string, to: string): { edits: TextEdit[] } | { error: string } {
  const { parsed } = index.result;
  const edits: TextEdit[] = [];
  for (const node of index.nodes) {
    const path = node.spec?.workflow;
    if (path === undefined || resolve(dirname(file), path) !== resolve(callee)) continue;
    const definition = nodePair(parsed, node.id);
    const given = definition && fieldPair(definition, 'with')?.value;
    const key = isMap(given) ? rangeOf(pairIn(given, from)?.key) : undefined;
    if (!isMap(given) || !key) continue;
    if (pairIn(given, to)) return { error: `node '${node.id}' of ${file} gives both '${from}' and '${to}' in its with:` };
    edits.push({ span: { start: key[0], end: key[1] }, newText: to });
  }
  return { edits };
}
