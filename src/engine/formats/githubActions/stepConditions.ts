// A step's `if` as a shell test in the job's script, where each step runs as GitHub runs it: `success()`,
// `failure()` and `cancelled()` read how the job is going (`$job_result`, GitHub's `job.status`), `steps.X.outcome`
// and `steps.X.outputs.Y` an earlier step's own variables, and every other part of the condition is evaluated by the
// engine as the node starts, through a variable of the node's env (`STEP3_IF`), so that no value is written into the
// script's text. Pure: the caller gives the names.
import type { Expr } from '@actions/expressions';
import type { Binary, FunctionCall, Grouping, Literal, Logical, Unary } from '@actions/expressions/ast';
import { parseWithPositions } from '../../expressions/parser';
import { printExpression } from '../../expressions/print';
import { chainNames, collectReferences } from '../../expressions/references';
import { conditionSource } from '../../expressions/template';
import { shellWord } from '../../platform/shells';
import { isFileHashChain, valueChain } from './fileHashReads';
import { jobResultTest } from './jobState';
import type { ScriptVariable } from './stepOutputs';

/** The shell function that compares two texts as GitHub does, their case aside. */
export const SAME_TEXT = 'same_text';
export const SAME_TEXT_FUNCTION = [
  '# Whether two texts are the same, their case aside (as GitHub compares them).',
  `${SAME_TEXT}() { [ "$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" = "$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')" ]; }`,
];

/** What a step's condition reads of an earlier step: `steps.test.outcome` or `steps.test.conclusion`. */
export interface StepResultRead {
  id: string;
  which: 'outcome' | 'conclusion';
}

export interface StepConditionScope {
  /** The ids of the earlier steps that run as commands here, as written. */
  earlierSteps: readonly string[];
  /** The shell variables of the earlier steps' outputs and of the job's status. */
  variable: ScriptVariable;
  /** The name of the node env variable for the condition's `k`th value (from 0) that the engine evaluates. */
  valueName(k: number): string;
}

/** A part of a condition that the engine evaluates: `${{ expression }}` (GitHub's words) in the variable `name`. */
export interface EngineValue {
  name: string;
  expression: string;
}

/** `test`: the shell test; `values`: what it reads from the engine; `reads`: the earlier steps' results it tests. */
export type StepConditionResult = { test: string; values: EngineValue[]; reads: StepResultRead[] } | { problem: string };

class Untranslatable extends Error {}

/** A piece of shell: one test, or a list of them joined by `operator` that must be braced inside another list. */
type Piece = { text: string; compound: boolean; operator?: string };

const STATUS_TESTS = new Map([
  ['success', jobResultTest('success')],
  ['failure', jobResultTest('failure')],
  ['always', 'true'],
  ['cancelled', jobResultTest('cancelled')],
]);

/** What a condition's translation gathers on the way. */
interface Gathered {
  values: EngineValue[];
  reads: StepResultRead[];
}

/** The shell variable of an earlier step's outcome or conclusion. */
export const resultVariable = (read: StepResultRead): string => `${read.which}_${read.id.replace(/[^A-Za-z0-9_]/g, '_')}`;

const BOOLEAN_FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);

/** Whether an expression's value is true or false, never any other value GitHub would test for truth. */
function isBoolean(e: Expr): boolean {
  const op = (e as Partial<Binary | Unary | Logical>).operator?.lexeme;
  if (op === '!' || (op && /^[=!<>]=?$/.test(op))) return true;
  if (op === '&&' || op === '||') return (e as Logical).args.every(isBoolean);
  const group = (e as Partial<Grouping>).group;
  if (group) return isBoolean(group);
  const literal = (e as Partial<Literal>).literal;
  if (literal) return (literal.kind as number) === 3;
  const call = (e as Partial<FunctionCall>).functionName;
  return call !== undefined && BOOLEAN_FUNCTIONS.has(call.lexeme.toLowerCase());
}

