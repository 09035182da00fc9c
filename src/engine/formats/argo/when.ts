// A node's `if` as Argo's task settings: the status functions decide which results of the needed tasks let it run
// (`depends`), the rest becomes a `when` expression over Argo's variables. Only what has the same meaning on both
// sides translates; the rest is a problem.
import type { Expr } from '@actions/expressions';
import type { Binary, ContextAccess, ExprVisitor, FunctionCall, Grouping, IndexAccess, Literal, Logical, Unary } from '@actions/expressions/ast';
import { conditionSource } from '../../expressions/template';
import { parseWithPositions } from '../../expressions/parser';
import { chainNames } from '../../expressions/references';
import { isNotCancelled, statusDepends } from './statusDepends';
import { argoVariable, type ValueKind, type VariableScope } from './variables';

export interface ArgoCondition {
  /** Which results of the needed tasks let the task run; undefined for Argo's default (all succeeded). */
  status?: 'always' | 'failure';
  /** What the condition asks of how needed tasks ended (`nodes.A.status == 'failed'`), as `depends` terms. */
  depends?: string;
  when?: string;
}

class Untranslatable extends Error {}

type Piece = { text: string; kind: ValueKind | 'condition' | 'status'; status?: 'always' | 'failure' | 'success' };

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A piece as a boolean expression of govaluate. */
function asCondition(p: Piece): string {
  if (p.kind === 'condition') return p.text;
  if (p.kind === 'status') throw new Untranslatable('a status function must stand alone or be joined with && at the top of the condition');
  if (p.kind === 'boolean') return `${p.text} == 'true'`;
  return `${p.text} != ''`;
}

function visitor(scope: VariableScope): ExprVisitor<Piece> {
  const self: ExprVisitor<Piece> = {
    visitLiteral: (l: Literal) => {
      const kind = l.literal.kind as number;
      if (kind === 3) return { text: quote(String(l.literal.coerceString() === 'true')), kind: 'boolean' };
      if (kind === 4) return { text: quote(l.literal.coerceString()), kind: 'number' };
      if (kind === 0) return { text: quote(l.literal.coerceString()), kind: 'string' };
      throw new Untranslatable(`the literal ${l.token.lexeme} has no Argo counterpart`);
    },
    visitContextAccess: (c: ContextAccess) => reference([c.name.lexeme]),
    visitIndexAccess: (ia: IndexAccess) => {
      const chain = chainNames(ia);
      if (!chain) throw new Untranslatable('an index that is not a fixed name has no Argo counterpart');
      return reference(chain);
    },
    visitGrouping: (g: Grouping) => {
      const inner = g.group.accept(self);
      return inner.kind === 'condition' ? { text: `(${inner.text})`, kind: 'condition' } : inner;
    },
    visitUnary: (u: Unary) => ({ text: `!(${asCondition(u.expr.accept(self))})`, kind: 'condition' }),
    visitBinary: (b: Binary) => {
      const op = b.operator.lexeme;
      const [left, right] = [b.left.accept(self), b.right.accept(self)];
      if (op === '==' || op === '!=') return { text: `${left.text} ${op} ${right.text}`, kind: 'condition' };
      throw new Untranslatable(`the operator ${op} compares numbers, which Argo's variables are not`);
    },
    visitLogical: (l: Logical) => ({ text: l.args.map((a) => `(${asCondition(a.accept(self))})`).join(` ${l.operator.lexeme} `), kind: 'condition' }),
    visitFunctionCall: (f: FunctionCall) => {
      const name = f.functionName.lexeme.toLowerCase();
      if (name === 'success' || name === 'always' || name === 'failure') return { text: '', kind: 'status', status: name };
      throw new Untranslatable(`the function ${f.functionName.lexeme}() has no Argo counterpart`);
    },
  };
  const reference = (chain: string[]): Piece => {
    const variable = argoVariable(chain, scope, true);
    if ('problem' in variable) throw new Untranslatable(variable.problem);
    return { text: quote(variable.text), kind: variable.kind };
  };
  return self;
}

/** Splits `status() && rest` (the top-level && of a condition) into its status function and the rest. */
function topLevelTerms(expr: Expr): Expr[] {
  const logical = expr as Partial<Logical>;
  if (logical.operator?.lexeme === '&&' && logical.args) return logical.args.flatMap(topLevelTerms);
  const group = expr as Partial<Grouping>;
  if (group.group && Object.keys(expr).length === 1) return topLevelTerms(group.group);
  return [expr];
}

/** A node's condition for Argo, or a problem saying what does not translate. */
export function argoCondition(condition: string, scope: VariableScope): ArgoCondition | { problem: string } {
  const { source } = conditionSource(condition);
  if (source.includes('${{')) return { problem: `the condition '${condition}' mixes text and expressions: write it as one expression` };
  try {
    const terms = topLevelTerms(parseWithPositions(source).expr);
    // `!cancelled()` is what Argo does anyway; it asks for no result of the needed tasks, as always() does.
    const notCancelled = terms.some(isNotCancelled);
    const taskOf = (id: string) => {
      const needed = scope.node.needs.find((n) => n.toLowerCase() === id.toLowerCase());
      return needed === undefined ? undefined : scope.names.get(needed);
    };
    const onStatuses = new Map(terms.map((t) => [t, isNotCancelled(t) ? undefined : statusDepends(t, taskOf)]));
    const v = visitor(scope);
    const pieces = terms.filter((t) => !isNotCancelled(t) && onStatuses.get(t) === undefined).map((t) => t.accept(v));
    const statuses = pieces.filter((p) => p.kind === 'status');
    if (statuses.length > 1 || (statuses.length && notCancelled)) throw new Untranslatable('more than one status function');
    const rest = pieces.filter((p) => p.kind !== 'status').map(asCondition);
    const status = statuses[0]?.status ?? (notCancelled ? 'always' : undefined);
    const depends = [...onStatuses.values()].filter((d): d is string => d !== undefined);
    return {
      ...(status && status !== 'success' ? { status } : {}),
      ...(depends.length ? { depends: depends.length === 1 ? depends[0] : depends.map((d) => `(${d})`).join(' && ') } : {}),
      ...(rest.length ? { when: rest.length === 1 ? rest[0] : rest.map((r) => `(${r})`).join(' && ') } : {}),
    };
  } catch (e) {
    if (e instanceof Untranslatable) return { problem: `the condition '${condition}': ${e.message}` };
    return { problem: `the condition '${condition}' does not parse` };
  }
}

/** Argo's `depends` for a status function over the needed tasks. */
export function dependsFor(status: 'always' | 'failure', tasks: readonly string[]): string {
  const each = status === 'always' ? ['Succeeded', 'Skipped', 'Failed', 'Errored', 'Omitted'] : ['Failed', 'Errored', 'Omitted'];
  const terms = tasks.map((t) => `(${each.map((r) => `${t}.${r}`).join(' || ')})`);
  return terms.join(status === 'always' ? ' && ' : ' || ');
}
