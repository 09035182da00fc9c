// The workflow's inputs in its settings form: each input's name, type, whether it is required or secret, its default
// and description, each change one edit of that input; an input added by its name, or removed. A new name renames
// what reads the input too (the host's edit).
import { INPUT_NAME, INPUT_NAME_RULE, type InputFields } from '../../engine/edits/action';
import type { NodeProblem, SettingsInput } from '../protocol';
import { useBuilder } from './context';
import { asScript, asText, Checkbox, Field, type Parse } from './formFields';
import { Button, Dropdown } from './toolkit';

const TYPES = [
  { value: 'string', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'boolean', label: 'True or false' },
];

/** A default as its input's type takes it: a number or true/false where the type says so. */
function defaultParse(type: InputFields['type']): Parse {
  if (type === 'number')
    return (t) => (t.trim() === '' ? { value: undefined } : Number.isFinite(Number(t.trim())) ? { value: Number(t.trim()) } : { error: 'a number' });
  if (type === 'boolean')
    return (t) => (t.trim() === '' ? { value: undefined } : /^(true|false)$/.test(t.trim()) ? { value: t.trim() === 'true' } : { error: 'true or false' });
  return asText;
}

/** The input's fields without its name. */
const fieldsOf = ({ name: _, ...fields }: SettingsInput): InputFields => fields;

export function SettingsInputs({ inputs, problemsOf }: { inputs: SettingsInput[]; problemsOf: (field: string) => NodeProblem[] }) {
  const builder = useBuilder();
  const names = new Set(inputs.map((i) => i.name));
  const asNewName: Parse = (t) => {
    const name = t.trim();
    if (name === '') return { value: undefined };
    if (!INPUT_NAME.test(name)) return { error: INPUT_NAME_RULE };
    return names.has(name) ? { error: `there is an input ${name} already` } : { value: name };
  };
  return (
    <section className="settings-section" aria-label="Inputs">
      <h3>Inputs</h3>
      {inputs.length === 0 ? <p className="form-hint">None: a run asks for nothing.</p> : null}
      {inputs.map((input) => (
        <InputFieldset
          key={input.name}
          input={input}
          others={inputs.filter((i) => i !== input).map((i) => i.name)}
          problems={problemsOf(`inputs.${input.name}`)}
        />
      ))}
      <Field
        // Made afresh once the input is added, empty for the next one.
        key={`new-${inputs.length}`}
        label="Add an input"
        name="new-input"
        initial=""
        placeholder="its name: target, count…"
        parse={asNewName}
        commit={(name) => typeof name === 'string' && builder.setInput(name, { type: 'string' })}
        problems={problemsOf('inputs')}
      />
    </section>
  );
}

/** A new name for an input: what names one, and not another input's (expressions read names in any case). */
function renameParse(others: readonly string[]): Parse {
  return (t) => {
    const name = t.trim();
    if (name === '') return { error: 'an input has a name' };
    if (!INPUT_NAME.test(name)) return { error: INPUT_NAME_RULE };
    return others.some((o) => o.toLowerCase() === name.toLowerCase()) ? { error: `there is an input ${name} already` } : { value: name };
  };
}

function InputFieldset({ input, others, problems }: { input: SettingsInput; others: string[]; problems: NodeProblem[] }) {
  const builder = useBuilder();
  const set = (change: Partial<InputFields>) => builder.setInput(input.name, { ...fieldsOf(input), ...change });
  const type = input.type ?? 'string';
  return (
    <fieldset className="settings-input" data-input={input.name}>
      <legend>
        <code>{input.name}</code>
        <Button icon="trash" title={`Remove the input ${input.name}`} onClick={() => builder.setInput(input.name, undefined)} />
      </legend>
      <Field
        label="Name"
        name={`name-${input.name}`}
        initial={input.name}
        parse={renameParse(others)}
        commit={(v) => typeof v === 'string' && v !== input.name && builder.renameInput(input.name, v)}
        problems={[]}
      />
      <div className="form-field">
        <span className="form-label">Type</span>
        <Dropdown
          label={`Type of ${input.name}`}
          value={type}
          choices={TYPES}
          // A default of another type would be wrong, and only text is secret.
          onChange={(v) => set({ type: v as InputFields['type'], default: undefined, ...(v === 'string' ? {} : { secret: undefined }) })}
          testId={`input-type-${input.name}`}
        />
      </div>
      <Checkbox label="Required" field={`required-${input.name}`} checked={input.required === true} commit={(v) => set({ required: v || undefined })} />
      {type === 'string' ? (
        <Checkbox
          label="Secret: masked in logs, not kept with the run"
          field={`secret-${input.name}`}
          checked={input.secret === true}
          // A secret has no default: the file would hold its value.
          commit={(v) => set(v ? { secret: true, default: undefined } : { secret: undefined })}
        />
      ) : null}
      {input.secret ? null : (
        <Field
          label="Default"
          name={`default-${input.name}`}
          initial={input.default === undefined ? '' : String(input.default)}
          placeholder={input.required ? 'none: a run must be given one' : 'none'}
          parse={defaultParse(type)}
          commit={(v) => set({ default: v as InputFields['default'] })}
          problems={[]}
        />
      )}
      <Field
        label="Description"
        name={`description-${input.name}`}
        initial={input.description ?? ''}
        parse={asScript}
        multiline="prose"
        commit={(v) => set({ description: typeof v === 'string' ? v : undefined })}
        problems={problems}
      />
    </fieldset>
  );
}
