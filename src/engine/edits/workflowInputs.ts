// Adding, changing and removing one of the workflow's inputs, the rest of the file left as it is: an input is its
// own mapping under `inputs:` (written whole when it changes), and `inputs:` itself goes above `nodes:` with the
// other settings when the first input is added, and away with the last one (see setSettingEntry).
import type { WorkflowIndex } from '../workflowIndex';
import { INPUT_NAME, INPUT_NAME_RULE, type InputFields } from './action';
import type { Outcome } from './nodes';
import { setSettingEntry } from './workflowSettings';
import type { FieldValue } from './yamlText';

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
  const outcome = setSettingEntry(index, 'inputs', name, fields && inputValue(fields));
  const left = fields === undefined ? index.inputReferences.filter((r) => r.input === name).length : 0;
  if ('error' in outcome || !left || !outcome.edits.length) return outcome;
  return { ...outcome, note: `${left} expression${left === 1 ? '' : 's'} still read inputs.${name}: they show as problems` };
}
