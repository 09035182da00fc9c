// One step of a GitHub job as the node's script holds it: the comments above it (its name, what is not imported) and
// its commands, the step's folder and env set first. How the steps are put together is the caller's.
import { posix } from 'node:path';
import { isObject, type Json, textOf } from '../../json';
import type { RetryPolicy } from '../../model';
import { commentText, notImportedLine } from '../importTypes';
import { isPosixShell, runsPastFailures, shellFromWords, shellQuoted, shellSplit, shellText, takesScriptFile } from '../../platform/shells';
import { fromGithubVariables, fromSetOutput, githubOnlyVariables } from '../scriptVariables';
import { fromGithubValue, type GithubValueInputs, type ValueSink } from './contexts';
import { downloadStep, type UploadedPaths } from './artifactSteps';
import { ENV_FILE_VARIABLES } from './envFiles';
import type { LocalActions } from './localActions';
import { setupStep } from './setupActions';
import { outputsWord, type ScriptVariable, withOutputVariables, withValuePlaceholders } from './stepOutputs';
import { nonPosixSettings } from './nonPosixSteps';
import { stepShellOf } from './stepShells';
import { stepTimeoutSeconds } from './stepTimeout';
import { contextOfVariable, githubValuesThroughEnv } from './valuesThroughEnv';
import { lineOf } from './tokens';

export interface StepsResult {
  script: string;
  shell?: string;
  /** Working folder of a job whose one run step sets it. */
  workingDirectory?: string;
  retry?: RetryPolicy;
  artifacts: string[];
  notes: string[];
  /**
   * The steps' env values that hold expressions, for the node's env under names of their own (`STEP3_TOKEN`): the
   * step exports its variable from that one, so that no value is written into the script's text.
   */
  env: Record<string, string>;
  /** What the outputs of the steps that used local actions are, where those actions' steps write them (localActions.ts). */
  actionOutputs: ReadonlyMap<string, string>;
  /** The job outputs the script writes under their own names when its steps have run (jobOutputs.ts). */
  outputsAtEnd: ReadonlySet<string>;
  /** The job's `outputs:` read through the composite actions put in place, where any is. */
  outputsRead?: Record<string, string>;
}

/**
 * Our shell for GitHub's `shell:` (see docs/import-export.md): its named shells keep their meaning, and a custom
 * command of another language its `{0}` (`perl {0}`); a POSIX shell's is left out, as the steps' script needs one.
 */
export function shellFromGithub(shell: string | undefined): string | undefined {
  if (shell === undefined) return undefined;
  if (shell === 'bash') return 'bash -o pipefail';
  if (shell === 'python') return 'python';
  if (takesScriptFile(shell) && !isPosixShell(shell)) return shellText(shellSplit(shell));
  return shellFromWords(shell.replace(/\s*\{0\}\s*$/, ''));
}

/** What of a job its steps are read in: its defaults, its own env's names, where GitHub's values are asked for. */
export interface JobScope {
  defaultShell: string | undefined;
  /** GitHub's `shell` for the steps that name none (the job's defaults, else the workflow's), as written. */
  githubShell?: string;
  defaultDir: string | undefined;
  envNames: ReadonlySet<string>;
  inputs?: GithubValueInputs;
  /** The job's needs, which `needs.*` reads. */
  needs?: readonly string[];
  /** The job's `outputs:`, as written. */
  outputs?: unknown;
  /** Where the workflow's jobs upload each artifact from. */
  uploads?: UploadedPaths;
  /** The files of the repository's actions the steps use. */
  localActions?: LocalActions;
}

/**
 * A job's scope as its steps are read: `guarded`, whether the script runs each step under its condition; `envFiles`,
 * whether it gives the steps the runner's files; `variables`, the script's variables this step may read (the earlier
 * steps' outputs, the job's status, what they wrote to `$GITHUB_ENV`); `nodeFolder`, the node's folder in the workspace.
 */
