// A job's steps as one script that runs each as GitHub's runner does: in a process of its own (a subshell; a file
// run by its own shell where it has one), the next only when the earlier ones succeeded unless its `if` says
// otherwise (`failure()`, `always()`, a step's outcome), the outputs later steps read taken after it, and the job
// failing with the first failed step's status. A cancel (the engine's SIGTERM to the node's process group) ends the
// step running, and the steps that ask for it (`always()`, `cancelled()`) run after it, within the kill grace.
import { type Json, textOf } from '../../json';
import { shellWord } from '../../platform/shells';
import { commentText, notImportedLine } from '../importTypes';
import { fromGithubValue, GithubValueInputs, type ValueSink } from './contexts';
import { hasOwnShell, type StepPiece, type StepsResult, unusedEnvName } from './stepPieces';
import { ownShellLines, stepShellOf } from './stepShells';
import { KILL_TREE, KILL_TREE_FUNCTION, stepTimeoutSeconds, timedLines } from './stepTimeout';
import { ENV_FILES_APPLY_LINE, ENV_FILES_FROM_LINE, ENV_FILES_START } from './envFiles';
import { JOB_RESULT, JOB_STATUS, jobResultTest } from './jobState';
import { resultVariable, SAME_TEXT, SAME_TEXT_FUNCTION, stepCondition, type StepConditionResult, type StepResultRead } from './stepConditions';
import { lineOf } from './tokens';
import type { CacheHits } from './cacheSteps';
import { type FileHashReads, HASH_STATUS, readLine } from './fileHashReads';
import { captureLines, OUTPUTS_FROM_LINE, STEP_OUTPUT_FUNCTION, type ScriptVariable, type StepOutputs } from './stepOutputs';

/** A translated condition, or the note that says why it is not. */
type Condition = Extract<StepConditionResult, { test: string }> | { problem: string };

const SUCCESS_TEST = jobResultTest('success');

/** The script's start: the job's result so far, and a cancel that lets the steps after it decide whether they run. */
const START_LINES = [
  "# Each step runs as on GitHub: in a subshell of its own, and once one fails only those whose 'if' asks for it.",
  'set +e',
  `${JOB_STATUS}=0`,
  `${JOB_RESULT}=success`,
  '# A cancel ends the step running (its own process); the steps that run when cancelled follow.',
  `trap '${JOB_RESULT}=cancelled; [ "$${JOB_STATUS}" -ne 0 ] || ${JOB_STATUS}=143' TERM`,
];

/**
 * Puts values the engine evaluates (`${{ }}` templates, GitHub's words) into the node's env, in our words; a problem,
 * and nothing put, when some of them have no local value.
 */
function engineValues(values: readonly { name: string; template: string }[], line: number, sink: ValueSink, out: StepsResult): string | undefined {
  const trial: string[] = [];
  for (const { template } of values) fromGithubValue(template, false, { notes: trial, inputs: new GithubValueInputs(new Set()) }, line);
  if (trial.length) return trial.join('; ');
  for (const { name, template } of values) out.env[name] = fromGithubValue(template, false, sink, line);
  return undefined;
}

/** What a step's condition may read: the earlier steps' results, and the script's variables (outputs, the job's status…). */
interface Earlier {
  steps: string[];
  variables: ScriptVariable;
}

function conditionOf(piece: StepPiece, earlier: Earlier, out: StepsResult, taken: ReadonlySet<string>): Condition | undefined {
  if (piece.step.if === undefined) return undefined;
  const base = `STEP${piece.position}_IF`;
  const valueName = (k: number) => unusedEnvName(k ? `${base}${k + 1}` : base, out, taken);
  return stepCondition(textOf(piece.step.if), { earlierSteps: earlier.steps, variable: earlier.variables, valueName });
}

/** A step's translated condition with its values in the node's env, or why it has none. */
function committedCondition(piece: StepPiece, earlier: Earlier, sink: ValueSink, out: StepsResult, taken: ReadonlySet<string>): Condition | undefined {
  const condition = conditionOf(piece, earlier, out, taken);
  if (!condition || 'problem' in condition) return condition;
  const problem = engineValues(
    condition.values.map((v) => ({ name: v.name, template: `\${{ ${v.expression} }}` })),
    lineOf(piece.step, 'if') || piece.line,
    sink,
    out,
  );
  return problem ? { problem } : condition;
}

