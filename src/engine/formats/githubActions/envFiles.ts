// The files GitHub's runner gives a job's steps to write to: `$GITHUB_ENV` (variables for the steps after it),
// `$GITHUB_PATH` (folders put before PATH for them) and `$GITHUB_STEP_SUMMARY` (Markdown for the run's page). Where a
// job's steps use them, its script makes the three files in the run's scratch folder and, after each step, exports
// what the step added and writes what it added to the summary into the node's log. `${{ env.NAME }}` of a variable an
// earlier step wrote is then that variable.
import { type Json, textOf } from '../../json';
import { githubOnlyVariables } from '../scriptVariables';
import { namesWrittenTo, type ScriptVariable } from './stepOutputs';

/** The variables the script gives the steps, and which they may then read. */
export const ENV_FILE_VARIABLES: ReadonlySet<string> = new Set(['GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY']);

/** Whether a job's `run` steps use the runner's files, in any language's words (`$GITHUB_ENV`, `os.environ["GITHUB_ENV"]`). */
export function usesEnvFiles(steps: readonly Json[]): boolean {
  return steps.some((s) => typeof s.run === 'string' && githubOnlyVariables(s.run).some((v) => ENV_FILE_VARIABLES.has(v)));
}

/** The variables each step writes to `$GITHUB_ENV`, by the step's position (from 0), as far as its text says. */
function namesSetBySteps(steps: readonly Json[]): Map<number, Set<string>> {
  const byStep = new Map<number, Set<string>>();
  steps.forEach((step, i) => {
    // Only a name a shell variable can have is exported (env_files_awk reads no other).
    const names = new Set([...namesWrittenTo(textOf(step.run ?? ''), 'GITHUB_ENV')].filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n)));
    if (names.size) byStep.set(i, names);
  });
  return byStep;
}

/** `env.NAME` read by the step at `position`: the variable, where an earlier step writes NAME to `$GITHUB_ENV`. */
export function envFileVariables(steps: readonly Json[]): (position: number) => ScriptVariable {
  const byStep = namesSetBySteps(steps);
  return (position) => (chain) => {
    if (chain.length !== 2 || chain[0].toLowerCase() !== 'env') return undefined;
    // The env context's names are read without regard to case, as GitHub reads them; the variable is as written.
    for (const [i, names] of byStep) {
      const name = i < position ? [...names].find((n) => n.toLowerCase() === chain[1].toLowerCase()) : undefined;
      if (name !== undefined) return name;
    }
    return undefined;
  };
}

/** The lines at the script's start: the three files, and the function that reads what a step added to them. */
export const ENV_FILES_START = [
  "# $GITHUB_ENV, $GITHUB_PATH, $GITHUB_STEP_SUMMARY: what a step adds is the later steps' (the summary is logged).",
  ...['ENV', 'PATH', 'STEP_SUMMARY'].map((f) => `GITHUB_${f}=$(mktemp "$MAESTRO_TEMP/github-${f.toLowerCase().replace('_', '-')}.XXXXXX") || exit 1`),
  'export GITHUB_ENV GITHUB_PATH GITHUB_STEP_SUMMARY',
  "# Each entry as a command: a variable ('NAME=value', or 'NAME<<END' lines 'END') exported, a folder put before PATH.",
  "env_files_awk='",
  String.raw`  function quoted(s,  parts, n, i, out) { n = split(s, parts, q); out = parts[1]; for (i = 2; i <= n; i++) out = out q "\\" q q parts[i]; return q out q }`,
  String.raw`  file == "path" { if (NF) print "PATH=" quoted($0) ":\"$PATH\""; next }`,
  String.raw`  d != "" { if ($0 == d) { d = ""; print "export " name "=" quoted(v) } else v = v (c++ ? "\n" : "") $0; next }`,
  String.raw`  /^[A-Za-z_][A-Za-z0-9_]*<</ { i = index($0, "<<"); name = substr($0, 1, i - 1); d = substr($0, i + 2); v = ""; c = 0; next }`,
  String.raw`  /^[A-Za-z_][A-Za-z0-9_]*=/ { i = index($0, "="); print "export " substr($0, 1, i - 1) "=" quoted(substr($0, i + 1)) }`,
  "'",
  '# Where the files end, before a step.',
  'env_files_sizes() { wc -c < "$GITHUB_ENV"; wc -c < "$GITHUB_PATH"; wc -c < "$GITHUB_STEP_SUMMARY"; }',
  '# What a step added after the bytes given: variables exported, folders put before PATH, the summary logged.',
  'env_files_apply() {',
  String.raw`  eval "$(tail -c +"$(($1 + 1))" "$GITHUB_ENV" | awk -v q="'" -v file=env "$env_files_awk"; tail -c +"$(($2 + 1))" "$GITHUB_PATH" | awk -v q="'" -v file=path "$env_files_awk")"`,
  '  export PATH',
  '  tail -c +"$(($3 + 1))" "$GITHUB_STEP_SUMMARY"',
  '}',
];

/** The line before a step: where each file ends. */
export const ENV_FILES_FROM_LINE = 'env_files_from=$(env_files_sizes)';

/** The line after a step: what it added, applied. */
export const ENV_FILES_APPLY_LINE = 'env_files_apply $env_files_from';