export type StepScope = JobScope & {
  guarded: boolean;
  envFiles: boolean;
  variables: ScriptVariable;
  nodeFolder: string | undefined;
  /** What is noted of the steps that use a local action whose steps cannot be put in their place. */
  actionNotes: ReadonlyMap<Json, string>;
  /** Whether the step is the job's only run step, which is the node. */
  lone?: boolean;
  /** Whether steps that run commands come before it: its values are still read as the job starts. */
  afterCommands?: boolean;
};

/** A `uses:` step: checkout is the working copy itself, an upload's paths are artifacts, any other action a note. */
function actionStepLines(step: Json, uses: string, label: string, line: number, out: StepsResult): string[] {
  // The local engine runs in the working copy itself.
  if (/^actions\/checkout@/.test(uses)) return [];
  const path = isObject(step.with) ? step.with.path : undefined;
  if (/^actions\/upload-artifact@/.test(uses) && typeof path === 'string' && !path.includes('${{')) {
    out.artifacts.push(
      ...path
        .split('\n')
        .map((p) => p.trim())
        .filter((p) => p && !p.startsWith('!')),
    );
    return [];
  }
  const note = `step '${label}' (line ${line}) uses the action ${uses}, which runs only on GitHub: write what it does as commands here`;
  out.notes.push(note);
  return [notImportedLine(note)];
}

/**
 * What of a `run` step a node's one script cannot keep, each following "step 'name' (line n) …"; `guarded`: whether
 * the script runs each step under its condition.
 */
function runStepLeftovers(step: Json, defaultShell: string | undefined, setOutputLeft: boolean, guarded: boolean): string[] {
  const left: string[] = [];
  if (step.if !== undefined && !guarded)
    left.push(`runs only if ${textOf(step.if)}: a node's steps all run here, as its shell is not a POSIX shell; make it a node of its own with that 'if'`);
  const keepsGoing = step['continue-on-error'];
  if (typeof keepsGoing === 'string' && keepsGoing !== 'true' && keepsGoing !== 'false' && !guarded)
    left.push(
      `continues on error if ${keepsGoing}: here its failure fails the node, as its shell is not a POSIX shell; make it a node of its own with that 'continueOnError'`,
    );
  if (hasOwnShell(step, defaultShell) && !(guarded && stepShellOf(textOf(step.shell))))
    left.push(`runs in '${textOf(step.shell)}', the other steps in the node's shell: make it a node of its own with that shell`);
  const timeout = stepTimeoutSeconds(step);
  if (timeout !== undefined && typeof timeout !== 'number') left.push(timeout.problem);
  else if (timeout !== undefined && !guarded)
    left.push(
      `has timeout-minutes ${textOf(step['timeout-minutes'])}: a node's timeout is for all its steps, as its shell is not a POSIX shell; make it a node of its own with that timeout`,
    );
  if (setOutputLeft) left.push("uses ::set-output, which GitHub has deprecated and the engine does not read: write 'name=value' lines to $MAESTRO_OUTPUT");
  return left;
}

/** Whether a step has a shell of its own, other than the node's. */
export const hasOwnShell = (step: Json, nodeShell: string | undefined): boolean =>
  typeof step.shell === 'string' &&
  shellFromGithub(step.shell) !== nodeShell &&
  // A lone step's `bash {0}` is the node's as written.
  shellText(shellSplit(step.shell)) !== nodeShell &&
  !isPipefailBash(step, nodeShell);

/**
 * A `shell: bash` step where the node runs the default bash: the same shell, with the pipefail GitHub's `bash` adds
 * (`bash --noprofile --norc -eo pipefail`), which its subshell sets.
 */
const isPipefailBash = (step: Json, nodeShell: string | undefined): boolean =>
  nodeShell === undefined && shellFromGithub(textOf(step.shell)) === 'bash -o pipefail';

/**
 * A step's working directory, which GitHub takes from the workspace, from the node's folder (the job's default one):
 * `api` under a job whose default is `web` is `../api`.
 */
