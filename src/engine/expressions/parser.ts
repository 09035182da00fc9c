import { ExpressionError, type BinaryOperator, type Expr } from './ast';
import type { Span } from '../diagnostics';
import { FUNCTION_SIGNATURES } from './functions';

type Token =
  | { type: 'number'; value: number; start: number; end: number }
  | { type: 'string'; value: string; start: number; end: number }
  | { type: 'ident'; value: string; start: number; end: number }
  | { type: 'punct'; value: string; start: number; end: number }
  | { type: 'eof'; value: ''; start: number; end: number };

/** How deeply an expression may nest: far beyond what anyone writes, well within what recursion can walk. */
export const MAX_EXPRESSION_DEPTH = 100;

const TWO_CHAR_PUNCTUATION = new Set(['==', '!=', '<=', '>=', '&&', '||']);
const ONE_CHAR_PUNCTUATION = new Set(['<', '>', '!', '(', ')', '[', ']', '.', ',']);
const NUMBER = /(?:0x[0-9a-fA-F]+|-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/y;

const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57) || c === 45;
const isDigit = (c: number) => c >= 48 && c <= 57;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const code = source.charCodeAt(i);
    if (code === 32 || code === 9 || code === 10 || code === 13) {
      i++;
      continue;
    }
    const c = source[i];
    const start = i;
    if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new ExpressionError("unterminated string: a string literal needs a closing '", { start, end: source.length });
        const close = source.indexOf("'", i);
        if (close < 0) {
          i = source.length;
          continue;
        }
        value += source.slice(i, close);
        if (source[close + 1] === "'") {
          value += "'";
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      tokens.push({ type: 'string', value, start, end: i });
      continue;
    }
    if (c === '"') throw new ExpressionError("strings are written in single quotes, as 'text'", { start, end: start + 1 });
    if (isDigit(code) || ((c === '-' || c === '.') && isDigit(source.charCodeAt(i + 1)))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(source)!;
      tokens.push({ type: 'number', value: Number(m[0]), start, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    if (isIdentStart(code)) {
      i++;
      while (i < source.length && isIdentPart(source.charCodeAt(i))) i++;
      tokens.push({ type: 'ident', value: source.slice(start, i), start, end: i });
      continue;
    }
    const two = source.substr(i, 2);
    const punct = TWO_CHAR_PUNCTUATION.has(two) ? two : ONE_CHAR_PUNCTUATION.has(c) ? c : undefined;
    if (punct) {
      tokens.push({ type: 'punct', value: punct, start, end: i + punct.length });
      i += punct.length;
      continue;
    }
    const hint = c === '=' ? " (use '==' to compare)" : c === '&' ? " (use '&&')" : c === '|' ? " (use '||')" : '';
    throw new ExpressionError(`unexpected character '${c}'${hint}`, { start, end: start + 1 });
  }
  tokens.push({ type: 'eof', value: '', start: source.length, end: source.length });
  return tokens;
}

const COMPARISONS = new Set<string>(['==', '!=', '<', '<=', '>', '>=']);

/** Parses an expression (the text inside `${{ }}`). Throws ExpressionError with a span on bad syntax. */
export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const next = (): Token => tokens[pos++];
  const isPunct = (value: string): boolean => peek().type === 'punct' && peek().value === value;
  const describe = (t: Token): string => (t.type === 'eof' ? 'the end of the expression' : `'${source.slice(t.start, t.end)}'`);
  const expect = (value: string, what: string): Token => {
    const t = peek();
    if (t.type !== 'punct' || t.value !== value) throw new ExpressionError(`expected ${what}, found ${describe(t)}`, spanOf(t));
    return next();
  };
  const spanOf = (t: Token) =>
    t.type === 'eof' ? { start: Math.max(0, source.trimEnd().length - 1), end: source.trimEnd().length } : { start: t.start, end: t.end };
  // Everything that walks the tree recurses, so its depth is bounded, both while parsing and as built.
  const tooDeep = (span: Span) => new ExpressionError(`the expression is nested more than ${MAX_EXPRESSION_DEPTH} levels deep: split it up`, span);
  let nesting = 0;
  const depths = new Map<Expr, number>();
  const built = <T extends Expr>(e: T, ...children: Expr[]): T => {
    let d = 1;
    for (const c of children) d = Math.max(d, (depths.get(c) ?? 1) + 1);
    if (d > MAX_EXPRESSION_DEPTH) throw tooDeep(e.span);
    depths.set(e, d);
    return e;
  };

  function parseOr(): Expr {
    let left = parseAnd();
    while (isPunct('||')) {
      next();
      const right = parseAnd();
      left = built({ kind: 'logical', op: '||', left, right, span: { start: left.span.start, end: right.span.end } }, left, right);
    }
    return left;
  }
  function parseAnd(): Expr {
    let left = parseComparison();
    while (isPunct('&&')) {
      next();
      const right = parseComparison();
      left = built({ kind: 'logical', op: '&&', left, right, span: { start: left.span.start, end: right.span.end } }, left, right);
    }
    return left;
  }
  function parseComparison(): Expr {
    let left = parseUnary();
    while (peek().type === 'punct' && COMPARISONS.has(String(peek().value))) {
      const op = next().value as BinaryOperator;
      const right = parseUnary();
      left = built({ kind: 'compare', op, left, right, span: { start: left.span.start, end: right.span.end } }, left, right);
    }
    return left;
  }
  function parseUnary(): Expr {
    if (++nesting > MAX_EXPRESSION_DEPTH) throw tooDeep(spanOf(peek()));
    try {
      if (isPunct('!')) {
        const bang = next();
        const operand = parseUnary();
        return built({ kind: 'not', operand, span: { start: bang.start, end: operand.span.end } }, operand);
      }
      return parsePostfix(parsePrimary());
    } finally {
      nesting--;
    }
  }
  function parsePostfix(expr: Expr): Expr {
    for (;;) {
      if (isPunct('.')) {
        next();
        const t = next();
        if (t.type !== 'ident') throw new ExpressionError(`expected a property name after '.', found ${describe(t)}`, spanOf(t));
        expr = built(
          { kind: 'property', object: expr, name: String(t.value), nameSpan: { start: t.start, end: t.end }, span: { start: expr.span.start, end: t.end } },
          expr,
        );
      } else if (isPunct('[')) {
        next();
        const index = parseOr();
        const close = expect(']', "']'");
        expr = built({ kind: 'index', object: expr, index, span: { start: expr.span.start, end: close.end } }, expr, index);
      } else return expr;
    }
  }
  function parsePrimary(): Expr {
    const t = next();
    const span = { start: t.start, end: t.end };
    switch (t.type) {
      case 'number':
        return { kind: 'literal', value: t.value, span };
      case 'string':
        return { kind: 'literal', value: t.value, span };
      case 'ident': {
        if (t.value === 'true' || t.value === 'false') return { kind: 'literal', value: t.value === 'true', span };
        if (t.value === 'null') return { kind: 'literal', value: null, span };
        if (isPunct('(')) {
          next();
          const args: Expr[] = [];
          if (!isPunct(')')) {
            args.push(parseOr());
            while (isPunct(',')) {
              next();
              args.push(parseOr());
            }
          }
          const close = expect(')', "',' or ')'");
          const call: Expr = built({ kind: 'call', name: t.value, nameSpan: span, args, span: { start: t.start, end: close.end } }, ...args);
          checkArity(call);
          return call;
        }
        return { kind: 'context', name: t.value, span };
      }
      case 'punct':
        if (t.value === '(') {
          const inner = parseOr();
          const close = expect(')', "')'");
          return built({ ...inner, span: { start: t.start, end: close.end } }, inner);
        }
        throw new ExpressionError(`expected a value, found ${describe(t)}`, spanOf(t));
      case 'eof':
        throw new ExpressionError(pos <= 1 ? 'the expression is empty' : 'expected a value, found the end of the expression', spanOf(t));
    }
  }

  const expr = parseOr();
  const rest = peek();
  if (rest.type !== 'eof') throw new ExpressionError(`unexpected ${describe(rest)} after a complete expression`, spanOf(rest));
  return expr;
}

function checkArity(call: Extract<Expr, { kind: 'call' }>): void {
  const sig = FUNCTION_SIGNATURES[call.name];
  if (!sig) return; // Unknown functions are reported as unknown references by the validator.
  const n = call.args.length;
  if (n < sig.min || n > sig.max) {
    const want = sig.min === sig.max ? `${sig.min}` : sig.max === Infinity ? `at least ${sig.min}` : `${sig.min} to ${sig.max}`;
    throw new ExpressionError(`${call.name}() takes ${want} argument${want === '1' ? '' : 's'}, not ${n}`, call.span);
  }
}
