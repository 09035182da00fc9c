// A job's steps as one script that runs each as GitHub's runner does: in a process of its own (a subshell), the next
// only when the earlier ones succeeded unless its `if` says otherwise (`failure()`, `always()`, a step's outcome), the
// job failing with the first failed step's status.
import { textOf } from '../../json';
import { commentText, notImportedLine } from '../importTypes';
import { fromGithubValue, GithubValueInputs, type ValueSink } from './contexts';
import { type StepPiece, type StepsResult, unusedEnvName } from './stepPieces';
import { JOB_STATUS, resultVariable, stepCondition, type StepConditionResult, type StepResultRead } from './stepConditions';

/** A translated condition, or the note that says why it is not. */
type Condition = Extract<StepConditionResult, { test: string }> | { problem: string };

const SUCCESS_TEST = `[ "$${JOB_STATUS}" -eq 0 ]`;

/** What a step's condition reads from the engine, in our words; a problem when some of it has no local value. */
function engineValues(condition: Extract<StepConditionResult, { test: string }>, piece: StepPiece, sink: ValueSink, out: StepsResult): string | undefined {
  const trial: string[] = [];
  for (const { expression } of condition.values)
    fromGithubValue(`\${{ ${expression} }}`, false, { notes: trial, inputs: new GithubValueInputs(new Set()) }, piece.line);
  if (trial.length) return trial.join('; ');
  for (const { name, expression } of condition.values) out.env[name] = fromGithubValue(`\${{ ${expression} }}`, false, sink, piece.line);
  return undefined;
}

function conditionOf(piece: StepPiece, earlierSteps: string[], out: StepsResult, taken: ReadonlySet<string>): Condition | undefined {
  if (piece.step.if === undefined) return undefined;
  const base = `STEP${piece.position}_IF`;
  return stepCondition(textOf(piece.step.if), { earlierSteps, valueName: (k) => unusedEnvName(k ? `${base}${k + 1}` : base, out, taken) });
}

/** The lines that keep a step's outcome and conclusion, as far as later conditions read them. */
function resultLines(piece: StepPiece, reads: readonly StepResultRead[]): { before: string[]; after: string[] } {
  const id = typeof piece.step.id === 'string' ? piece.step.id : undefined;
  const mine = reads.filter((r) => r.id === id);
  if (!id || !mine.length) return { before: [], after: [] };
  const outcome = resultVariable({ id, which: 'outcome' });
  const conclusion = resultVariable({ id, which: 'conclusion' });
  const wantsConclusion = mine.some((r) => r.which === 'conclusion');
  const keepsGoing = piece.step['continue-on-error'] === true;
  return {
    before: [`${outcome}=skipped`, ...(wantsConclusion ? [`${conclusion}=skipped`] : [])],
    after: [
      `[ "$step_status" -eq 0 ] && ${outcome}=success || ${outcome}=failure`,
      ...(wantsConclusion ? [keepsGoing ? `${conclusion}=success` : `${conclusion}=$${outcome}`] : []),
    ],
  };
}

/** One step's lines: its comments, then its commands in a subshell under its condition. */
function guardedLines(piece: StepPiece, condition: Condition | undefined, reads: readonly StepResultRead[], out: StepsResult): string[] {
  const { step, head, prefix, body } = piece;
  if (body === undefined) return head;
  const lines = [...head];
  let test = SUCCESS_TEST;
  if (condition && 'problem' in condition) {
    const what = `step '${piece.label}' (line ${piece.line}) runs only if ${textOf(step.if)}, which has no local counterpart (${condition.problem}): here it runs when the steps before it succeeded`;
    out.notes.push(what);
    lines.push(notImportedLine(what));
  } else if (condition) {
    lines.push(`# if: ${commentText(textOf(step.if))}`);
    if (condition.cancelled) {
      const what = `step '${piece.label}' (line ${piece.line}) runs when the run is cancelled, which here stops the node's script: it never runs then`;
      out.notes.push(what);
      lines.push(notImportedLine(what));
    }
    test = condition.test;
  }
  const results = resultLines(piece, reads);
  const failsTheJob = step['continue-on-error'] !== true;
  return [
    ...lines,
    ...results.before,
    `if ${test}; then`,
    ['(', 'set -e', ...prefix, body.replace(/\n$/, ''), ')'].join('\n'),
    ...(results.after.length || failsTheJob ? ['step_status=$?'] : []),
    ...results.after,
    ...(failsTheJob ? [`[ "$${JOB_STATUS}" -ne 0 ] || ${JOB_STATUS}=$step_status`] : []),
    'fi',
  ];
}

/** The job's script, each step under its condition; `taken`: the job's own env names. */
export function guardedScript(pieces: readonly StepPiece[], out: StepsResult, sink: ValueSink, taken: ReadonlySet<string>): string {
  const earlier = (i: number) => pieces.slice(0, i).flatMap((p) => (p.body !== undefined && typeof p.step.id === 'string' ? [p.step.id] : []));
  const conditions = pieces.map((p, i) => conditionOf(p, earlier(i), { ...out, env: { ...out.env } }, taken));
  const reads = conditions.flatMap((c) => (c && 'reads' in c ? c.reads : []));
  const lines = ["# Each step runs as on GitHub: in a subshell of its own, and once one fails only those whose 'if' asks for it.", 'set +e', `${JOB_STATUS}=0`];
  pieces.forEach((piece, i) => {
    let condition = conditions[i] && conditionOf(piece, earlier(i), out, taken);
    if (condition && 'values' in condition) {
      const problem = engineValues(condition, piece, sink, out);
      if (problem) condition = { problem };
    }
    lines.push(...guardedLines(piece, condition, reads, out));
  });
  lines.push(`exit "$${JOB_STATUS}"`);
  return lines.join('\n');
}
