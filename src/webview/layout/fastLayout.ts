// A layered layout that is fast enough for a first paint of thousands of nodes: ranks by longest path, a few
// barycentre sweeps to order each layer, then each layer's x placed as near its neighbours as the cards' order
// and spacing allow. No helper nodes for long edges (dagre's refinement adds them). Pure, linear in the edges per
// sweep.
import { CARD_HEIGHT, CARD_WIDTH, layersOf, NODE_SEP, RANK_SEP, type LayoutNode, type LayoutResult } from './grid';

const SWEEPS = 4;
const STEP = CARD_WIDTH + NODE_SEP;

interface Graph {
  rows: string[][];
  layer: Map<string, number>;
  needs: Map<string, string[]>;
  dependents: Map<string, string[]>;
}

function graphOf(nodes: readonly LayoutNode[]): Graph {
  const layer = layersOf(nodes);
  const ids = new Set(nodes.map((n) => n.id));
  const needs = new Map<string, string[]>();
  const dependents = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const n of nodes) {
    const own = [...new Set(n.needs)].filter((d) => ids.has(d) && d !== n.id);
    needs.set(n.id, own);
    for (const d of own) dependents.get(d)!.push(n.id);
  }
  const rows: string[][] = [];
  for (const n of nodes) (rows[layer.get(n.id)!] ??= []).push(n.id);
  return { rows: Array.from(rows, (r) => r ?? []), layer, needs, dependents };
}

/** Orders each row by the mean position of the nodes on the side swept from; nodes with none there keep theirs. */
function sweep(g: Graph, rows: string[][], down: boolean): void {
  const position = new Map<string, number>();
  const place = (row: string[]) => row.forEach((id, i) => position.set(id, (i + 0.5) / row.length));
  const order = down ? rows.map((_, i) => i) : rows.map((_, i) => rows.length - 1 - i);
  place(rows[order[0]]);
  for (const r of order.slice(1)) {
    const row = rows[r];
    const key = new Map<string, number>();
    row.forEach((id, i) => {
      const others = (down ? g.needs : g.dependents).get(id)!.filter((o) => position.has(o));
      key.set(id, others.length ? others.reduce((sum, o) => sum + position.get(o)!, 0) / others.length : (i + 0.5) / row.length);
    });
    row.sort((a, b) => key.get(a)! - key.get(b)!);
    place(row);
  }
}

/**
 * The x of each card of a row, in order, at least a step apart, as near as can be to the wanted x (least squares):
 * subtracting each card's index times the step makes the constraint "non-decreasing", which pooling adjacent
 * violators solves exactly.
 */
function placeRow(wanted: readonly number[]): number[] {
  const blocks: { sum: number; count: number }[] = [];
  for (let i = 0; i < wanted.length; i++) {
    blocks.push({ sum: wanted[i] - i * STEP, count: 1 });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1];
      const before = blocks[blocks.length - 2];
      if (before.sum / before.count <= last.sum / last.count) break;
      before.sum += last.sum;
      before.count += last.count;
      blocks.pop();
    }
  }
  const out: number[] = [];
  for (const b of blocks) for (let k = 0; k < b.count; k++) out.push(b.sum / b.count + out.length * STEP);
  return out;
}

/** Moves each row's cards towards the mean x of their neighbours on the side swept from. */
function align(g: Graph, rows: string[][], x: Map<string, number>, down: boolean): void {
  const order = down ? rows.map((_, i) => i) : rows.map((_, i) => rows.length - 1 - i);
  for (const r of order) {
    const row = rows[r];
    const wanted = row.map((id) => {
      const others = (down ? g.needs : g.dependents).get(id)!.filter((o) => g.layer.get(o) !== r);
      return others.length ? others.reduce((sum, o) => sum + x.get(o)!, 0) / others.length : x.get(id)!;
    });
    placeRow(wanted).forEach((value, i) => x.set(row[i], value));
  }
}

/**
 * The fast layout. With a previous layout, each row keeps the order its nodes had there (new nodes go by their
 * neighbours), so that an edit never reshuffles a graph too big for dagre.
 */
export function fastLayout(nodes: readonly LayoutNode[], previous?: LayoutResult): LayoutResult {
  if (nodes.length === 0) return { positions: {}, layers: {}, width: 0, height: 0 };
  const g = graphOf(nodes);
  const rows = g.rows.map((r) => [...r]);
  if (previous) {
    sweep(g, rows, true);
    const kept = (id: string) => previous.positions[id]?.x;
    for (const row of rows) {
      // New nodes stay where the sweep put them relative to their kept neighbours in the row.
      const anchors = row.map((id, i) => kept(id) ?? (i > 0 ? (kept(row[i - 1]) ?? -Infinity) : -Infinity));
      const index = new Map(row.map((id, i) => [id, i]));
      row.sort((a, b) => anchors[index.get(a)!] - anchors[index.get(b)!] || index.get(a)! - index.get(b)!);
    }
  } else for (let i = 0; i < SWEEPS; i++) sweep(g, rows, i % 2 === 0);
  const widest = Math.max(...rows.map((r) => r.length));
  const x = new Map<string, number>();
  for (const row of rows) row.forEach((id, i) => x.set(id, (i - (row.length - 1) / 2) * STEP + ((widest - 1) / 2) * STEP));
  align(g, rows, x, true);
  align(g, rows, x, false);
  align(g, rows, x, true);
  let left = Infinity;
  let right = -Infinity;
  for (const v of x.values()) [left, right] = [Math.min(left, v), Math.max(right, v)];
  const positions: LayoutResult['positions'] = {};
  const layers: LayoutResult['layers'] = {};
  rows.forEach((row, r) =>
    row.forEach((id) => {
      positions[id] = { x: Math.round(x.get(id)! - left), y: r * (CARD_HEIGHT + RANK_SEP) };
      layers[id] = r;
    }),
  );
  return { positions, layers, width: Math.round(right - left) + CARD_WIDTH, height: rows.length * (CARD_HEIGHT + RANK_SEP) - RANK_SEP };
}
