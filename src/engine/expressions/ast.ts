import type { Span } from '../diagnostics';

export type { Expr } from '@actions/expressions';
export type { Value } from './values';

/** A problem with an expression, with where it is in the expression's source. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly span: Span,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}
