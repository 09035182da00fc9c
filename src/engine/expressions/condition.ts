// A node's `if`: a bare expression, one `${{ }}`, or text with `${{ }}` in it (true unless it comes out empty).
// As in GitHub Actions, a condition that calls no status function is read as `success() && (condition)`.
import { evaluate, isTruthy, type EvaluationScope } from './evaluate';
import { isStatusFunction } from './functions';
import { interpolate } from './interpolate';
import { parseWithPositions } from './parser';
import { collectReferences } from './references';
import { conditionSource, findTemplates } from './template';

export interface Condition {
  /** Whether the condition calls always(), success(), failure() or cancelled() itself. */
  usesStatusFunction: boolean;
  /** Whether it reads `matrix`: each instance of a matrix decides it for itself. */
  readsMatrix: boolean;
  /** Evaluates the condition as written, without the success() it implies when it calls no status function. */
  holds(scope: EvaluationScope): boolean;
}

/** Reads a condition; throws an ExpressionError when it cannot be parsed. */
export function parseCondition(text: string): Condition {
  const { source } = conditionSource(text);
  if (!source.includes('${{')) {
    const parsed = parseWithPositions(source);
    return { ...whatItReads([parsed]), holds: (scope) => isTruthy(evaluate(parsed.expr, scope)) };
  }
  const parts = findTemplates(source);
  const broken = parts.find((p) => p.error);
  if (broken?.error) throw broken.error;
  return { ...whatItReads(parts.map((p) => p.parsed!)), holds: (scope) => interpolate(source, scope) !== '' };
}

function whatItReads(parsed: Parameters<typeof collectReferences>[0][]): Pick<Condition, 'usesStatusFunction' | 'readsMatrix'> {
  const found = parsed.map((p) => collectReferences(p));
  return {
    usesStatusFunction: found.some((f) => f.calls.some((c) => isStatusFunction(c.name))),
    readsMatrix: found.some((f) => f.refs.some((r) => r.segments[0]?.name.toLowerCase() === 'matrix')),
  };
}
