// Conditions on how the needed nodes ended as Argo's `depends`: `nodes.build.status == 'failed'` is
// `(build.Failed || build.Errored)`. The inverse of how the import reads an enhanced `depends` (./depends.ts).
import type { Expr } from '@actions/expressions';
import type { Binary, FunctionCall, Grouping, Literal, Logical, Unary } from '@actions/expressions/ast';
import { chainNames } from '../../expressions/references';

/** Our statuses as Argo's results: a task that errored failed too, and one omitted was skipped. */
const RESULTS: Record<string, string[]> = {
  completed: ['Succeeded'],
  failed: ['Failed', 'Errored'],
  skipped: ['Skipped', 'Omitted'],
};

const stringOf = (e: Expr): string | undefined => {
  const literal = (e as Partial<Literal>).literal;
  return literal && (literal.kind as number) === 0 ? literal.coerceString() : undefined;
};

/** `!cancelled()`: what Argo does anyway, which starts no task in a stopped workflow. */
export function isNotCancelled(e: Expr): boolean {
  const unary = e as Partial<Unary>;
  const call = unary.expr as Partial<FunctionCall> | undefined;
  return unary.operator?.lexeme === '!' && call?.functionName?.lexeme.toLowerCase() === 'cancelled' && (call.args?.length ?? 0) === 0;
}

/** `nodes.X.status == 'failed'` (either way round, or `!=`) of a needed node, as Argo's results of its task. */
function comparison(b: Binary, taskOf: (nodeId: string) => string | undefined): string | undefined {
  const op = b.operator.lexeme;
  if (op !== '==' && op !== '!=') return undefined;
  const [chain, value] = chainNames(b.left) ? [chainNames(b.left), stringOf(b.right)] : [chainNames(b.right), stringOf(b.left)];
  if (!chain || value === undefined || chain.length !== 3 || chain[0].toLowerCase() !== 'nodes' || chain[2].toLowerCase() !== 'status') return undefined;
  const task = taskOf(chain[1]);
  const results = RESULTS[value];
  if (!task || !results) return undefined;
  const any = results.length === 1 ? `${task}.${results[0]}` : `(${results.map((r) => `${task}.${r}`).join(' || ')})`;
  return op === '==' ? any : `!${results.length === 1 ? `(${any})` : any}`;
}

/**
 * The `depends` of an expression made only of status comparisons of needed nodes joined by `&&`, `||`, `!` and
 * parentheses; undefined for any other expression.
 */
export function statusDepends(e: Expr, taskOf: (nodeId: string) => string | undefined): string | undefined {
  const logical = e as Partial<Logical>;
  if (logical.args && logical.operator) {
    const parts = logical.args.map((a) => statusDepends(a, taskOf));
    if (parts.some((p) => p === undefined)) return undefined;
    return parts.map((p, i) => ((logical.args![i] as Partial<Logical>).args ? `(${p})` : p)).join(` ${logical.operator.lexeme} `);
  }
  const group = e as Partial<Grouping>;
  if (group.group) {
    const inner = statusDepends(group.group, taskOf);
    return inner === undefined ? undefined : `(${inner})`;
  }
  const unary = e as Partial<Unary>;
  if (unary.operator?.lexeme === '!' && unary.expr) {
    const inner = statusDepends(unary.expr, taskOf);
    if (inner === undefined) return undefined;
    return (unary.expr as Partial<Grouping>).group ? `!${inner}` : `!(${inner})`;
  }
  const binary = e as Partial<Binary>;
  if (binary.left && binary.right && binary.operator) return comparison(binary as Binary, taskOf);
  return undefined;
}
