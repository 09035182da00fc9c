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

/** What a secret input's value is kept as, in the run's record and events. */
export const SECRET_KEPT_AS = '***';

/**
 * The inputs a run masks: the secret ones that have a value (an empty one hides nothing), and, for a resumed run,
 * those its record masked when it started (the file may no longer call them secret; the values given were).
 */
export function maskedInputs(specs: Record<string, InputSpec>, values: Record<string, Scalar>, maskedBefore: readonly string[] = []): string[] {
  const masked = new Set(maskedBefore);
  return Object.keys(values).filter((name) => (specs[name]?.secret || masked.has(name)) && values[name] !== '');
}

/** The values of the masked inputs (see maskedInputs), to be masked wherever they would show. */
export const secretValues = (masked: readonly string[], values: Record<string, Scalar>): string[] => masked.map((name) => String(values[name]));

/** The inputs as a run's record keeps them: a masked one (see maskedInputs) as `***`. */
export function keptInputs(masked: readonly string[], values: Record<string, Scalar>): Record<string, Scalar> {
  const kept = { ...values };
  for (const name of masked) kept[name] = SECRET_KEPT_AS;
  return kept;
}

/** What a run's record says of its inputs. `masked`: absent from the records of runs from before it was written. */
export interface KeptInputs {
  inputs: Record<string, Scalar>;
  maskedInputs?: string[];
}

/**
 * The inputs a run's record kept only masked, which a resumed run needs given again, as secret inputs of the file
 * (one the file no longer calls secret too). A record without the list: the secret inputs it holds as `***`.
 */
export function secretsNotKept(specs: Record<string, InputSpec>, record: KeptInputs): InputSpec[] {
  const names = record.maskedInputs ?? Object.keys(record.inputs).filter((name) => specs[name]?.secret && record.inputs[name] === SECRET_KEPT_AS);
  return names.filter((name) => Object.hasOwn(specs, name)).map((name) => ({ ...specs[name], secret: true }));
}

/**
 * The inputs a resumed run continues with: those its record kept, and the secret ones (which it did not keep) given
 * again. A secret input the record has only masked and that is not given again is an error.
 */
export function resumedInputs(
  specs: Record<string, InputSpec>,
  record: KeptInputs,
  given: Record<string, string>,
): { values: Record<string, Scalar>; errors: string[] } {
  const values: Record<string, Scalar> = { ...record.inputs };
  const errors: string[] = [];
  const notKept = secretsNotKept(specs, record);
  for (const name of Object.keys(given)) {
    const spec = notKept.find((s) => s.name === name) ?? specs[name];
    if (!spec?.secret) {
      errors.push(`input '${name}' is not a secret input of this workflow: a resumed run keeps the values it started with`);
      continue;
    }
    const read = readInputValue(spec, given[name]);
    if ('error' in read) errors.push(read.error);
    else values[name] = read.value;
  }
  for (const spec of notKept) if (!Object.hasOwn(given, spec.name)) errors.push(`input '${spec.name}' is secret and was not kept with the run: give it again`);
  return { values, errors };
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