/** Whether a step's failure leaves the job going: `true`, `false`, or a shell test of a value the engine evaluates. */
function keepsGoingTest(piece: StepPiece, sink: ValueSink, out: StepsResult, taken: ReadonlySet<string>): { test: string; note?: string } {
  const value = piece.step['continue-on-error'];
  if (value === true || value === 'true') return { test: 'true' };
  if (value === undefined || value === false || value === 'false') return { test: 'false' };
  const name = unusedEnvName(`STEP${piece.position}_CONTINUE`, out, taken);
  const problem = engineValues([{ name, template: textOf(value) }], piece.line, sink, out);
  if (!problem) return { test: `[ "$${name}" = true ]` };
  return {
    test: 'false',
    note: `step '${piece.label}' (line ${piece.line}) continues on error if ${textOf(value)}, which has no local counterpart (${problem}): here its failure fails the node`,
  };
}

/** The lines that keep a step's outcome and conclusion, as far as later conditions read them. */
function resultLines(piece: StepPiece, reads: readonly StepResultRead[], keepsGoing: string): { before: string[]; after: string[] } {
  const id = typeof piece.step.id === 'string' ? piece.step.id : undefined;
  const mine = reads.filter((r) => r.id === id);
  if (!id || !mine.length) return { before: [], after: [] };
  const outcome = resultVariable({ id, which: 'outcome' });
  const conclusion = resultVariable({ id, which: 'conclusion' });
  const wantsConclusion = mine.some((r) => r.which === 'conclusion');
  const concluded =
    { true: `${conclusion}=success`, false: `${conclusion}=$${outcome}` }[keepsGoing] ?? `${keepsGoing} && ${conclusion}=success || ${conclusion}=$${outcome}`;
  return {
    before: [`${outcome}=skipped`, ...(wantsConclusion ? [`${conclusion}=skipped`] : [])],
    after: [`[ "$step_status" -eq 0 ] && ${outcome}=success || ${outcome}=failure`, ...(wantsConclusion ? [concluded] : [])],
  };
}

/** What stands above a step's commands: the original condition, or why it is not kept; the test its commands run under. */
function conditionLines(piece: StepPiece, condition: Condition | undefined, out: StepsResult): { lines: string[]; test: string } {
  const note = (what: string) => {
    out.notes.push(what);
    return notImportedLine(what);
  };
  const written = textOf(piece.step.if);
  if (!condition) return { lines: [], test: SUCCESS_TEST };
  if ('problem' in condition)
    return {
      lines: [
        note(
          `step '${piece.label}' (line ${piece.line}) runs only if ${written}, which has no local counterpart (${condition.problem}): here it runs when the steps before it succeeded`,
        ),
      ],
      test: SUCCESS_TEST,
    };
  return { lines: [`# if: ${commentText(written)}`], test: condition.test };
}

/**
 * The hashFiles() calls a step reads as it runs: those its condition tests, read before it (a failure fails the step
 * without running its commands, as on GitHub), and those of its commands and env, read first in its subshell.
 */
function fileHashLines(piece: StepPiece, condition: Condition | undefined, hashes: FileHashReads): { before: string[]; guard: string[]; inStep: string[] } {
  const position = piece.position - 1;
  const tested = condition && 'test' in condition ? hashes.readsIn(position, condition.test) : [];
  const used = [...piece.prefix, piece.body ?? '', ...[...(piece.values?.values() ?? [])].map((name) => `$${name}`)].join('\n');
  const inStep = hashes.readsIn(position, used).filter((read) => !tested.some((t) => t.name === read.name));
  return {
    before: tested.length ? [`${HASH_STATUS}=0`, ...tested.map((read) => readLine(read, true))] : [],
    guard: tested.length ? [`[ "$${HASH_STATUS}" -eq 0 ] || exit "$${HASH_STATUS}"`] : [],
    inStep: inStep.map((read) => readLine(read, false)),
  };
}

/** One step's lines: its comments, then its commands in a subshell under its condition. */
function guardedLines(
  piece: StepPiece,
  condition: Condition | undefined,
  keepsGoing: { test: string; note?: string },
  reads: readonly StepResultRead[],
  out: StepsResult,
  hashes: FileHashReads,
): string[] {
  const { head, prefix, body } = piece;
  if (body === undefined) return head;
  const above = conditionLines(piece, condition, out);
  const hashed = fileHashLines(piece, condition, hashes);
  if (keepsGoing.note) {
    out.notes.push(keepsGoing.note);
    above.lines.push(notImportedLine(keepsGoing.note));
  }
  const results = resultLines(piece, reads, keepsGoing.test);
  const failsTheJob = `[ "$step_status" -eq 0 ] || [ "$${JOB_RESULT}" != success ] || { ${JOB_RESULT}=failure; ${JOB_STATUS}=$step_status; }`;
  const subshell = [
    '(',
    'set -e',
    ...hashed.guard,
    ...hashed.inStep,
    ...prefix,
    ...((piece.ownShell !== undefined && ownShellLines(piece.ownShell, body, piece.values)) || [body.replace(/\n$/, '')]),
    ')',
  ].join('\n');
  const timeout = stepTimeoutSeconds(piece.step);
  const run =
    typeof timeout === 'number'
      ? timedLines(subshell, timeout, piece.label)
      : [subshell, ...(results.after.length || keepsGoing.test !== 'true' ? ['step_status=$?'] : [])];
  return [
    ...head,
    ...above.lines,
    ...results.before,
    ...hashed.before,
    `if ${hashed.before.length ? `[ "$${HASH_STATUS}" -ne 0 ] || { ${above.test}; }` : above.test}; then`,
    ...run,
    ...results.after,
    ...(keepsGoing.test === 'true' ? [] : [keepsGoing.test === 'false' ? failsTheJob : `${keepsGoing.test} || ${failsTheJob}`]),
    'fi',
  ];
}

