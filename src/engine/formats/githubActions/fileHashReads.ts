// A later step's hashFiles() read as the step runs, as GitHub reads it: after the steps before it, which may have
// written the files. Where a call with literal arguments is a step's whole value (`${{ hashFiles('**/*.lock') }}` in
// its run or env) or is tested alone or against a text in its `if`, the job's script reads it into a variable of its
// own (`hash_files_3_1`) with the engine's `$MAESTRO_HASH_FILES` just before the step, and the step reads that
// variable as it reads an earlier step's output. Any other use (or one GitHub refuses) stays for the engine as the
// job starts, noted.
import type { Expr } from '@actions/expressions';
import type { FunctionCall, Literal } from '@actions/expressions/ast';
import { chainNames } from '../../expressions/references';
import { hashFilesArgumentProblem, patternLineProblem } from '../../hashFilesArgs';
import { expressionPieces } from '../../expressions/template';
import type { Json } from '../../json';
import { shellQuoted } from '../../platform/shells';
import { readingTexts } from './stepTexts';

/** The first name of the chain a hashFiles() call stands for among the script's variables: no context has it. */
const FILE_HASH = 'hashFiles()';

/** `hashFiles('a', 'b')`, its arguments all texts, as a chain: `['hashFiles()', 'a', 'b']`; undefined for anything else. */
function fileHashChain(e: Expr): string[] | undefined {
  const call = e as Partial<FunctionCall>;
  if (call.functionName?.lexeme.toLowerCase() !== 'hashfiles' || !call.args?.length) return undefined;
  const texts = call.args.map((a) => (a as Partial<Literal>).literal).map((l) => (l && (l.kind as number) === 0 ? l.coerceString() : undefined));
  if (!texts.every((t) => t !== undefined) || texts.some(refused)) return undefined;
  return [FILE_HASH, ...texts];
}

/** An argument GitHub refuses: such a call stays for the engine, whose validator names what is wrong. */
const refused = (arg: string, i: number): boolean =>
  (i === 0 ? hashFilesArgumentProblem(arg) : arg.split('\n').map(patternLineProblem).find(Boolean)) !== undefined;

/** The chain an expression stands for among the script's variables: a context's (`steps.a.outputs.b`), or a hashFiles() call's. */
export const valueChain = (e: Expr): string[] | undefined => chainNames(e) ?? fileHashChain(e);

/** Whether a chain is a hashFiles() call's. */
export const isFileHashChain = (chain: readonly string[]): boolean => chain[0] === FILE_HASH;

/** Whether any of a step's values calls hashFiles() with literal arguments, which the script can read as the step runs. */
export function readsFileHashes(step: Json): boolean {
  return readingTexts(step).some(({ text, isCondition }) =>
    expressionPieces(text, isCondition).some((piece) => piece.parsed && hasFileHashCall(piece.parsed.expr)),
  );
}

function hasFileHashCall(e: Expr): boolean {
  if (fileHashChain(e)) return true;
  const parts = e as Partial<{ args: Expr[]; left: Expr; right: Expr; expr: Expr; group: Expr; index: Expr }>;
  return [...(parts.args ?? []), parts.left, parts.right, parts.expr, parts.group, parts.index].some((p) => p !== undefined && hasFileHashCall(p));
}

/** The hashFiles() calls the steps read as they run, each step's with the variables that hold them. */
export class FileHashReads {
  /** By the step's position (from 0): the calls' arguments as JSON, with their variables and arguments. */
  private readonly byPosition = new Map<number, Map<string, FileHashRead>>();

  /** The variable of a call's value at a step: made when first asked for. */
  variableAt(position: number, args: readonly string[]): string {
    const reads = this.byPosition.get(position) ?? new Map<string, FileHashRead>();
    this.byPosition.set(position, reads);
    const key = JSON.stringify(args);
    const known = reads.get(key);
    if (known) return known.name;
    const name = `hash_files_${position + 1}_${reads.size + 1}`;
    reads.set(key, { name, args });
    return name;
  }

  /** The reads of the step's calls whose variables `text` uses. */
  readsIn(position: number, text: string): FileHashRead[] {
    return [...(this.byPosition.get(position)?.values() ?? [])].filter(({ name }) => new RegExp(`\\$\\{?${name}\\b`).test(text));
  }
}

/** A call the script reads: the variable that holds its value, and its arguments. */
export interface FileHashRead {
  name: string;
  args: readonly string[];
}

/** The line that reads a call into its variable; `status`: one that keeps a failure's status in `$hash_status`. */
export const readLine = ({ name, args }: FileHashRead, status: boolean): string =>
  `${name}=$("$MAESTRO_HASH_FILES" ${args.map(shellQuoted).join(' ')})${status ? ` || ${HASH_STATUS}=$?` : ''}`;

/** The variable that holds the status of the reads a step's condition makes. */
export const HASH_STATUS = 'hash_status';
