// Adding, changing and removing one of the workflow's inputs, the rest of the file left as it is: an input is its
// own mapping under `inputs:` (written whole when it changes), and `inputs:` itself goes above `nodes:` with the
// other settings when the first input is added, and away with the last one.
import { isMap } from 'yaml';
import type { WorkflowIndex } from '../workflowIndex';
import { INPUT_NAME, INPUT_NAME_RULE, type InputFields } from './action';
import type { Outcome } from './nodes';
import { addPair, removePair, replaceValue } from './pairs';
import { setWorkflowSetting } from './workflowSettings';
import { indentUnit, pairIn, type FieldValue } from './yamlText';

/** The input as YAML: only what it sets, in the schema's order. */
function inputValue(fields: InputFields): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  if (fields.type !== undefined) out.type = fields.type;
  if (fields.required) out.required = true;
  if (fields.secret) out.secret = true;
  if (fields.default !== undefined && fields.default !== '') out.default = fields.default;
  if (fields.description) out.description = fields.description;
  // An input with nothing set is a string one: `type` says so rather than leave `name: {}`.
  return Object.keys(out).length ? out : { type: 'string' };
}

/** The edit that sets the input `name` (adding it when it is new), or removes it when `fields` is undefined. */
export function setInput(index: WorkflowIndex, name: string, fields: InputFields | undefined): Outcome {
  if (!INPUT_NAME.test(name)) return { error: `'${name}' cannot name an input: ${INPUT_NAME_RULE}` };
  const { parsed } = index.result;
  const root = parsed.doc.contents;
  const inputs = isMap(root) ? pairIn(root, 'inputs') : undefined;
  const map = inputs && isMap(inputs.value) && inputs.value.items.length > 0 ? inputs.value : undefined;
  if (!map) {
    if (fields === undefined) return { edits: [] };
    return setWorkflowSetting(index, 'inputs', { [name]: inputValue(fields) });
  }
  const existing = pairIn(map, name);
  if (fields === undefined) {
    if (!existing) return { edits: [] };
    const removal = map.items.length === 1 ? setWorkflowSetting(index, 'inputs', undefined) : { edits: [removePair(parsed.text, map, existing)] };
    const left = index.inputReferences.filter((r) => r.input === name).length;
    return 'error' in removal || !left
      ? removal
      : { ...removal, note: `${left} expression${left === 1 ? '' : 's'} still read inputs.${name}: they show as problems` };
  }
  const unit = indentUnit(parsed);
  const value = inputValue(fields);
  if (existing) return { edits: [replaceValue(parsed.text, map, existing, value, unit)] };
  return { edits: [addPair(parsed.text, map, name, value, unit)] };
}
