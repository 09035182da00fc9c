import type { InputSpec } from '../engine/model';
import { isGithubTokenInput } from '../engine/formats/githubActions/contexts';
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
  /** Told of a value taken from a variable other than the input's own (a GitHub token's `GH_TOKEN`). */
  onTaken?: (input: string, variable: string) => void;
}

/** The variables a GitHub token is read from by GitHub's CLI, in its order. */
const GITHUB_TOKEN_VARIABLES = ['GH_TOKEN', 'GITHUB_TOKEN'];

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
    const tokenVariable = isGithubTokenInput(spec.name) ? GITHUB_TOKEN_VARIABLES.find((v) => sources.env[v]) : undefined;
    if (tokenVariable) {
      values[spec.name] = sources.env[tokenVariable]!;
      sources.onTaken?.(spec.name, tokenVariable);
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

/** This process's sources: its environment, and its terminal when stdin is one; `say` tells where a value came from. */
export function processSecretSources(inputFlag: boolean, say: (message: string) => void): SecretSources {
  const stdin = process.stdin;
  const ask = stdin.isTTY ? (prompt: string) => readHidden(stdin, (text) => process.stderr.write(text), prompt) : undefined;
  const onTaken = (input: string, variable: string) => say(`${input}: $${variable}'s (${secretEnvName(input)} gives another)`);
  return { env: process.env, inputFlag, onTaken, ...(ask ? { ask } : {}) };
}
