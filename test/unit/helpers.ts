import { createHash } from 'node:crypto';
import { strict as assert } from 'node:assert';
import { applyEdits, planEdit, type EditAction } from '../../src/engine/edits/actions';
import { toLineDiagnostics, validateWorkflow, type ValidateOptions } from '../../src/engine/validation/validate';
import type { Diagnostic } from '../../src/engine/diagnostics';
import { buildIndex } from '../../src/engine/workflowIndex';

/** Joins lines into a document, so that tests read like the YAML they check. */
export const yaml = (...lines: string[]): string => lines.join('\n') + '\n';

/** The names of outputs a script's text writes, each checked to stand in the text where it is said to. */
export function placedNames(text: string, writes: readonly { output: string; at: number }[]): string[] {
  return writes.map((w) => {
    assert.equal(text.slice(w.at, w.at + w.output.length), w.output, `'${w.output}' at ${w.at}`);
    return w.output;
  });
}

/** Real timers, with a time the test moves on itself (a run's `at`, a ttl). */
export const clockReading = (now: () => number) => ({
  now,
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: object | number) => clearTimeout(h as NodeJS.Timeout),
});

export function diagnose(text: string, options?: ValidateOptions): (Diagnostic & { text: string })[] {
  const result = validateWorkflow(text, options);
  return toLineDiagnostics(result.parsed.lines, result.diagnostics).map((d, i) => ({
    ...d,
    text: text.slice(result.diagnostics[i].span.start, result.diagnostics[i].span.end),
  }));
}

export const codes = (text: string, options?: ValidateOptions): string[] => diagnose(text, options).map((d) => `${d.line}:${d.code}`);

/** The text after a builder action; throws with the action's refusal. */
export function edit(text: string, action: EditAction): string {
  const outcome = planEdit(buildIndex(validateWorkflow(text)), action);
  if ('error' in outcome) throw new Error(outcome.error);
  return applyEdits(text, outcome.edits);
}

/** Why a builder action is refused; fails when it is not. */
export function refusalOf(text: string, action: EditAction): string {
  const outcome = planEdit(buildIndex(validateWorkflow(text)), action);
  assert.ok('error' in outcome, `${JSON.stringify(action)} should be refused`);
  return outcome.error;
}

/** What GitHub's hashFiles() gives for files of these contents, in order: the SHA-256 of each one's SHA-256. */
export const githubHashOf = (...contents: string[]): string =>
  contents.reduce((total, text) => total.update(createHash('sha256').update(text).digest()), createHash('sha256')).digest('hex');
