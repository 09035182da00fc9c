import { ExpressionError } from './ast';
import { parseWithPositions, type ParsedExpression } from './parser';
import type { Span } from '../diagnostics';
import { templateClose } from './templateClose';

/** One `${{ … }}` in a string: where it is, and its parsed expression or the parse error. */
export interface TemplatePart {
  /** Span of the whole `${{ … }}` in the string. */
  span: Span;
  /** Span of the expression source inside the braces. */
  exprSpan: Span;
  source: string;
  parsed?: ParsedExpression;
  error?: ExpressionError;
}

/** Finds every `${{ … }}` in a string, skipping `}}` inside single-quoted literals. */
export function findTemplates(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf('${{', from);
    if (open < 0) return parts;
    const exprStart = open + 3;
    const close = templateClose(text, exprStart);
    if (close < 0) {
      // The error span is relative to the expression source; -3 points back at the '${{' itself.
      const error = new ExpressionError("'${{' is not closed by '}}'", { start: -3, end: 0 });
      parts.push({ span: { start: open, end: text.length }, exprSpan: { start: exprStart, end: text.length }, source: text.slice(exprStart), error });
      return parts;
    }
    const source = text.slice(exprStart, close);
    const part: TemplatePart = { span: { start: open, end: close + 2 }, exprSpan: { start: exprStart, end: close }, source };
    try {
      part.parsed = parseWithPositions(source);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      part.error = e;
    }
    parts.push(part);
    from = close + 2;
  }
}

export function hasTemplate(text: string): boolean {
  return text.includes('${{');
}

/**
 * A node's `if` may be a bare expression or one `${{ }}`; returns the expression source and its offset in the text.
 */
export function conditionSource(text: string): { source: string; offset: number } {
  const trimmedStart = text.length - text.trimStart().length;
  const trimmed = text.trim();
  if (trimmed.startsWith('${{') && trimmed.endsWith('}}') && trimmed.indexOf('${{', 3) < 0) {
    return { source: trimmed.slice(3, -2), offset: trimmedStart + 3 };
  }
  return { source: text, offset: 0 };
}

/** An expression found in a string value; `offset` is where its source starts in the value. */
export interface ExpressionPiece {
  parsed?: ParsedExpression;
  error?: ExpressionError;
  offset: number;
}

/** The expressions of a string value: each `${{ }}`, or for a condition, the whole bare expression. */
export function expressionPieces(value: string, isCondition: boolean): ExpressionPiece[] {
  const condition = isCondition ? conditionSource(value) : undefined;
  if (condition && !condition.source.includes('${{')) {
    try {
      return [{ parsed: parseWithPositions(condition.source), offset: condition.offset }];
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      return [{ error: e, offset: condition.offset }];
    }
  }
  return findTemplates(value).map((part) => ({ parsed: part.parsed, error: part.error, offset: part.exprSpan.start }));
}
