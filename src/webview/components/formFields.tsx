// The builder's form fields: a labelled input whose value becomes one edit of the YAML when it changes (committed on
// Enter or when the field loses focus), with the validator's problems under it; and how each kind of value is read.
import { useEffect, useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { FieldValue } from '../../engine/edits/action';
import type { NodeProblem } from '../protocol';
import { splitNames } from '../state/nameList';
import { ProblemList } from './ProblemList';

export type Parse = (text: string) => { value: FieldValue | undefined } | { error: string };

export const asText: Parse = (t) => ({ value: t.trim() === '' ? undefined : t });
export const asScript: Parse = (t) => ({ value: t === '' ? undefined : t });
export const asDuration: Parse = (t) => ({ value: t.trim() === '' ? undefined : /^\d+(\.\d+)?$/.test(t.trim()) ? Number(t) : t.trim() });
export const asPositiveCount: Parse = (t) =>
  t.trim() === '' ? { value: undefined } : /^[1-9]\d*$/.test(t.trim()) ? { value: Number(t) } : { error: 'a whole number, 1 or more' };
export const asCount: Parse = (t) =>
  t.trim() === '' ? { value: undefined } : /^\d+$/.test(t.trim()) ? { value: Number(t) } : { error: 'a whole number of retries' };
export const asList: Parse = (t) => {
  const items = t.split(/[,\s]+/).filter(Boolean);
  return { value: items.length ? items : undefined };
};
/** One item a line, each as written but for the spaces around it (paths may hold spaces and commas). */
export const asLines: Parse = (t) => {
  const items = t
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return { value: items.length ? items : undefined };
};
/** Names, one written as itself and more as a list (`mutex: db`, `mutex: [db, port-${{ matrix.port }}]`). */
export const asNames: Parse = (t) => {
  const items = splitNames(t);
  return { value: items.length > 1 ? items : items[0] };
};
export const asPairs: Parse = (t) => {
  const out: Record<string, string> = {};
  for (const line of t.split('\n').filter((l) => l.trim())) {
    const eq = line.indexOf('=');
    if (eq <= 0) return { error: `'${line.trim()}' is not NAME=value` };
    out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return { value: Object.keys(out).length ? out : undefined };
};
export const pairsText = (m: Record<string, string>) =>
  Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

interface FieldProps {
  label: string;
  name: string;
  initial: string;
  parse: Parse;
  commit: (value: FieldValue | undefined) => void;
  problems: NodeProblem[];
  /** Several lines: a script, in the editor's font; `prose`, in the panel's. */
  multiline?: boolean | 'prose';
  placeholder?: string;
  /** Values offered as the user types (a single-line field). */
  choices?: readonly string[];
  children?: ReactNode;
}

/** One property: a labelled input whose value becomes an edit when it changes. */
export function Field({ label, name, initial, parse, commit, problems, multiline, placeholder, choices, children }: FieldProps) {
  const id = useId();
  const [text, setText] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (!editing) setText(initial);
  }, [initial, editing]);
  // The field is the user's while it has the focus: an edit sent with Enter is not undone by the file's older value
  // (which would show until the new one comes back, and mix with what is typed next).
  const done = () => {
    if (text === initial) return setError(null);
    const parsed = parse(text);
    if ('error' in parsed) return setError(parsed.error);
    setError(null);
    commit(parsed.value);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (!multiline || e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      done();
    } else if (e.key === 'Escape' && (text !== initial || error)) {
      // The first Escape takes back what was typed; with nothing typed, it goes on to close the details.
      e.stopPropagation();
      setText(initial);
      setError(null);
    }
  };
  const common = {
    id,
    value: text,
    placeholder,
    'data-field': name,
    ...problemMarks(id, error, problems),
    onFocus: () => setEditing(true),
    onBlur: () => {
      done();
      setEditing(false);
    },
    onKeyDown,
  };
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea
          {...common}
          className={multiline === 'prose' ? 'prose' : undefined}
          rows={Math.min(8, Math.max(2, text.split('\n').length))}
          onChange={(e) => setText(e.target.value)}
        />
      ) : (
        <input type="text" {...common} list={choices?.length ? `${id}-choices` : undefined} onChange={(e) => setText(e.target.value)} />
      )}
      {!multiline && choices?.length ? <Choices id={`${id}-choices`} choices={choices} /> : null}
      {children}
      <ProblemList id={`${id}-problems`} problems={problems} typed={error} />
    </div>
  );
}

/**
 * How a field shows that it has problems: invalid for an error, typed or found; apart for a warning (a value that
 * runs, but maybe not as meant); described by their list.
 */
function problemMarks(id: string, error: string | null, problems: readonly NodeProblem[]) {
  const invalid = error !== null || problems.some((p) => p.severity === 'error');
  return {
    'aria-invalid': invalid || undefined,
    'data-warning': (!invalid && problems.some((p) => p.severity === 'warning')) || undefined,
    'aria-describedby': error !== null || problems.length > 0 ? `${id}-problems` : undefined,
  };
}

function Choices({ id, choices }: { id: string; choices: readonly string[] }) {
  return (
    <datalist id={id}>
      {choices.map((c) => (
        <option key={c} value={c} />
      ))}
    </datalist>
  );
}

export function Checkbox({
  label,
  field,
  checked,
  commit,
  title,
}: {
  label: string;
  field: string;
  checked: boolean;
  commit: (v: boolean) => void;
  title?: string;
}) {
  const id = useId();
  return (
    <div className="form-field form-check" title={title}>
      <input id={id} type="checkbox" checked={checked} data-field={field} onChange={(e) => commit(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}
