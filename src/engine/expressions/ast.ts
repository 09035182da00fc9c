import type { Span } from '../diagnostics';

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export type BinaryOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** Expression syntax tree; spans are offsets into the expression's own source text. */
export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null; span: Span }
  | { kind: 'context'; name: string; span: Span }
  | { kind: 'property'; object: Expr; name: string; nameSpan: Span; span: Span }
  | { kind: 'index'; object: Expr; index: Expr; span: Span }
  | { kind: 'call'; name: string; nameSpan: Span; args: Expr[]; span: Span }
  | { kind: 'not'; operand: Expr; span: Span }
  | { kind: 'compare'; op: BinaryOperator; left: Expr; right: Expr; span: Span }
  | { kind: 'logical'; op: '&&' | '||'; left: Expr; right: Expr; span: Span };

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly span: Span,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}
