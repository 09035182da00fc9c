// A job's result as GitHub names it (`needs.build.result == 'failure'`, `contains(needs.*.result, 'cancelled')`) is a
// node's status here (`nodes.build.status == 'failed'`): the same four outcomes under other names, both ways. Only a
// result compared with a value, or looked for among the needed jobs', translates; any other use is left to the
// contexts' rewrite, which names it.
import type { Expr } from '@actions/expressions';
import type { Binary, FunctionCall, Grouping, Literal, Logical, Unary } from '@actions/expressions/ast';
import type { Span } from '../../diagnostics';
import type { ParsedExpression } from '../../expressions/parser';
import { collectReferences } from '../../expressions/references';
import { expressionPieces } from '../../expressions/template';

/** How one side names a needed node's outcome: `needs.<id>.result` with GitHub's values, or `nodes.<id>.status`. */
interface Naming {
  root: string;
  field: string;
  /** Each value, by the other side's name for it. */
  values: Readonly<Record<string, string>>;
}

const RESULTS: Readonly<Record<string, string>> = { success: 'completed', failure: 'failed', cancelled: 'cancelled', skipped: 'skipped' };
const GITHUB: Naming = { root: 'needs', field: 'result', values: RESULTS };
const OURS: Naming = { root: 'nodes', field: 'status', values: Object.fromEntries(Object.entries(RESULTS).map(([r, s]) => [s, r])) };

interface Edit {
  span: Span;
  text: string;
}

/**
 * One expression being rewritten: its parse, the text after its start (offsets are into it), the namings, the job's
 * needs (for `needs.*`), and who hears of each node read.
 */
interface Site {
  parsed: ParsedExpression;
  source: string;
  from: Naming;
  to: Naming;
  needs: readonly string[];
  read?: (id: string) => void;
}

/** Whether an expression is a reference alone (not a literal, a call or an operation that reads one). */
const isChain = (e: Expr): boolean => !('args' in e || 'operator' in e || 'group' in e || 'literal' in e);

/** `needs.<id>.result` (or `needs.*.result`), or ours, as the span of the whole chain and the id, or undefined. */
function resultChain(e: Expr, { parsed, from }: Site): { span: Span; id: string } | undefined {
  if (!isChain(e)) return undefined;
  const { refs } = collectReferences({ expr: e, offsetOf: (pos) => parsed.offsetOf(pos) });
  const segments = refs.length === 1 ? refs[0].segments : [];
  const [root, id, result] = segments.map((s) => s.name);
  if (segments.length !== 3 || root.toLowerCase() !== from.root || result.toLowerCase() !== from.field) return undefined;
  return { span: { start: segments[0].span.start, end: segments[2].span.end }, id };
}

/** A string literal naming a result, with its span and what the other side calls it, or undefined. */
function resultLiteral(e: Expr, { parsed, from }: Site): { span: Span; status: string } | undefined {
  const literal = e as Partial<Literal>;
  if (!literal.literal || (literal.literal.kind as number) !== 0 || !literal.token) return undefined;
  const status = from.values[literal.literal.coerceString().toLowerCase()];
  if (status === undefined) return undefined;
  const { start, end } = literal.token.range;
  return { span: { start: parsed.offsetOf(start), end: parsed.offsetOf(end) }, status };
}

/** A result of one needed job compared with a value (either way round). */
function comparisonEdits(chainSide: Expr, literalSide: Expr, site: Site): Edit[] {
  const chain = resultChain(chainSide, site);
  const literal = resultLiteral(literalSide, site);
  if (!chain || !literal || chain.id === '*') return [];
  site.read?.(chain.id);
  return [
    { span: chain.span, text: `${site.to.root}.${chain.id}.${site.to.field}` },
    { span: literal.span, text: `'${literal.status}'` },
  ];
}

/**
 * `contains(needs.*.result, 'failure')`: whether one of the job's own needs ended so, written over each of them (here
 * `nodes.*` reads every node upstream, not only the needed ones).
 */
function containsEdits(call: FunctionCall, site: Site): Edit[] {
  const chain = resultChain(call.args[0], site);
  const literal = resultLiteral(call.args[1], site);
  if (!chain || !literal) return [];
  if (chain.id !== '*') return comparisonEdits(call.args[0], call.args[1], site);
  const close = site.source.indexOf(')', literal.span.end);
  if (site.to !== OURS || !site.needs.length || close < 0 || site.source.slice(literal.span.end, close).trim() !== '') return [];
  const each = site.needs.map((id) => `nodes.${id}.status == '${literal.status}'`);
  const start = site.parsed.offsetOf(call.functionName.range.start);
  return [{ span: { start, end: close + 1 }, text: each.length === 1 ? each[0] : `(${each.join(' || ')})` }];
}

function editsOf(e: Expr, site: Site): Edit[] {
  const b = e as Partial<Binary>;
  if (b.left && b.right && (b.operator?.lexeme === '==' || b.operator?.lexeme === '!=')) {
    const found = [...comparisonEdits(b.left, b.right, site), ...comparisonEdits(b.right, b.left, site)];
    if (found.length) return found;
  }
  const call = e as Partial<FunctionCall>;
  if (call.functionName?.lexeme.toLowerCase() === 'contains' && call.args?.length === 2) {
    const found = containsEdits(call as FunctionCall, site);
    if (found.length) return found;
  }
  // A call's arguments and a logical's operands are both `args`.
  const children = [
    ...((e as Partial<Logical | FunctionCall>).args ?? []),
    ...[(e as Partial<Unary>).expr, (e as Partial<Grouping>).group, b.left, b.right].filter((c): c is Expr => c !== undefined),
  ];
  return children.flatMap((c) => editsOf(c, site));
}

function rewritten(value: string, isCondition: boolean, naming: Omit<Site, 'parsed' | 'source'>): string {
  if (!value.toLowerCase().includes(naming.from.root)) return value;
  const edits = expressionPieces(value, isCondition).flatMap((piece) => {
    if (!piece.parsed) return [];
    const site = { ...naming, parsed: piece.parsed, source: value.slice(piece.offset) };
    return editsOf(piece.parsed.expr, site).map((e) => ({ ...e, span: { start: e.span.start + piece.offset, end: e.span.end + piece.offset } }));
  });
  let text = value;
  for (const e of edits.sort((a, b) => b.span.start - a.span.start)) text = text.slice(0, e.span.start) + e.text + text.slice(e.span.end);
  return text;
}

/**
 * A value with each needed job's result compared or looked for written as the node's status; the rest as it was.
 * `needs`: the job's, which `needs.*` reads.
 */
export const withNodeStatuses = (value: string, isCondition: boolean, needs: readonly string[] = []): string =>
  rewritten(value, isCondition, { from: GITHUB, to: OURS, needs });

/** A value with each node's status compared as the needed job's result, each such node told to `read`. */
export const withJobResults = (value: string, isCondition: boolean, read: (id: string) => void): string =>
  rewritten(value, isCondition, { from: OURS, to: GITHUB, needs: [], read });