const readsOf = (e: Expr) => collectReferences({ expr: e, offsetOf: () => 0 });
const statusCall = (e: Expr): string | undefined => {
  const call = e as Partial<FunctionCall>;
  const name = call.functionName?.lexeme.toLowerCase();
  return name && STATUS_TESTS.has(name) && call.args?.length === 0 ? name : undefined;
};
const callsStatus = (e: Expr): boolean => readsOf(e).calls.some((c) => STATUS_TESTS.has(c.name.toLowerCase()));
/**
 * Whether an expression reads what the job's script keeps: the steps' results and outputs, the job's status, a
 * variable, or a hashFiles() call the script reads where a test of it stands (tested alone or against a text).
 */
const readsScriptState = (e: Expr, scope: StepConditionScope): boolean =>
  readsOf(e).refs.some((r) => r.segments[0].name.toLowerCase() === 'steps' || scope.variable(r.segments.map((s) => s.name)) !== undefined) ||
  testsFileHash(e, scope);

/** Whether an expression tests a hashFiles() call that has a variable, alone or in `!`, `&&`, `||` or parentheses. */
function testsFileHash(e: Expr, scope: StepConditionScope): boolean {
  const hasVariable = (side: Expr) => {
    const chain = valueChain(side);
    return chain !== undefined && isFileHashChain(chain) && scope.variable(chain) !== undefined;
  };
  if (hasVariable(e)) return true;
  const b = e as Partial<Binary>;
  const sides = b.left && b.right && (b.operator?.lexeme === '==' || b.operator?.lexeme === '!=') ? [b.left, b.right] : [];
  const isText = (side: Expr) => ((side as Partial<Literal>).literal?.kind as number | undefined) === 0;
  if (sides.some(isText) && sides.some(hasVariable)) return true;
  const parts = e as Partial<Logical & Unary & Grouping & FunctionCall>;
  if (parts.functionName) return false;
  const inner = parts.args ?? (parts.operator?.lexeme === '!' && parts.expr ? [parts.expr] : parts.group ? [parts.group] : []);
  return inner.some((p) => testsFileHash(p, scope));
}

const braced = (p: Piece): string => (p.compound ? `{ ${p.text}; }` : p.text);

/** `steps.X.outcome == 'failure'` (either way round, or `!=`) as a test of the step's variable. */
function stepResultTest(b: Binary, scope: StepConditionScope, { reads }: Gathered): string | undefined {
  const op = b.operator.lexeme;
  if (op !== '==' && op !== '!=') return undefined;
  const [chain, other] = chainNames(b.left) ? [chainNames(b.left), b.right] : [chainNames(b.right), b.left];
  const literal = (other as Partial<Literal>).literal;
  if (!chain || chain.length !== 3 || chain[0].toLowerCase() !== 'steps' || !literal || (literal.kind as number) !== 0) return undefined;
  const which = chain[2].toLowerCase();
  if (which !== 'outcome' && which !== 'conclusion') return undefined;
  const id = scope.earlierSteps.find((s) => s.toLowerCase() === chain[1].toLowerCase());
  if (id === undefined) throw new Untranslatable(`it reads steps.${chain[1]}, which is no earlier step with commands here`);
  const read: StepResultRead = { id, which };
  if (!reads.some((r) => r.id === id && r.which === which)) reads.push(read);
  // GitHub compares text without regard to case; the variable holds the value in lower case.
  return `[ "$${resultVariable(read)}" ${op === '==' ? '=' : '!='} ${shellWord(literal.coerceString().toLowerCase())} ]`;
}

/** Pieces joined by `&&` or `||`, leaving out those that cannot change the result (`true &&`, `false ||`). */
function joined(operator: string, pieces: Piece[]): Piece {
  const [neutral, decisive] = operator === '&&' ? ['true', 'false'] : ['false', 'true'];
  if (pieces.some((p) => p.text === decisive)) return { text: decisive, compound: false };
  const kept = pieces.filter((p) => p.text !== neutral);
  if (kept.length <= 1) return kept[0] ?? { text: neutral, compound: false };
  // Shell lists run left to right: a list joined by the same operator needs no braces.
  return { text: kept.map((p) => (p.operator === operator ? p.text : braced(p))).join(` ${operator} `), compound: true, operator };
}

/** An earlier step's output (`steps.meta.outputs.tag`), the job's status or a hashFiles() call: its variable; undefined for any other. */
function outputVariable(e: Expr, scope: StepConditionScope): string | undefined {
  const chain = valueChain(e);
  return chain && scope.variable(chain);
}

