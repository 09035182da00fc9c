import type { InputSpec, Scalar } from './model';

/**
 * The one rule for reading an input given as text (on the command line, in a sub-workflow's `with:`): a boolean is
 * `true` or `false`, a number is a finite decimal, anything is a string.
 */
export function readInputValue(spec: Pick<InputSpec, 'name' | 'type'>, text: string): { value: Scalar } | { error: string } {
  if (spec.type === 'boolean') {
    if (text === 'true' || text === 'false') return { value: text === 'true' };
    return { error: `input '${spec.name}' is a boolean: give true or false, not '${text}'` };
  }
  if (spec.type === 'number') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) return { error: `input '${spec.name}' is a number, not '${text}'` };
    return { value: n };
  }
  return { value: text };
}
