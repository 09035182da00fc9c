// A matrix's axes as the builder's form writes them, a line each (`os: linux, macos`), and what an edit of them
// means: one key changed in place, its values kept, is that key renamed (the node's reads follow); anything else
// sets the axes as written.
import type { FieldValue } from '../../engine/edits/action';
import type { MatrixValue } from '../../engine/matrix';

export type Axes = Record<string, FieldValue[]>;

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A value as a line shows it: a word as it is, anything that would read back otherwise as JSON. */
function valueText(v: MatrixValue): string {
  if (typeof v !== 'string') return JSON.stringify(v);
  return /^[^\s,"'[\]{}:#][^,"[\]{}#]*$/.test(v) && !/\s$/.test(v) && readsAsText(v) ? v : JSON.stringify(v);
}

/** Whether a word is read back as the same text (not as a number, a boolean or null). */
function readsAsText(word: string): boolean {
  try {
    return typeof JSON.parse(word) === 'string';
  } catch {
    return !/^(?:true|false|null|~|yes|no|on|off)$/i.test(word);
  }
}

export function axesText(axes: Record<string, MatrixValue[]>): string {
  return Object.entries(axes)
    .map(([key, values]) => `${key}: ${values.map(valueText).join(', ')}`)
    .join('\n');
}

/** The values of a line, split at the commas outside quotes and brackets. */
function splitValues(text: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"') quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (quote || depth !== 0) return undefined;
  parts.push(text.slice(start).trim());
  return parts;
}

/** A value as typed: JSON (a number, a boolean, a quoted string, a list or a map) or else a word. */
function valueOf(text: string): FieldValue {
  try {
    return JSON.parse(text) as FieldValue;
  } catch {
    return text;
  }
}

/** The axes a text writes, or what is wrong with it, naming the line. */
export function parseAxes(text: string): { value: Axes } | { error: string } {
  const axes: Axes = {};
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (const [i, line] of lines.entries()) {
    const colon = line.indexOf(':');
    const key = line.slice(0, colon).trim();
    if (colon < 0 || !KEY.test(key) || key === 'include' || key === 'exclude')
      return { error: `line ${i + 1}: write a key (a letter or _, then letters, digits, _ or -), a colon, and its values: os: linux, macos` };
    if (Object.hasOwn(axes, key)) return { error: `line ${i + 1}: '${key}' is written twice` };
    const values = splitValues(line.slice(colon + 1));
    if (!values || values.some((v) => v === '')) return { error: `line ${i + 1}: values are separated by commas, and none is empty` };
    axes[key] = values.map(valueOf);
  }
  return { value: axes };
}

/** The key renamed by an edit of the axes, when the edit is one key changed in place with its values kept. */
export function renamedMatrixKey(before: Record<string, MatrixValue[]>, after: Axes): { from: string; to: string } | undefined {
  const was = Object.entries(before);
  const now = Object.entries(after);
  if (was.length !== now.length) return undefined;
  if (was.some(([, values], i) => JSON.stringify(values) !== JSON.stringify(now[i][1]))) return undefined;
  const changed = was.flatMap(([key], i) => (key === now[i][0] ? [] : [i]));
  if (changed.length !== 1) return undefined;
  const [i] = changed;
  return Object.hasOwn(before, now[i][0]) ? undefined : { from: was[i][0], to: now[i][0] };
}
