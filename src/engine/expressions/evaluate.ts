// Evaluation is GitHub's own evaluator, given this project's contexts, the status functions of a node, and the
// functions that read files where the scope can read them.
import { data, Evaluator, wellKnownFunctions, type Expr } from '@actions/expressions';
import type { ContextAccess, FunctionCall } from '@actions/expressions/ast';
import { hashFilesArgumentProblem } from '../hashFilesArgs';
import { isFileFunction } from './functions';
import { toData, type Data, type Value } from './values';

export { isTruthy, toText, fromData, type Data, type Value } from './values';

/** What an expression can see while it is evaluated. */
export interface EvaluationScope {
  /** Root contexts by name: inputs, env, nodes, matrix, run, workflow. A context may be kept as data already. */
  contexts: Readonly<Record<string, Value | Data>>;
  /** Answers the status functions for the node the expression belongs to. */
  status?: { success(): boolean; failure(): boolean; cancelled(): boolean };
  /** Reads files, for hashFiles(): only the values evaluated as a node starts (and the workflow's env) have it. */
  files?: FileReader;
}

/** The files an expression may read. */
export interface FileReader {
  /** GitHub's hashFiles() of the patterns, one per argument (`--follow-symbolic-links` first to follow links). */
  hashFiles(patterns: readonly string[]): string;
}

const isData = (v: Value | Data): v is Data => typeof v === 'object' && v !== null && typeof (v as { coerceString?: unknown }).coerceString === 'function';

/** The scope's contexts as one case-insensitive dictionary, as the evaluator reads them. */
function contextData(scope: EvaluationScope): data.Dictionary {
  return new data.Dictionary(...Object.entries(scope.contexts).map(([key, value]) => ({ key, value: isData(value) ? value : toData(value) })));
}

type FunctionDefinition = (typeof wellKnownFunctions)[string];

/**
 * The status functions (without a node, a workflow-level expression, success() is true and the others false), and
 * hashFiles() where the scope reads files.
 */
function addedFunctions(scope: EvaluationScope): Map<string, FunctionDefinition> {
  const { status, files } = scope;
  const define = (name: string, answer: () => boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(answer()) },
  ];
  const added = new Map([
    define('always', () => true),
    define('success', () => status?.success() ?? true),
    define('failure', () => status?.failure() ?? false),
    define('cancelled', () => status?.cancelled() ?? false),
  ]);
  if (files) {
    const call = (...args: Data[]) => new data.StringData(files.hashFiles(args.map((a) => a.coerceString())));
    added.set('hashfiles', { name: 'hashFiles', minArgs: 1, maxArgs: 255, call });
  }
  return added;
}

/**
 * GitHub's evaluator, made total for what the validator reports rather than rejects: a context the scope lacks reads
 * null, and a function it does not know is a clear error. A function's error never quotes the value it was given
 * (fromJSON's parser names the character it stopped at, which may be part of a secret).
 */
class ScopedEvaluator extends Evaluator {
  constructor(
    expr: Expr,
    private readonly contexts: data.Dictionary,
    private readonly extra: Map<string, FunctionDefinition>,
  ) {
    super(expr, contexts, extra);
  }

  override visitContextAccess(access: ContextAccess): Data {
    return this.contexts.get(access.name.lexeme) ?? new data.Null();
  }

  override visitFunctionCall(call: FunctionCall): Data {
    const name = call.functionName.lexeme;
    const key = name.toLowerCase();
    const f = this.extra.get(key) ?? (Object.hasOwn(wellKnownFunctions, key) ? wellKnownFunctions[key] : undefined);
    if (!f && isFileFunction(name))
      throw new Error(`${name}() reads files, which only the values read as a node starts (its run, env, cwd, if, with…) and the workflow's env can`);
    if (!f) throw new Error(`unknown function '${name}'`);
    const args = call.args.map((a) => this.eval(a));
    let result: Data;
    try {
      result = f.call(...args);
    } catch (e) {
      if (e instanceof RangeError) throw e;
      if ((e as Error).cause instanceof RangeError) throw new Error(`${name}(): the value is nested too deeply to read`);
      throw new Error(`${name}(): ${functionError(key, e as Error)}`);
    }
    if (key === 'fromjson' && !allFinite(result)) throw new Error(`${name}(): ${TOO_LARGE}`);
    return result;
  }
}

const TOO_LARGE = 'a number in the text is too large to hold (it would read as Infinity)';

/** Whether every number in a value is finite: JSON's `1e400` parses as Infinity, which no script should be handed. */
function allFinite(d: Data): boolean {
  if (d instanceof data.NumberData) return Number.isFinite(d.value);
  if (d instanceof data.Array || d instanceof data.Dictionary) return d.values().every(allFinite);
  return true;
}

/** What went wrong in a function, in words that do not repeat its arguments. */
function functionError(name: string, e: Error): string {
  if (name === 'fromjson') return e.message === 'empty input' ? 'the text is empty' : 'the text is not valid JSON';
  if (name === 'format')
    return /more arguments/.test(e.message)
      ? 'the format refers to more arguments than were given'
      : "the format is invalid: write '{0}', '{1}'…, and '{{' or '}}' for a brace";
  return e.message;
}

/** The functions of GitHub's library whose failure a literal first argument decides before any run: a format, a JSON text. */
const LITERAL_CHECKED = new Set(['format', 'fromjson']);

/**
 * What a call of `format`, `fromJSON` or `hashFiles` with a string literal first would fail with, whatever its other arguments
 * (for the validator); undefined when it would not fail, or the function is not one a literal decides.
 */
export function literalCallProblem(name: string, first: string, args: number): string | undefined {
  const key = name.toLowerCase();
  if (key === 'hashfiles') {
    const problem = hashFilesArgumentProblem(first);
    return problem && `${name}(): ${problem}`;
  }
  if (!LITERAL_CHECKED.has(key)) return undefined;
  const rest = Array.from({ length: Math.max(0, args - 1) }, () => new data.StringData(''));
  try {
    const result = wellKnownFunctions[key].call(new data.StringData(first), ...rest);
    return key === 'fromjson' && !allFinite(result) ? `${name}(): ${TOO_LARGE}` : undefined;
  } catch (e) {
    return `${name}(): ${e instanceof RangeError || (e as Error).cause instanceof RangeError ? 'the value is nested too deeply to read' : functionError(key, e as Error)}`;
  }
}

/** Evaluates a parsed expression; throws with a message that says what went wrong (fromJSON of text that is not JSON). */
export function evaluate(expr: Expr, scope: EvaluationScope): Data {
  return new ScopedEvaluator(expr, contextData(scope), addedFunctions(scope)).evaluate();
}