/** An earlier step's output or the job's status tested for truth (not empty), or compared with a text (`==`, `!=`). */
function outputTest(e: Expr, scope: StepConditionScope): string | undefined {
  const alone = outputVariable(e, scope);
  if (alone) return `[ -n "$${alone}" ]`;
  const b = e as Partial<Binary>;
  const op = b.operator?.lexeme;
  if (!b.left || !b.right || (op !== '==' && op !== '!=')) return undefined;
  const [variable, other] = outputVariable(b.left, scope) ? [outputVariable(b.left, scope), b.right] : [outputVariable(b.right, scope), b.left];
  const literal = (other as Partial<Literal>).literal;
  if (!variable || !literal || (literal.kind as number) !== 0) return undefined;
  return `${op === '!=' ? '! ' : ''}${SAME_TEXT} "$${variable}" ${shellWord(literal.coerceString())}`;
}

function pieceOf(e: Expr, scope: StepConditionScope, gathered: Gathered): Piece {
  if (!callsStatus(e) && !readsScriptState(e, scope)) {
    const text = printExpression(e);
    if (/^(true|false)$/.test(text)) return { text, compound: false };
    const truth = (e as Partial<Grouping>).group ? `!!${text}` : `!!(${text})`;
    const value = { name: scope.valueName(gathered.values.length), expression: isBoolean(e) ? text : truth };
    gathered.values.push(value);
    return { text: `[ "$${value.name}" = true ]`, compound: false };
  }
  const group = (e as Partial<Grouping>).group;
  if (group) return pieceOf(group, scope, gathered);
  const logical = e as Partial<Logical>;
  if (logical.args && logical.operator)
    return joined(
      logical.operator.lexeme,
      logical.args.map((a) => pieceOf(a, scope, gathered)),
    );
  const unary = e as Partial<Unary>;
  if (unary.operator?.lexeme === '!' && unary.expr) return { text: `! ${braced(pieceOf(unary.expr, scope, gathered))}`, compound: false };
  const status = statusCall(e);
  if (status) return { text: STATUS_TESTS.get(status)!, compound: false };
  const binary = e as Partial<Binary>;
  const test = (binary.left && binary.operator ? stepResultTest(binary as Binary, scope, gathered) : undefined) ?? outputTest(e, scope);
  if (test) return { text: test, compound: false };
  const stateRef = readsOf(e)
    .refs.map((r) => r.segments.map((s) => s.name))
    .find((chain) => chain[0].toLowerCase() === 'steps' || scope.variable(chain) !== undefined);
  if (stateRef) {
    const [, id, field] = stateRef;
    const written = stateRef.join('.');
    const known =
      scope.variable(stateRef) !== undefined || (field?.toLowerCase() !== 'outputs' && scope.earlierSteps.some((s) => s.toLowerCase() === id?.toLowerCase()));
    if (known) throw new Untranslatable(`${written} translates alone or compared with a text (==, !=), not in ${printExpression(e)}`);
    throw new Untranslatable(`${written} is kept by GitHub's runner only`);
  }
  throw new Untranslatable(`${printExpression(e)} uses a status function as a value`);
}

/**
 * A step's condition as a shell test; `reads`: the earlier steps' results it tests. Without a status function it is
 * `success() && (…)`, as on GitHub.
 */
export function stepCondition(condition: string, scope: StepConditionScope): StepConditionResult {
  const { source } = conditionSource(condition);
  if (source.includes('${{')) return { problem: 'it mixes text and expressions' };
  let expr: Expr;
  try {
    expr = parseWithPositions(source).expr;
  } catch {
    return { problem: 'it does not parse' };
  }
  try {
    const gathered: Gathered = { values: [], reads: [] };
    const piece = pieceOf(expr, scope, gathered);
    const test = callsStatus(expr) ? piece.text : joined('&&', [{ text: STATUS_TESTS.get('success')!, compound: false }, piece]).text;
    return { test, ...gathered };
  } catch (e) {
    if (e instanceof Untranslatable) return { problem: e.message };
    throw e;
  }
}
