// A job's steps as one script: each `run` step in turn under its name as a comment; what cannot run locally (a
// `uses:` action, a step condition) stays visible as a `# not imported:` comment.
import { isObject, type Json, textOf } from '../../json';
import type { RetryPolicy } from '../../model';
import { rewriteExpressions } from '../expressionMap';
import { commentText, notImportedLine } from '../importTypes';
import { shellFromWords, shellQuoted } from '../../platform/shells';
import { parseRetryLoop } from '../scriptRetry';
import { fromGithubVariables, fromSetOutput, githubOnlyVariables } from '../scriptVariables';
import { fromGithubContexts, type GithubValueInputs } from './contexts';
import { APPROVAL_STEP_RUN } from './export';
import { LINES, lineOf, type Lined } from './tokens';

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
}

/** Our shell for GitHub's `shell:` (see docs/import-export.md): its named shells keep their meaning. */
export function shellFromGithub(shell: string | undefined): string | undefined {
  if (shell === undefined) return undefined;
  if (shell === 'bash') return 'bash -o pipefail';
  if (shell === 'python') return 'python';
  return shellFromWords(shell.replace(/\s*\{0\}\s*$/, ''));
}

/** Where a value's rewrite notes what has no local value, and asks for what GitHub gives a run as inputs. */
export interface ValueSink {
  notes: string[];
  inputs?: GithubValueInputs;
}

/** Rewrites a value's expressions into our contexts, noting those that have none. */
export function fromGithubValue(value: string, isCondition: boolean, sink: ValueSink, line: number): string {
  const unknown = (ref: string, advice: string) => sink.notes.push(`'${ref}' (line ${line}) has no local value: ${advice}`);
  const result = rewriteExpressions(value, isCondition, fromGithubContexts(unknown, sink.inputs && { inputs: sink.inputs, line }));
  for (const problem of result.problems) sink.notes.push(`${problem} (line ${line})`);
  return result.text;
}

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

/** What of a `run` step a node's one script cannot keep, each following "step 'name' (line n) …". */
function runStepLeftovers(step: Json, defaultShell: string | undefined, setOutputLeft: boolean): string[] {
  const left: string[] = [];
  if (step.if !== undefined)
    left.push(`runs only if ${textOf(step.if)}: a node's steps all run; split it into a node with that 'if', or test it in the script`);
  const stepShell = typeof step.shell === 'string' ? shellFromGithub(step.shell) : defaultShell;
  if (stepShell !== defaultShell) left.push(`runs in '${textOf(step.shell)}', the other steps in the node's shell: make it a node of its own with that shell`);
  if (step['timeout-minutes'] !== undefined)
    left.push(
      `has timeout-minutes ${textOf(step['timeout-minutes'])}: a node's timeout is for all its steps; make it a node of its own with that timeout, or run it under 'timeout'`,
    );
  if (setOutputLeft) left.push("uses ::set-output, which GitHub has deprecated and the engine does not read: write 'name=value' lines to $MAESTRO_OUTPUT");
  return left;
}

/**
 * The `export` of a step's variable: a literal as it is; a value with expressions through a variable of the node's env
 * (named after the first step and variable to have that value; `taken`: the job's own variables).
 */
function exportLine(name: string, value: string, step: number, out: StepsResult, taken: ReadonlySet<string>): string {
  if (!value.includes('${{')) return `export ${name}=${shellQuoted(value)}`;
  let alias = Object.keys(out.env).find((a) => out.env[a] === value);
  if (!alias) {
    alias = `STEP${step}_${name}`;
    while (out.env[alias] !== undefined || taken.has(alias)) alias = `${alias}_`;
    out.env[alias] = value;
  }
  return `export ${name}="$${alias}"`;
}