function fromNodeFolder(dir: string, nodeFolder: string | undefined): string {
  if (!nodeFolder || posix.isAbsolute(dir) || dir.includes('${{') || nodeFolder.includes('${{')) return dir;
  return posix.relative(nodeFolder, dir) || '.';
}

/** A name for a node env variable, `base` or `base_` …, that neither the node's env nor the job's own has. */
export function unusedEnvName(base: string, out: StepsResult, taken: ReadonlySet<string>): string {
  let name = base;
  while (out.env[name] !== undefined || taken.has(name)) name = `${name}_`;
  return name;
}

/**
 * The `export` of a step's variable: a literal as it is; a value with expressions through a variable of the node's env
 * (named after the first step and variable to have that value; `taken`: the job's own variables).
 */
function exportLine(name: string, value: string, step: number, out: StepsResult, taken: ReadonlySet<string>): string {
  if (!value.includes('${{')) return `export ${name}=${shellQuoted(value)}`;
  let alias = Object.keys(out.env).find((a) => out.env[a] === value);
  if (!alias) {
    alias = unusedEnvName(`STEP${step}_${name}`, out, taken);
    out.env[alias] = value;
  }
  return `export ${name}="$${alias}"`;
}

/** One step as the job's script holds it: the comments above it, and its commands (none for an action's step). */
export interface StepPiece {
  step: Json;
  /** Where the step is: its position among the job's steps, from 1, and its line. */
  position: number;
  line: number;
  label: string;
  head: string[];
  /** What sets the step's folder and environment (`cd`, `export`), then its own commands. */
  prefix: string[];
  body?: string;
  /** GitHub's `shell` of a step that runs in its own (guarded scripts only). */
  ownShell?: string;
  /** In such a step's script, the placeholders of the script's variables whose values go into its file. */
  values?: ReadonlyMap<string, string>;
  /** Steps that run commands come before it. */
  afterCommands?: boolean;
}

const stepLabel = (step: Json, line: number): string =>
  typeof step.name === 'string' ? step.name : typeof step.uses === 'string' ? step.uses : typeof step.id === 'string' ? step.id : `step on line ${line}`;

/**
 * A `uses:` step's piece: a local action's step that could not be put in its place, noted; a download or a setup
 * action as the commands that do it here; any other action as actionStepLines has it.
 */
function actionPiece(piece: StepPiece, uses: string, job: StepScope, note: (what: string) => void, out: StepsResult): StepPiece {
  const { step } = piece;
  const actionNote = job.actionNotes.get(step);
  if (actionNote !== undefined) {
    note(actionNote);
    return piece;
  }
  const posixShell = isPosixShell(job.defaultShell);
  const download = downloadStep(step, job.uploads ?? new Map(), job.nodeFolder, posixShell);
  if (download && 'problem' in download) {
    note(download.problem);
    return piece;
  }
  const commands = download ?? setupStep(step, posixShell);
  if (commands) return { ...piece, head: [commands.comment], body: commands.body };
  return { ...piece, head: actionStepLines(step, uses, piece.label, piece.line, out) };
}

/**
 * The lines that set a step's folder, options and environment in its subshell, in a node whose shell is a POSIX
 * shell; `value`, an env setting's value in our words.
 */
function posixPrefix(step: Json, job: StepScope, piece: StepPiece, out: StepsResult, value: (k: string, v: unknown) => string): string[] {
  const { defaultShell } = job;
  const prefix: string[] = [];
  const dir = typeof step['working-directory'] === 'string' ? fromNodeFolder(step['working-directory'], job.defaultDir) : undefined;
  if (dir) prefix.push(`cd ${shellQuoted(dir)}`);
  if (isPipefailBash(step, defaultShell)) prefix.push('set -o pipefail');
  // Where the node's shell would stop at a failing command: steps one after the other under -e, or in the subshells
  // of a guarded script, which set it.
  const nodeStops = job.guarded || !runsPastFailures(defaultShell);
  const stepShell = typeof step.shell === 'string' ? step.shell : job.githubShell;
  if (piece.ownShell === undefined && nodeStops && runsPastFailures(stepShell)) prefix.push('set +e');
  for (const [k, v] of isObject(step.env) ? Object.entries(step.env) : []) {
    const word = outputsWord(textOf(v), job.variables);
    if (word) prefix.push(`export ${k}=${word}`);
    // A job's only run step is the node: its env is the node's, over the job's.
    else if (job.lone) out.env[k] = value(k, v);
    else prefix.push(exportLine(k, value(k, v), piece.position, out, job.envNames));
  }
  return prefix;
}

