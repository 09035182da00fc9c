// Whether the panel may connect two nodes (the target needing the source), said while the user drags, before the
// host is asked: the same rules the engine's connect applies to the text.
import type { DagGraph } from '../protocol';

/** Why `to` cannot need `from`, or undefined when it can. */
export function connectionProblem(graph: DagGraph | undefined, from: string, to: string): string | undefined {
  if (!graph) return 'the graph is not loaded';
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  if (!byId.has(from) || !byId.has(to)) return 'drop on a node';
  if (from === to) return 'a node cannot need itself';
  if (byId.get(to)!.needs.includes(from)) return `${to} already needs ${from}`;
  // A cycle: `from` needs `to` already, directly or through others.
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === to) return `${from} needs ${to} already: this would make a cycle`;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id)?.needs ?? []));
  }
  return undefined;
}
