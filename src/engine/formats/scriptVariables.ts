// The variables a node's script reads from the engine, and their names under GitHub Actions' runner.
const OURS_TO_GITHUB: Record<string, string> = {
  MAESTRO_OUTPUT: 'GITHUB_OUTPUT',
  MAESTRO_TEMP: 'RUNNER_TEMP',
  MAESTRO_RUN_ID: 'GITHUB_RUN_ID',
  MAESTRO_NODE_ID: 'GITHUB_JOB',
  MAESTRO_ATTEMPT: 'GITHUB_RUN_ATTEMPT',
  MAESTRO_WORKSPACE: 'GITHUB_WORKSPACE',
};
const GITHUB_TO_OURS = Object.fromEntries(Object.entries(OURS_TO_GITHUB).map(([a, b]) => [b, a]));

/**
 * Where a script reads an environment variable by its name: a shell's `$NAME` and `${NAME}`, PowerShell's
 * `$env:NAME`, Python's `os.environ["NAME"]` and `os.getenv("NAME")`, JavaScript's `process.env.NAME`.
 */
const VARIABLE_READ =
  /(\$\{?[Ee][Nn][Vv]:|\benviron\[["']|\benviron\.get\(["']|\bgetenv\(["']|\bprocess\.env\.|\bprocess\.env\[["']|\$\{?)([A-Z_][A-Z0-9_]*)\b/g;

function rename(script: string, names: Record<string, string>): string {
  return script.replace(VARIABLE_READ, (whole, reads: string, name: string) => (names[name] ? `${reads}${names[name]}` : whole));
}

export const toGithubVariables = (script: string): string => rename(script, OURS_TO_GITHUB);
export const fromGithubVariables = (script: string): string => rename(script, GITHUB_TO_OURS);

/**
 * A GitHub matrix job's script as imported, reading `$GITHUB_JOB` again where it became `$MAESTRO_NODE_ID`: GitHub
 * gives every instance the job's id, the engine each instance its own (`build[os=linux]`). The node's env then gives
 * the job's id; undefined where the script does not read it.
 */
export function withMatrixJobId(script: string, jobId: string): { script: string; env: Record<string, string> } | undefined {
  if (!variablesRead(script).has('MAESTRO_NODE_ID')) return undefined;
  return { script: rename(script, { MAESTRO_NODE_ID: 'GITHUB_JOB' }), env: { GITHUB_JOB: jobId } };
}

/** The environment variables a script reads by name, as VARIABLE_READ finds them. */
export const variablesRead = (script: string): Set<string> => new Set([...script.matchAll(VARIABLE_READ)].map((m) => m[2]));

/** The engine's command that reads hashFiles() as a script runs, which no other engine gives a script. */
const HASH_FILES_COMMAND = 'MAESTRO_HASH_FILES';

/** Why a script cannot run elsewhere as it is, reading the engine's hashFiles() command; undefined where it does not. */
export function hashFilesCommandProblem(script: string, where: string): string | undefined {
  return variablesRead(script).has(HASH_FILES_COMMAND)
    ? `its run reads $${HASH_FILES_COMMAND}, the engine's hashFiles() for a script, which ${where} does not have`
    : undefined;
}

/** The runner's variables a script reads that have no local counterpart (`GITHUB_ENV`, `GITHUB_STEP_SUMMARY`). */
export function githubOnlyVariables(script: string): string[] {
  const found = new Set<string>();
  for (const [, , name] of script.matchAll(VARIABLE_READ)) if (/^(?:GITHUB|RUNNER)_/.test(name) && !GITHUB_TO_OURS[name]) found.add(name);
  return [...found];
}

/** `echo "::set-output name=NAME::VALUE"` on a line of its own, in any quoting (or none) that echo takes. */
const SET_OUTPUT_LINE = /^(\s*)echo\s+(["']?)::set-output name=([\w-]+)::(.*)\2\s*$/;

/**
 * A script's `::set-output` commands (which GitHub has deprecated) written as GitHub now asks for them, a line
 * appended to `$GITHUB_OUTPUT`; `left`: whether any use of it is left that is not such a line.
 */
export function fromSetOutput(script: string): { script: string; left: boolean } {
  if (!script.includes('::set-output')) return { script, left: false };
  const lines = script.split('\n').map((line) => {
    const m = SET_OUTPUT_LINE.exec(line);
    return m ? `${m[1]}echo ${m[2]}${m[3]}=${m[4]}${m[2]} >> "$GITHUB_OUTPUT"` : line;
  });
  const rewritten = lines.join('\n');
  return { script: rewritten, left: rewritten.includes('::set-output') };
}