/**
 * Whether a job's steps that run commands need running each in its own subshell: one has an `if`, continues on error
 * by an expression, or runs in a shell of its own.
 */
export function needsGuards(commandSteps: readonly Json[], nodeShell: string | undefined): boolean {
  const byExpression = (value: unknown) => typeof value === 'string' && value !== 'true' && value !== 'false';
  const ownShell = (s: Json) => hasOwnShell(s, nodeShell) && stepShellOf(textOf(s.shell)) !== undefined;
  return commandSteps.some((s) => s.if !== undefined || byExpression(s['continue-on-error']) || ownShell(s) || typeof stepTimeoutSeconds(s) === 'number');
}

/** What the job's script keeps between steps. */
export interface ScriptState {
  outputs: StepOutputs;
  /** The job outputs written when the steps have run, each with the variable of the step output it takes. */
  endOutputs: readonly (readonly [string, string])[];
  /** Whether the steps use the runner's files (`$GITHUB_ENV`, `$GITHUB_PATH`, `$GITHUB_STEP_SUMMARY`). */
  envFiles: boolean;
  /** The hashFiles() calls the steps read as they run. */
  fileHashes: FileHashReads;
  /** The cache steps' hits the steps read. */
  cacheHits: CacheHits;
  /** What the step at a position (from 0) may read of what the script keeps. */
  variablesAt(position: number): ScriptVariable;
}

/** The job's script, each step under its condition; `taken`: the job's own env names. */
export function guardedScript(pieces: readonly StepPiece[], state: ScriptState, out: StepsResult, sink: ValueSink, taken: ReadonlySet<string>): string {
  const { outputs, envFiles } = state;
  const earlier = (i: number): Earlier => ({
    steps: pieces.slice(0, i).flatMap((p) => (p.body !== undefined && typeof p.step.id === 'string' ? [p.step.id] : [])),
    variables: state.variablesAt(i),
  });
  const reads = pieces.flatMap((p, i) => {
    const condition = conditionOf(p, earlier(i), { ...out, env: { ...out.env } }, taken);
    return condition && 'reads' in condition ? condition.reads : [];
  });
  const lines: string[] = [];
  for (const [i, piece] of pieces.entries()) {
    if (piece.body === undefined) {
      lines.push(...piece.head);
      continue;
    }
    const condition = committedCondition(piece, earlier(i), { ...sink, readAtJobStart: piece.afterCommands }, out, taken);
    const captured = outputs.capturedAt(i);
    const guarded = guardedLines(piece, condition, keepsGoingTest(piece, sink, out, taken), reads, out, state.fileHashes);
    lines.push(
      ...(envFiles ? [ENV_FILES_FROM_LINE] : []),
      ...(captured.size ? [OUTPUTS_FROM_LINE, ...guarded, ...captureLines(captured)] : guarded),
      ...(envFiles ? [ENV_FILES_APPLY_LINE] : []),
    );
  }
  const helpers = [
    ...(envFiles ? ENV_FILES_START : []),
    ...state.cacheHits.startLines(),
    ...(outputs.any ? STEP_OUTPUT_FUNCTION : []),
    ...(lines.some((l) => l.includes(`${SAME_TEXT} `)) ? SAME_TEXT_FUNCTION : []),
    ...(lines.some((l) => l.includes(`${KILL_TREE} `)) ? KILL_TREE_FUNCTION : []),
  ];
  const end = state.endOutputs.length
    ? [
        "# The job's outputs that GitHub takes from a step other than the last to write their name.",
        ...state.endOutputs.map(
          ([name, variable]) => `printf '%s<<maestro_output_end\\n%s\\nmaestro_output_end\\n' ${shellWord(name)} "$${variable}" >> "$MAESTRO_OUTPUT"`,
        ),
      ]
    : [];
  return [...START_LINES, ...helpers, ...lines, ...end, `exit "$${JOB_STATUS}"`].join('\n');
}
