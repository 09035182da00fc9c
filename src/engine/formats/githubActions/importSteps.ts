// A job's steps as one script: each `run` step in turn under its name as a comment; what cannot run locally (a
// `uses:` action) stays visible as a `# not imported:` comment. Where a step has an `if`, each step runs as on
// GitHub, under its condition (./guardedSteps.ts).
import { isObject, type Json, textOf } from '../../json';
import { changesShellState } from '../../platform/shellState';
import { isPosixShell, runsPastFailures, shellFromWords, shellSplit, shellText } from '../../platform/shells';
import { parseRetryLoop } from '../scriptRetry';
import { fromGithubVariables } from '../scriptVariables';
import { fromGithubValue } from './contexts';
import { APPROVAL_STEP_RUN } from './export';
import { isDownloadStep } from './artifactSteps';
import { CacheHits } from './cacheSteps';
import { FileHashReads, isFileHashChain, readsFileHashes } from './fileHashReads';
import { envFileVariables, usesEnvFiles } from './envFiles';
import { outputsWrittenAtEnd } from './jobOutputs';
import { type PlacedSteps, rewriteActionOutputs, withLocalActions } from './localActions';
import { isSetupAction } from './setupActions';
import { guardedScript, needsGuards, type ScriptState } from './guardedSteps';
import { stepShellOf } from './stepShells';
import { StepOutputs } from './stepOutputs';
import { type JobScope, shellFromGithub, type StepPiece, stepPiece, type StepsResult } from './stepPieces';
import { LINES, lineOf, type Lined } from './tokens';

/**
 * A step's lines where the steps run one after the other, as long as none fails. A step that may change the shell's
 * state for the steps after it (a `cd`, a variable, `set +e`, `exit 0`) runs in a subshell, as in the process of its
 * own it has on GitHub.
 */
function sequentialLines({ step, head, prefix, body }: StepPiece, last: boolean, shell: string | undefined): string[] {
  if (body === undefined) return head;
  // `cmd` has no subshell: its steps are one program (see nonPosixSteps).
  if (!isPosixShell(shell)) return [...head, body.replace(/\n$/, '')];
  const ignoreFailure = step['continue-on-error'] === true;
  const own = body.replace(/\n$/, '');
  if (!prefix.length && !ignoreFailure) return [...head, last || !changesShellState(own) ? own : `(\n${own}\n)`];
  const inner = [...prefix, body.replace(/\n$/, '')].join('\n');
  // A subshell keeps the step's environment and folder to itself; `set +e` around it lets it fail on its own.
  return [...head, ignoreFailure ? `set +e\n(\nset -e\n${inner}\n)\nset -e` : `(\n${inner}\n)`];
}

/**
 * The node's shell for a job's only run step, whose shell and folder are the node's: a step in `bash {0}` keeps it as
 * written, which runs past failures as GitHub's does.
 */
const loneStepShell = (shell: string): string | undefined => (runsPastFailures(shell) ? shellText(shellSplit(shell)) : shellFromGithub(shell));

/**
 * The steps of a job that has several run steps in a shell of another language (`python`, `pwsh`), each of those
 * given that shell by name: they then run as a step in a shell of its own does, in a process of its own as on GitHub
 * (./stepShells.ts), from the node's POSIX shell. Undefined where the steps' shell is a POSIX shell, or one run with
 * no file (`cmd`).
 */
function stepsInOwnFiles(steps: Json[], shell: string | undefined, githubShell: string | undefined): Json[] | undefined {
  if (isPosixShell(shell) || githubShell === undefined || !stepShellOf(githubShell)) return undefined;
  // The step keeps its lines, which notes name.
  return steps.map((s) => (typeof s.run === 'string' && typeof s.shell !== 'string' ? { ...s, shell: githubShell, [LINES]: (s as Lined)[LINES] } : s));
}

