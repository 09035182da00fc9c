// What an expression refers to: context chains (`nodes.build.outputs.version`, `inputs['a']`) and function calls,
// each with its place in the expression's source. Walked over GitHub's own syntax tree.
import type { Expr } from '@actions/expressions';
import type { Binary, ContextAccess, ExprVisitor, FunctionCall, Grouping, IndexAccess, Literal, Logical, Unary } from '@actions/expressions/ast';
import type { Span } from '../diagnostics';
import type { ParsedExpression } from './parser';

/** A reference chain such as nodes.build.outputs.version, with the span of each segment in the expression. */
export interface Reference {
  /** The context first; a segment of `*` is a filter (`nodes.*.status`). */
  segments: { name: string; span: Span }[];
}

export interface Call {
  name: string;
  nameSpan: Span;
  args: number;
  /** The first argument, when it is a string literal: what a validator can check of `format` and `fromJSON`. */
  literal?: { text: string; span: Span };
}

type TokenLike = { lexeme: string; range: { start: { line: number; column: number }; end: { line: number; column: number } } };

/** A node is a `*` filter when it is neither a literal nor anything else: the library's Star has no fields. */
export const isStar = (e: Expr): boolean => Object.keys(e).length === 0;

/** A reference as its names (`nodes.build.status`, `nodes['build'].status`), or undefined for any other expression. */
export function chainNames(e: Expr): string[] | undefined {
  const access = e as Partial<ContextAccess & IndexAccess>;
  if (access.name) return [access.name.lexeme];
  if (!access.expr || !access.index) return undefined;
  const base = chainNames(access.expr);
  const literal = (access.index as Partial<Literal>).literal;
  return base && literal && (literal.kind as number) === 0 ? [...base, literal.coerceString()] : undefined;
}

/** Collects the context references and function calls of an expression. */
export function collectReferences(parsed: Pick<ParsedExpression, 'expr' | 'offsetOf'>): { refs: Reference[]; calls: Call[] } {
  const refs: Reference[] = [];
  const calls: Call[] = [];
  const spanOf = (t: TokenLike): Span => ({ start: parsed.offsetOf(t.range.start), end: parsed.offsetOf(t.range.end) });
  /** The chain an access ends, root first, or undefined when it does not start at a context. */
  const chainOf = (e: Expr): Reference['segments'] | undefined => {
    const access = e as Partial<ContextAccess & IndexAccess>;
    if (access.name) return [{ name: access.name.lexeme, span: spanOf(access.name) }];
    if (!access.expr || !access.index) return undefined;
    const base = chainOf(access.expr);
    if (!base) return undefined;
    if (isStar(access.index)) return [...base, { name: '*', span: base[base.length - 1].span }];
    const literal = (access.index as Partial<Literal>).literal;
    if (!literal || (literal.kind as number) !== 0 /* string */) return undefined;
    return [...base, { name: literal.coerceString(), span: spanOf((access.index as Literal).token) }];
  };
  const visitor: ExprVisitor<void> = {
    visitLiteral: () => undefined,
    visitUnary: (u: Unary) => u.expr.accept(visitor),
    visitBinary: (b: Binary) => {
      b.left.accept(visitor);
      b.right.accept(visitor);
    },
    visitLogical: (l: Logical) => l.args.forEach((a) => a.accept(visitor)),
    visitGrouping: (g: Grouping) => g.group.accept(visitor),
    visitContextAccess: (c: ContextAccess) => void refs.push({ segments: [{ name: c.name.lexeme, span: spanOf(c.name) }] }),
    visitIndexAccess: (ia: IndexAccess) => {
      const chain = chainOf(ia);
      if (chain) refs.push({ segments: chain });
      else ia.expr.accept(visitor);
      // An index that is itself an expression (`a[inputs.key]`) refers to what it reads.
      if (!isStar(ia.index) && !(ia.index as Partial<Literal>).literal) ia.index.accept(visitor);
    },
    visitFunctionCall: (f: FunctionCall) => {
      const first = f.args[0] as Partial<Literal> | undefined;
      const literal =
        first?.literal && (first.literal.kind as number) === 0 /* string */ ? { text: first.literal.coerceString(), span: spanOf(first.token!) } : undefined;
      calls.push({ name: f.functionName.lexeme, nameSpan: spanOf(f.functionName), args: f.args.length, ...(literal ? { literal } : {}) });
      f.args.forEach((a) => a.accept(visitor));
    },
  };
  parsed.expr.accept(visitor);
  return { refs, calls };
}
