import { readInputValue } from '../../inputValue';
import type { InputSpec, Scalar } from '../../model';

/**
 * Converts given input strings to their declared types and fills defaults; an input neither given nor with a default
 * takes its `fallback` value, if it has one (those are `fromFallback`). Errors say which input and why.
 */
export function resolveInputs(
  specs: Record<string, InputSpec>,
  given: Record<string, string>,
  fallback: Record<string, string> = {},
): { values: Record<string, Scalar>; errors: string[]; fromFallback: string[] } {
  const values: Record<string, Scalar> = {};
  const errors: string[] = [];
  const fromFallback: string[] = [];
  for (const name of Object.keys(given)) {
    if (!(name in specs)) {
      const known = Object.keys(specs);
      errors.push(`unknown input '${name}' (${known.length ? `inputs: ${known.join(', ')}` : 'this workflow has no inputs'})`);
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    let raw = given[name];
    if (raw === undefined && spec.default === undefined && Object.hasOwn(fallback, name)) {
      raw = fallback[name];
      fromFallback.push(name);
    }
    if (raw === undefined) {
      if (spec.default !== undefined) values[name] = spec.default;
      else if (spec.required) errors.push(`input '${name}' is required and has no default: give it with --input ${name}=<value>`);
      else values[name] = spec.type === 'boolean' ? false : spec.type === 'number' ? 0 : '';
      continue;
    }
    const read = readInputValue({ name, type: spec.type }, raw);
    if ('error' in read) errors.push(read.error);
    else values[name] = read.value;
  }
  return { values, errors, fromFallback };
}

/** Parses `name=value` pairs as the CLI's --input flags give them. */
export function parseInputFlags(flags: readonly string[]): { given: Record<string, string>; errors: string[] } {
  const given: Record<string, string> = {};
  const errors: string[] = [];
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) errors.push(`--input takes name=value, not '${flag}'`);
    else given[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return { given, errors };
}
