import type { Span } from '../diagnostics';
import type { Expr } from './ast';

/** A reference chain such as nodes.build.outputs.version, with the span of each segment in the expression. */
export interface Reference {
  segments: { name: string; span: Span }[];
}

export type CallExpr = Extract<Expr, { kind: 'call' }>;

/** Collects the context references (`nodes.x.outputs.y`, `inputs['a']`) and function calls of an expression. */
export function collectReferences(expr: Expr, refs: Reference[] = [], calls: CallExpr[] = []): { refs: Reference[]; calls: CallExpr[] } {
  const chain: { name: string; span: Span }[] = [];
  let e: Expr = expr;
  for (;;) {
    if (e.kind === 'property') {
      chain.unshift({ name: e.name, span: e.nameSpan });
      e = e.object;
    } else if (e.kind === 'index' && e.index.kind === 'literal' && typeof e.index.value === 'string') {
      chain.unshift({ name: e.index.value, span: e.index.span });
      e = e.object;
    } else break;
  }
  switch (e.kind) {
    case 'context':
      refs.push({ segments: [{ name: e.name, span: e.span }, ...chain] });
      break;
    case 'index':
      collectReferences(e.object, refs, calls);
      collectReferences(e.index, refs, calls);
      break;
    case 'call':
      calls.push(e);
      for (const a of e.args) collectReferences(a, refs, calls);
      break;
    case 'not':
      collectReferences(e.operand, refs, calls);
      break;
    case 'compare':
    case 'logical':
      collectReferences(e.left, refs, calls);
      collectReferences(e.right, refs, calls);
      break;
    default:
  }
  return { refs, calls };
}
