// What GitHub gives a run, written into a step's script (`echo "${{ github.sha }}"`, `${{ secrets.TOKEN }}`), is
// passed through the node's env and read there as a variable, quoted as the shell needs where it stood, as GitHub's
// hardening guide asks: its value is never read as shell code, and a secret is not in the script's text (which the
// process list shows). The runner's own variable is used where it has one (`$GITHUB_SHA`).
import { chainNames } from '../../expressions/references';
import { findTemplates } from '../../expressions/template';
import { quotingAt, variableUse } from '../../platform/shellQuoting';
import type { GithubValueInputs } from './contexts';

/** The runner's variables that hold a value of the `github` context: `$GITHUB_REF` is `github.ref`. */
const CONTEXT_VARIABLES = new Set(
  [
    'ACTOR',
    'BASE_REF',
    'EVENT_NAME',
    'HEAD_REF',
    'REF',
    'REF_NAME',
    'REF_TYPE',
    'REPOSITORY',
    'REPOSITORY_OWNER',
    'SERVER_URL',
    'SHA',
    'TRIGGERING_ACTOR',
    'WORKSPACE',
  ].map((n) => `GITHUB_${n}`),
);

/** The context value a runner's variable holds, in GitHub's words (`github.ref`), or undefined. */
export const contextOfVariable = (name: string): string | undefined =>
  CONTEXT_VARIABLES.has(name) ? `github.${name.slice('GITHUB_'.length).toLowerCase()}` : undefined;

/** The runner's variable of a value GitHub gives a run (`github.sha`: `GITHUB_SHA`), or undefined. */
const runnerVariableOf = (written: string): string | undefined => {
  const variable = `GITHUB_${written.replace(/^github\./i, '').toUpperCase()}`;
  return /^github\.[a-z_]+$/i.test(written) && CONTEXT_VARIABLES.has(variable) ? variable : undefined;
};

/**
 * A POSIX script with each `${{ inputs.X }}` of a value GitHub gives a run (an input the import made) read from a
 * variable of the node's `env`: the runner's own where neither `env` nor the job's own (`taken`) holds another value
 * under it, else the one `fallback` names.
 */
export function githubValuesThroughEnv(
  script: string,
  inputs: GithubValueInputs | undefined,
  env: Record<string, string>,
  taken: ReadonlySet<string>,
  fallback: (input: string) => string,
): string {
  let out = '';
  let last = 0;
  for (const part of findTemplates(script)) {
    const chain = part.parsed ? chainNames(part.parsed.expr) : undefined;
    const written = chain?.length === 2 && chain[0].toLowerCase() === 'inputs' ? inputs?.madeFor(chain[1]) : undefined;
    if (!chain || written === undefined) continue;
    const value = `\${{ inputs.${chain[1]} }}`;
    const runner = runnerVariableOf(written);
    const name =
      Object.keys(env).find((k) => env[k] === value) ??
      (runner !== undefined && env[runner] === undefined && !taken.has(runner) ? runner : undefined) ??
      fallback(chain[1]);
    const use = variableUse(name, quotingAt(script, part.span.start));
    if (!use) continue;
    env[name] = value;
    out += script.slice(last, part.span.start) + use;
    last = part.span.end;
  }
  return out + script.slice(last);
}
