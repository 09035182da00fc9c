import type { InputSpec } from '../engine/model';
import { secretEnvName } from '../engine/nodeEnv';
import { UsageError } from './args';
import { readHidden } from './hiddenInput';
import { safeText } from './terminalText';

/** How the CLI gets a secret input's value: from the environment, else asked at the terminal when there is one. */
export interface SecretSources {
  env: Record<string, string | undefined>;
  /** Values given otherwise (an inputs file), taken first. */
  given?: Readonly<Record<string, string>>;
  /** Asks without showing the answer; undefined when the user gives up. */
  ask?: (prompt: string) => Promise<string | undefined>;
  /** Whether the command takes `--input` (a resumed run's does not). */
  inputFlag?: boolean;
}

/**
 * The values of the secret inputs `wanted` (those the command line did not give). A required one that neither the
 * environment nor the terminal gives is a usage error that says where it can come from.
 */
export async function secretInputValues(wanted: readonly InputSpec[], sources: SecretSources): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const spec of wanted) {
    if (sources.given && Object.hasOwn(sources.given, spec.name)) {
      values[spec.name] = sources.given[spec.name];
      continue;
    }
    const fromEnv = sources.env[secretEnvName(spec.name)];
    if (fromEnv !== undefined) {
      values[spec.name] = fromEnv;
      continue;
    }
    if (sources.ask) {
      const about = spec.description ? ` (${spec.description})` : '';
      const asked = await sources.ask(safeText(`${spec.name}${about}, secret, not shown: `));
      if (asked === undefined) throw new UsageError(`no value was given for the secret input '${spec.name}'`);
      if (asked === '' && spec.required) throw new UsageError(`input '${spec.name}' is required: the answer was empty`);
      values[spec.name] = asked;
    } else if (spec.required)
      throw new UsageError(
        `input '${spec.name}' is secret and required: set ${secretEnvName(spec.name)}, or run on a terminal to be asked for it` +
          (sources.inputFlag ? ` (--input ${spec.name}=… works too, but the process list shows it)` : ''),
      );
  }
  return values;
}

/** This process's sources: its environment, and its terminal when stdin is one. */
export function processSecretSources(inputFlag: boolean): SecretSources {
  const stdin = process.stdin;
  const ask = stdin.isTTY ? (prompt: string) => readHidden(stdin, (text) => process.stderr.write(text), prompt) : undefined;
  return { env: process.env, inputFlag, ...(ask ? { ask } : {}) };
}
