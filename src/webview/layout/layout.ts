// Layered, top-to-bottom layout of a workflow's graph with dagre, stable across edits. Pure: it runs in the
// layout worker, and in plain Node for the tests.
import dagre, { type EdgeLabel, type Graph, type GraphLabel, type LayoutOptions, type NodeLabel } from '@dagrejs/dagre';
import { CARD_HEIGHT, CARD_WIDTH, gridLayout, layersOf, NODE_SEP, RANK_SEP, type LayoutNode, type LayoutResult } from './grid';

/**
 * Ranks nodes by their longest path from a node that needs nothing, so that a node's layer says when it can start
 * at the earliest, and adding a node never moves another to a new layer. It ranks the graph dagre hands it (cycles
 * already broken, its own helper nodes included), honouring each edge's `minlen`.
 */
function rankFromSources(g: Graph<GraphLabel, NodeLabel, EdgeLabel>): void {
  const pending = new Map<string, number>();
  const ready: string[] = [];
  for (const v of g.nodes()) {
    const count = g.inEdges(v)?.length ?? 0;
    pending.set(v, count);
    g.node(v).rank = 0;
    if (count === 0) ready.push(v);
  }
  for (let head = 0; head < ready.length; head++) {
    const v = ready[head];
    const rank = g.node(v).rank!;
    for (const e of g.outEdges(v) ?? []) {
      const w = g.node(e.w);
      w.rank = Math.max(w.rank!, rank + (g.edge(e).minlen ?? 1));
      const left = pending.get(e.w)! - 1;
      pending.set(e.w, left);
      if (left === 0) ready.push(e.w);
    }
  }
}

/**
 * Which nodes must keep a left-to-right order among themselves, in which order. With a previous layout: the
 * nodes still in the layer they had, in the order they had, so that an edit never reshuffles them (new nodes go
 * where dagre finds fewest crossings). Without: siblings (same layer, same needs) in file order, so that the
 * graph reads like the file.
 */
function orderGroups(nodes: readonly LayoutNode[], layers: ReadonlyMap<string, number>, previous: LayoutResult | undefined): string[][] {
  const groups = new Map<string, string[]>();
  for (const n of nodes) {
    const layer = layers.get(n.id)!;
    let key: string;
    if (previous) {
      if (previous.layers[n.id] !== layer || !previous.positions[n.id]) continue;
      key = String(layer);
    } else key = `${layer}:${[...n.needs].sort().join(',')}`;
    let ids = groups.get(key);
    if (!ids) groups.set(key, (ids = []));
    ids.push(n.id);
  }
  const out = [...groups.values()].filter((ids) => ids.length > 1);
  if (previous) for (const ids of out) ids.sort((a, b) => previous.positions[a].x - previous.positions[b].x);
  return out;
}

/**
 * Runs dagre's own ordering (crossing minimization), then puts each group of nodes back in its required order
 * within the places dagre gave the group: the others, and the helper nodes of long edges, stay where they are.
 */
function orderKeeping(groups: readonly string[][]): LayoutOptions['customOrder'] {
  return (g, order) => {
    order(g);
    for (const ids of groups) {
      const present = ids.filter((id) => g.hasNode(id));
      const byRank = new Map<number, string[]>();
      for (const id of present) {
        const rank = g.node(id).rank!;
        byRank.set(rank, [...(byRank.get(rank) ?? []), id]);
      }
      for (const wanted of byRank.values()) {
        const slots = wanted.map((id) => g.node(id).order!).sort((a, b) => a - b);
        wanted.forEach((id, i) => (g.node(id).order = slots[i]));
      }
    }
  };
}

/** The layout of a graph; with the previous layout, the nodes both share keep their order within each layer. */
export function layoutGraph(nodes: readonly LayoutNode[], previous?: LayoutResult): LayoutResult {
  const layers = layersOf(nodes);
  if (nodes.length === 0) return { positions: {}, layers: {}, width: 0, height: 0 };
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: 'TB', nodesep: NODE_SEP, ranksep: RANK_SEP, ranker: rankFromSources as unknown as GraphLabel['ranker'] });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(nodes.map((n) => n.id));
  for (const n of nodes) g.setNode(n.id, { width: CARD_WIDTH, height: CARD_HEIGHT });
  for (const n of nodes) for (const d of n.needs) if (ids.has(d) && d !== n.id) g.setEdge(d, n.id);
  try {
    dagre.layout(g, { customOrder: orderKeeping(orderGroups(nodes, layers, previous)) });
  } catch {
    return gridLayout(nodes, layers);
  }
  const positions: LayoutResult['positions'] = {};
  for (const n of nodes) {
    const p = g.node(n.id);
    positions[n.id] = { x: Math.round(p.x! - CARD_WIDTH / 2), y: Math.round(p.y! - CARD_HEIGHT / 2) };
  }
  // The layers as drawn (on a cycle dagre may break it elsewhere than layersOf does).
  const rows = [...new Set(Object.values(positions).map((p) => p.y))].sort((a, b) => a - b);
  const layerOfRow = new Map(rows.map((y, i) => [y, i]));
  const drawn = Object.fromEntries(nodes.map((n) => [n.id, layerOfRow.get(positions[n.id].y)!]));
  const size = g.graph();
  return { positions, layers: drawn, width: size.width ?? 0, height: size.height ?? 0 };
}

export { structureKey, type LayoutNode, type LayoutResult } from './grid';