/** The run steps of one job; a job exported by us comes back as it was (one step, its retry loop undone). */
export function importSteps(steps: unknown[], stepsOwner: unknown, job: JobScope): StepsResult {
  const { defaultShell, defaultDir, inputs } = job;
  const actionNotes = new Map<Json, string>();
  const placed = withLocalActions(steps.filter(isObject), job.localActions ?? new Map(), defaultDir, (s, what) => actionNotes.set(s, what));
  const out: StepsResult = { script: '', artifacts: [], notes: [], env: {}, actionOutputs: placed.outputs, outputsAtEnd: new Set() };
  const runs = placed.steps.filter((s) => typeof s.run === 'string');
  const only = runs.length === 1 ? runs[0] : undefined;
  const inOwnFiles = only ? undefined : stepsInOwnFiles(placed.steps, defaultShell, job.githubShell);
  const objects = inOwnFiles ?? placed.steps;
  out.shell = only && typeof only.shell === 'string' ? loneStepShell(only.shell) : inOwnFiles ? undefined : defaultShell;
  out.workingDirectory = only && typeof only['working-directory'] === 'string' ? only['working-directory'] : defaultDir;
  const loop =
    only && !only.name && objects.every((s) => s === only || typeof s.uses === 'string') ? parseRetryLoop(fromGithubVariables(textOf(only.run))) : undefined;
  const stepOutputs = new StepOutputs(objects);
  const posixShell = isPosixShell(out.shell);
  const endOutputs = jobOutputsOf(job.outputs, placed, stepOutputs, out, !loop && posixShell);
  const { state, guarded, afterCommandsAt } = scriptState(objects, {
    shell: out.shell,
    loop: loop !== undefined,
    stepOutputs,
    endOutputs,
    envFiles: usesEnvFiles(runs),
  });
  const scope = { ...job, defaultShell: out.shell, guarded, envFiles: state.envFiles, nodeFolder: out.workingDirectory, actionNotes };
  const pieces: StepPiece[] = objects.map((step, i) => {
    const stepLine = firstLine(step) || lineOf(stepsOwner, 'steps');
    // The only step's shell and folder are the node's: GitHub's shell is then the step's, where it names one.
    const own = step === only ? { ...step, shell: undefined, 'working-directory': undefined } : step;
    const githubShell = step === only && typeof only.shell === 'string' ? only.shell : job.githubShell;
    const afterCommands = afterCommandsAt(i);
    return stepPiece(own, i + 1, stepLine, { ...scope, githubShell, lone: step === only, afterCommands, variables: state.variablesAt(i) }, out);
  });
  const last = runs[runs.length - 1];
  const endsWithNewline = typeof last?.run === 'string' && last.run.endsWith('\n');
  if (loop) {
    out.retry = loop.retry;
    out.shell = shellFromWords(loop.shellWords);
    out.script = fromGithubValue(loop.script, false, { notes: out.notes, inputs, needs: job.needs }, lineOf(only, 'run'));
  } else if (guarded) out.script = guardedScript(pieces, state, out, { notes: out.notes, inputs, needs: job.needs }, job.envNames) + '\n';
  else {
    const lastRun = pieces.map((p) => p.body !== undefined).lastIndexOf(true);
    out.script = pieces.flatMap((p, i) => sequentialLines(p, i === lastRun, out.shell)).join('\n') + (endsWithNewline ? '\n' : '');
  }
  return out;
}

/**
 * Whether the job's steps run each under its guard (guardedSteps.ts): where one has an `if`, its own shell or
 * timeout, reads what another keeps (an output, the job's status, the runner's files, a cache's hit) or reads files as it runs
 * (fileHashReads.ts), in a POSIX shell; and what each step may read of what the script keeps.
 */
function scriptState(
  objects: readonly Json[],
  job: { shell: string | undefined; loop: boolean; stepOutputs: StepOutputs; endOutputs: ScriptState['endOutputs']; envFiles: boolean },
): { state: ScriptState; guarded: boolean; afterCommandsAt: (i: number) => boolean } {
  const { stepOutputs, envFiles } = job;
  const firstRun = objects.findIndex((s) => typeof s.run === 'string');
  const afterCommandsAt = (i: number) => firstRun >= 0 && i > firstRun;
  const hashesLater = objects.some((s, i) => afterCommandsAt(i) && typeof s.run === 'string' && readsFileHashes(s));
  const guardedSteps = objects.filter((s) => typeof s.run === 'string' || isDownloadStep(s) || isSetupAction(s));
  const cacheHits = new CacheHits(objects);
  const readsKept = stepOutputs.any || stepOutputs.readsJobStatus || envFiles || hashesLater || cacheHits.any;
  const guarded = !job.loop && (needsGuards(guardedSteps, job.shell) || readsKept) && isPosixShell(job.shell);
  const envFileVariablesAt = envFileVariables(objects);
  const fileHashes = new FileHashReads();
  const variableAt = (i: number, chain: readonly string[]) => {
    if (!isFileHashChain(chain)) return stepOutputs.readableAt(i)(chain) ?? envFileVariablesAt(i)(chain) ?? cacheHits.variableAt(i)(chain);
    return afterCommandsAt(i) ? fileHashes.variableAt(i, chain.slice(1)) : undefined;
  };
  const state: ScriptState = {
    outputs: stepOutputs,
    endOutputs: job.endOutputs,
    envFiles: guarded && envFiles,
    fileHashes,
    cacheHits,
    variablesAt: (i) => (chain) => (guarded ? variableAt(i, chain) : undefined),
  };
  return { state, guarded, afterCommandsAt };
}

/**
 * The job's outputs as its steps write them (`out.outputsRead`, where a composite action's step writes a using
 * step's), and, where the script can (`writes`), those it writes itself when its steps have run (jobOutputs.ts), each
 * with the variable that keeps the step output it takes.
 */
function jobOutputsOf(outputs: unknown, placed: PlacedSteps, kept: StepOutputs, out: StepsResult, writes: boolean): [string, string][] {
  if (isObject(outputs) && placed.outputs.size)
    out.outputsRead = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, rewriteActionOutputs(textOf(v), false, placed.outputs)]));
  const end = writes
    ? [...outputsWrittenAtEnd(out.outputsRead ?? outputs, placed.steps)].flatMap(([name, taken]) => {
        const variable = kept.keep(taken.step, taken.output);
        return variable ? [[name, variable] as [string, string]] : [];
      })
    : [];
  out.outputsAtEnd = new Set(end.map(([name]) => name));
  return end;
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
