// Expressions are GitHub's own: its lexer and parser (@actions/expressions) read them, so precedence, literals,
// case-insensitive function and context names, object filters and the nesting limit are exactly GitHub's. This
// module adds what a workflow file needs around them: positions as offsets into the source, and messages that say
// what to write instead.
import { Lexer, Parser, type Expr } from '@actions/expressions';
import { ExpressionError } from './ast';
import { FUNCTION_SIGNATURES, isAddedFunction, isKnownFunction } from './functions';

/** How deeply an expression may nest: GitHub's own limit. */
export const MAX_EXPRESSION_DEPTH = 50;

type Token = ReturnType<Lexer['lex']>['tokens'][number];
/** A token's type as a number: the library's token enum is not exported. */
const typeOf = (t: Token | undefined): number | undefined => t?.type;
const TOKEN = { DOT: 6, LEFT_PAREN: 1, STRING: 18, IDENTIFIER: 19, EOF: 23 } as const;

/** GitHub's limit on an expression's length, which its lexer enforces. */
export const MAX_EXPRESSION_LENGTH = 21_000;

/** Offsets of the starts of the lines of a source (tokens carry lines and columns). */
function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
  return starts;
}

export interface ParsedExpression {
  expr: Expr;
  /** Offset in the source of a token's start and end. */
  offsetOf(pos: { line: number; column: number }): number;
}

/**
 * Parses an expression (the text inside `${{ }}`); an empty one is `null`. Contexts and functions the parser does not
 * know are let through (the validator names them, with a suggestion); everything else wrong throws an
 * ExpressionError whose span points into the source.
 */
export function parseExpression(source: string): Expr {
  return parseWithPositions(source).expr;
}

export function parseWithPositions(source: string): ParsedExpression {
  const starts = lineStarts(source);
  const offsetOf = (pos: { line: number; column: number }) => Math.min(source.length, (starts[pos.line] ?? 0) + pos.column);
  if (source.trim() === '') return { expr: parseTokens(new Lexer('null').lex().tokens, source, offsetOf), offsetOf };
  let tokens: Token[];
  try {
    tokens = new Lexer(source).lex().tokens;
  } catch (e) {
    throw lexError(e as Error, source);
  }
  // The lexer turns only the first '' of a string into ' (GitHub's own turns every one).
  for (const t of tokens) if (typeOf(t) === TOKEN.STRING) (t as { value?: unknown }).value = t.lexeme.slice(1, -1).replaceAll("''", "'");
  return { expr: parseTokens(tokens, source, offsetOf), offsetOf };
}

function parseTokens(tokens: Token[], source: string, offsetOf: ParsedExpression['offsetOf']): Expr {
  // Names used as contexts (not after a dot) and as functions (before a parenthesis), known or not.
  const contexts = new Set<string>();
  const functions = new Set<string>();
  tokens.forEach((t, i) => {
    if (typeOf(t) !== TOKEN.IDENTIFIER || typeOf(tokens[i - 1]) === TOKEN.DOT) return;
    if (typeOf(tokens[i + 1]) === TOKEN.LEFT_PAREN) functions.add(t.lexeme);
    else contexts.add(t.lexeme);
  });
  const extra = [...functions].filter((f) => !isKnownFunction(f) || isAddedFunction(f));
  const functionInfos = extra.map((name) => {
    const known = FUNCTION_SIGNATURES[name.toLowerCase()];
    return { name, minArgs: known?.min ?? 0, maxArgs: known?.max ?? Number.MAX_SAFE_INTEGER };
  });
  try {
    return new Parser(tokens, [...contexts], functionInfos).parse();
  } catch (e) {
    throw parseError(e as Error & { pos?: { line: number; column: number } }, source, offsetOf);
  }
}

/** The lexer says `Located at position N` (1-based); the message says what the character is and what to write. */
function lexError(e: Error, source: string): ExpressionError {
  if (e.message === 'ErrorExceededMaxLength') {
    return new ExpressionError(`the expression is longer than ${MAX_EXPRESSION_LENGTH.toLocaleString('en-US')} characters: split it up`, {
      start: 0,
      end: source.length,
    });
  }
  const at = Math.max(0, Number(/Located at position (\d+)/.exec(e.message)?.[1] ?? 1) - 1);
  const c = source[at] ?? '';
  if (c === "'") return new ExpressionError("unterminated string: a string literal needs a closing '", { start: at, end: source.length });
  if (c === '"') return new ExpressionError("strings are written in single quotes, as 'text'", { start: at, end: at + 1 });
  const hint = c === '=' ? " (use '==' to compare)" : c === '&' ? " (use '&&')" : c === '|' ? " (use '||')" : '';
  return new ExpressionError(`unexpected character '${c}'${hint}`, { start: at, end: at + 1 });
}

function parseError(e: Error & { pos?: { line: number; column: number } }, source: string, offsetOf: ParsedExpression['offsetOf']): ExpressionError {
  const start = e.pos ? offsetOf(e.pos) : 0;
  const word = /^[A-Za-z_][\w-]*/.exec(source.slice(start))?.[0];
  const span = { start, end: Math.max(start + 1, start + (word?.length ?? 1)) };
  const message = e.message.replace(/\. Located at position.*$/s, '');
  if (message.startsWith('Exceeded max expression depth'))
    return new ExpressionError(`the expression is nested more than ${MAX_EXPRESSION_DEPTH} levels deep: split it up`, span);
  if (/^Too (few|many) parameters supplied|^Even number of parameters/.test(message) && word) {
    const sig = FUNCTION_SIGNATURES[word.toLowerCase()];
    if (sig) return new ExpressionError(`${word}() takes ${arity(sig)}${word.toLowerCase() === 'case' ? ', an odd number' : ''}`, span);
  }
  if (/^Unexpected symbol: 'EOF'/.test(message)) {
    const end = source.trimEnd().length;
    return new ExpressionError(`the expression ends too soon: after '${source.slice(Math.max(0, end - 1), end)}'`, { start: Math.max(0, end - 1), end });
  }
  if (message.startsWith('Unexpected end of expression'))
    return new ExpressionError(`the expression ends too soon: ${message.replace(/^Unexpected end of expression:?\s*/, 'after ')}`, {
      start: Math.max(0, source.trimEnd().length - 1),
      end: source.trimEnd().length,
    });
  return new ExpressionError(message.charAt(0).toLowerCase() + message.slice(1), span);
}

function arity(sig: { min: number; max: number }): string {
  const n = (k: number) => `${k} argument${k === 1 ? '' : 's'}`;
  if (sig.min === sig.max) return n(sig.min);
  return sig.max >= 255 ? `at least ${n(sig.min)}` : `${sig.min} to ${n(sig.max)}`;
}