/** One step's comments and commands; `position`: the step's, from 1, among the job's steps. */
export function stepPiece(step: Json, position: number, line: number, job: StepScope, out: StepsResult): StepPiece {
  const { defaultShell, inputs } = job;
  const sink: ValueSink = { notes: out.notes, inputs, needs: job.needs, readAtJobStart: job.afterCommands };
  const label = stepLabel(step, line);
  const piece: StepPiece = { step, position, line, label, head: [], prefix: [], afterCommands: job.afterCommands };
  const note = (what: string) => {
    out.notes.push(`step '${label}' (line ${line}) ${what}`);
    piece.head.push(notImportedLine(`step '${label}' (line ${line}) ${what}`));
  };
  if (typeof step.uses === 'string') return actionPiece(piece, step.uses, job, note, out);
  if (typeof step.run !== 'string') {
    note("is neither 'run' nor 'uses'");
    return piece;
  }
  if (typeof step.name === 'string') piece.head.push(`# ${commentText(step.name)}`);
  if (job.guarded && hasOwnShell(step, defaultShell) && stepShellOf(textOf(step.shell))) piece.ownShell = textOf(step.shell);
  // A script of another shell is written to a file: the values of the script's variables go into its text there.
  const placed = piece.ownShell === undefined ? undefined : withValuePlaceholders(step.run, job.variables);
  if (placed?.values.size) piece.values = placed.values;
  const withOutputs = placed ? { script: placed.script, unexpanded: [] } : withOutputVariables(step.run, job.variables);
  const inHeredoc = (ref: string) =>
    withOutputs.unexpanded.includes(ref)
      ? 'it is in a here-document whose delimiter is quoted, where no variable expands: unquote the delimiter (<<EOF)'
      : undefined;
  const outputs = fromSetOutput(fromGithubValue(withOutputs.script, false, { ...sink, advice: inHeredoc }, lineOf(step, 'run') || line));
  for (const what of runStepLeftovers(step, defaultShell, outputs.left, job.guarded)) note(what);
  piece.body = fromGithubVariables(outputs.script);
  if (piece.ownShell === undefined && isPosixShell(defaultShell))
    piece.body = githubValuesThroughEnv(piece.body, inputs, out.env, job.envNames, (input) =>
      unusedEnvName(`STEP${position}_${input.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`, out, job.envNames),
    );
  for (const v of githubOnlyVariables(piece.body)) {
    if ((job.envFiles && ENV_FILE_VARIABLES.has(v)) || (isObject(step.env) && v in step.env)) continue;
    const context = contextOfVariable(v);
    if (!context) note(`uses $${v}, which only GitHub's runner sets`);
    else if (out.env[v] === undefined && !job.envNames.has(v)) out.env[v] = fromGithubValue(`\${{ ${context} }}`, false, sink, line);
  }
  const settingValue = (k: string, v: unknown) => fromGithubValue(textOf(v), false, sink, lineOf(step.env, k) || line);
  if (isPosixShell(defaultShell)) piece.prefix.push(...posixPrefix(step, job, piece, out, settingValue));
  else {
    const settings = nonPosixSettings(step, defaultShell ?? '', job.lone === true, out.env, job.envNames, settingValue);
    for (const [k, v] of settings.env) out.env[k] = v;
    settings.notes.forEach(note);
  }
  return piece;
}