/** One step's lines in the joined script; `position`: the step's, from 1, among the job's steps. */
function stepLines(step: Json, position: number, line: number, job: JobScope, out: StepsResult): string[] {
  const { defaultShell, inputs } = job;
  const sink: ValueSink = { notes: out.notes, inputs };
  const name = typeof step.name === 'string' ? step.name : undefined;
  const label = name ?? (typeof step.uses === 'string' ? step.uses : typeof step.id === 'string' ? step.id : `step on line ${line}`);
  const lines: string[] = [];
  if (typeof step.uses === 'string') return actionStepLines(step, step.uses, label, line, out);
  if (typeof step.run !== 'string') {
    const note = `step '${label}' (line ${line}) is neither 'run' nor 'uses'`;
    out.notes.push(note);
    return [notImportedLine(note)];
  }
  if (name) lines.push(`# ${commentText(name)}`);
  const outputs = fromSetOutput(fromGithubValue(step.run, false, sink, lineOf(step, 'run') || line));
  for (const what of runStepLeftovers(step, defaultShell, outputs.left)) {
    const note = `step '${label}' (line ${line}) ${what}`;
    out.notes.push(note);
    lines.push(notImportedLine(note));
  }
  let body = fromGithubVariables(outputs.script);
  for (const v of githubOnlyVariables(body)) {
    const note = `step '${label}' (line ${line}) uses $${v}, which only GitHub's runner sets`;
    out.notes.push(note);
    lines.push(notImportedLine(note));
  }
  const env = isObject(step.env) ? Object.entries(step.env) : [];
  const dir = typeof step['working-directory'] === 'string' ? step['working-directory'] : undefined;
  const ignoreFailure = step['continue-on-error'] === true;
  if (env.length || dir || ignoreFailure) {
    const inner = [
      ...(dir ? [`cd ${shellQuoted(dir)}`] : []),
      ...env.map(([k, v]) => exportLine(k, fromGithubValue(textOf(v), false, sink, lineOf(step.env, k) || line), position, out, job.envNames)),
      body,
    ].join('\n');
    // A subshell keeps the step's environment and folder to itself; `set +e` around it lets it fail on its own.
    body = ignoreFailure ? `set +e\n(\nset -e\n${inner}\n)\nset -e` : `(\n${inner}\n)`;
  }
  lines.push(body.replace(/\n$/, ''));
  return lines;
}

/** What of a job its steps are read in: its defaults, its own env's names, where GitHub's values are asked for. */
export interface JobScope {
  defaultShell: string | undefined;
  defaultDir: string | undefined;
  envNames: ReadonlySet<string>;
  inputs?: GithubValueInputs;
}

/** The run steps of one job; a job exported by us comes back as it was (one step, its retry loop undone). */
export function importSteps(steps: unknown[], stepsOwner: unknown, job: JobScope): StepsResult {
  const { defaultShell, defaultDir, inputs } = job;
  const out: StepsResult = { script: '', artifacts: [], notes: [], env: {} };
  const objects = steps.filter(isObject);
  const runs = objects.filter((s) => typeof s.run === 'string');
  const only = runs.length === 1 ? runs[0] : undefined;
  // One run step: its shell and folder are the node's.
  if (only && typeof only.shell === 'string') out.shell = shellFromGithub(only.shell);
  else out.shell = defaultShell;
  if (only && typeof only['working-directory'] === 'string') out.workingDirectory = only['working-directory'];
  else out.workingDirectory = defaultDir;
  const parts: string[] = [];
  objects.forEach((step, i) => {
    const stepLine = firstLine(step) || lineOf(stepsOwner, 'steps');
    const own = step === only ? { ...step, shell: undefined, 'working-directory': undefined } : step;
    parts.push(...stepLines(own, i + 1, stepLine, { ...job, defaultShell: out.shell }, out));
  });
  const loop =
    only && !only.name && objects.every((s) => s === only || typeof s.uses === 'string') ? parseRetryLoop(fromGithubVariables(textOf(only.run))) : undefined;
  if (loop) {
    out.retry = loop.retry;
    out.shell = shellFromWords(loop.shellWords);
  }
  const last = runs[runs.length - 1];
  const endsWithNewline = typeof last?.run === 'string' && last.run.endsWith('\n');
  out.script = loop ? fromGithubValue(loop.script, false, { notes: out.notes, inputs }, lineOf(only, 'run')) : parts.join('\n') + (endsWithNewline ? '\n' : '');
  return out;
}

/** Whether a job is a gate made by our export: one step that only says it was approved. */
export function isExportedGate(steps: unknown[]): boolean {
  return steps.length === 1 && isObject(steps[0]) && steps[0].run === APPROVAL_STEP_RUN;
}

/** The line a step starts on: that of its first key. */
function firstLine(step: Json): number {
  const lines = Object.values((step as Lined)[LINES] ?? {});
  return lines.length ? Math.min(...lines) : 0;
}
