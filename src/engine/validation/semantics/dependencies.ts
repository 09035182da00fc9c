// `needs`: entries that name no node or the node itself, and cycles.
import type { Span } from '../../diagnostics';
import { cyclicComponents, needsPath } from '../../graph';
import { isObject } from '../../json';
import type { NodeSpec } from '../../model';
import { removeNeedsEntry } from '../../edits/needs';
import { listed, type SemanticContext } from './context';

/** The most related entries one diagnostic carries, and the most ids a cycle's message names. */
const MAX_RELATED = 20;
const MAX_CYCLE_IDS = 10;
/** How many nodes the searches for cycles may visit in one file. */
const MAX_CYCLE_SEARCH = 500_000;

/** Where a node's i-th `needs` entry is (`needs: a` is one entry). */
function needsSpan(ctx: SemanticContext, node: NodeSpec, i: number): Span {
  const raw = ctx.rawNodes[node.id];
  const needs = isObject(raw) ? raw.needs : undefined;
  return ctx.spanAt(typeof needs === 'string' ? ['nodes', node.id, 'needs'] : ['nodes', node.id, 'needs', i]);
}

export function checkNeeds(ctx: SemanticContext): void {
  for (const node of ctx.workflow.nodes) {
    node.needs.forEach((dep, i) => {
      if (dep === node.id) {
        const span = needsSpan(ctx, node, i);
        const removal = removeNeedsEntry(ctx.parsed, node.id, span);
        ctx.report({
          span,
          severity: 'error',
          code: 'self-dependency',
          message: `node '${node.id}' needs itself: remove '${dep}' from its needs`,
          ...(removal?.length ? { fixes: [{ title: `Remove '${dep}' from the needs of '${node.id}'`, edits: removal }] } : {}),
        });
      } else if (!ctx.byId.has(dep)) {
        const suggestion = ctx.suggest.closest(dep, ctx.ids, node.id);
        const span = needsSpan(ctx, node, i);
        ctx.report({
          span,
          severity: 'error',
          code: 'unknown-dependency',
          message: `node '${node.id}' needs '${dep}', which is not a node of this workflow${suggestion ? ` — did you mean '${suggestion}'?` : ` (nodes: ${listed(ctx.ids)})`}`,
          ...(suggestion ? { fixes: [{ title: `Change to '${suggestion}'`, edits: [{ span, newText: suggestion }] }] } : {}),
        });
      }
    });
  }
}

/** `a → b → c → a`; a long cycle names its first nodes and how many there are. */
function cyclePath(cycle: readonly string[]): string {
  if (cycle.length <= MAX_CYCLE_IDS + 1) return cycle.join(' → ');
  return `${cycle.slice(0, MAX_CYCLE_IDS).join(' → ')} → … (${(cycle.length - 1).toLocaleString('en-US')} nodes in all) → ${cycle[0]}`;
}

/**
 * Every needs edge inside a strongly connected component lies on a cycle. Each is reported with one shortest cycle
 * through it (long cycles shortened in the message), and the needs entries along that cycle. The searches for those
 * cycles share a budget: past it (thousands of nodes in one cycle), edges name their group.
 */
export function checkCycles(ctx: SemanticContext): void {
  const { byId, ids } = ctx;
  const needsWithoutSelf = new Map(ctx.workflow.nodes.map((n) => [n.id, n.needs.filter((d) => d !== n.id)]));
  const needsOf = (id: string) => needsWithoutSelf.get(id) ?? [];
  const searchBudget = { left: MAX_CYCLE_SEARCH };
  const fileOrder = new Map(ids.map((id, i) => [id, i]));
  for (const component of cyclicComponents(ids, needsOf)) {
    const members = new Set(component);
    // In file order, so that the budget goes to the edges shown first.
    for (const id of [...component].sort((a, b) => fileOrder.get(a)! - fileOrder.get(b)!)) {
      const node = byId.get(id)!;
      node.needs.forEach((dep, index) => {
        if (dep === id || !members.has(dep)) return;
        const back = needsPath(dep, id, members, needsOf, searchBudget);
        const cycle = back ? [id, ...back] : undefined;
        const related = (cycle ?? []).slice(0, Math.min(MAX_RELATED + 1, cycle?.length ?? 0) - 1).map((from, i) => {
          const to = cycle![i + 1];
          const fromNode = byId.get(from)!;
          return { span: needsSpan(ctx, fromNode, Math.max(0, fromNode.needs.indexOf(to))), message: `'${from}' needs '${to}'` };
        });
        const how = cycle ? cyclePath(cycle) : `'${id}' and '${dep}' are among ${component.length.toLocaleString('en-US')} nodes that need each other`;
        ctx.report({
          span: needsSpan(ctx, node, index),
          severity: 'error',
          code: 'cycle',
          message: `'${id}' needs '${dep}', which forms a cycle: ${how}`,
          ...(related.length ? { related } : {}),
        });
      });
    }
  }
}
