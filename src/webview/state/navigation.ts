// Keyboard navigation between the cards of the graph. Pure.
import type { LayoutNode, LayoutResult } from '../layout/grid';
import type { DagGraph } from '../protocol';

export type Direction = 'up' | 'down' | 'left' | 'right';

/**
 * The node an arrow key moves to from `from`: up to a node it needs, down to a node that needs it (the one nearest
 * in x), left and right to the nearest node in the same layer. With nothing selected, the first node of the file.
 */
export function neighbourOf(units: readonly LayoutNode[], layout: LayoutResult, from: string | null, direction: Direction): string | null {
  const placed = units.filter((n) => layout.positions[n.id]);
  if (placed.length === 0) return null;
  const at = from ? layout.positions[from] : undefined;
  if (!from || !at) return placed[0].id;
  const nearest = (ids: readonly string[]) => {
    let best: string | null = null;
    let bestDistance = Infinity;
    for (const id of ids) {
      const p = layout.positions[id];
      if (!p) continue;
      const d = Math.abs(p.x - at.x) + Math.abs(p.y - at.y) / 1000;
      if (d < bestDistance) [best, bestDistance] = [id, d];
    }
    return best;
  };
  const self = units.find((n) => n.id === from);
  switch (direction) {
    case 'up':
      return nearest(self?.needs ?? []) ?? from;
    case 'down':
      return nearest(units.filter((n) => n.needs.includes(from)).map((n) => n.id)) ?? from;
    case 'left':
    case 'right': {
      const layer = layout.layers[from];
      const sameLayer = placed.filter((n) => n.id !== from && layout.layers[n.id] === layer).map((n) => n.id);
      const side = sameLayer.filter((id) => (direction === 'left' ? layout.positions[id].x < at.x : layout.positions[id].x > at.x));
      return nearest(side) ?? from;
    }
  }
}

/** Nodes whose id or label contains the text (case-insensitive), in file order. */
export function searchNodes(graph: DagGraph | undefined, text: string): string[] {
  const needle = text.trim().toLowerCase();
  if (!graph || !needle) return [];
  return graph.nodes.filter((n) => n.id.toLowerCase().includes(needle) || n.label.toLowerCase().includes(needle)).map((n) => n.id);
}

/** A colour per phase, in order of first appearance, from the theme's chart colours. */
export const PHASE_PALETTE = ['blue', 'purple', 'green', 'orange', 'yellow', 'red'] as const;

export function phaseColours(graph: DagGraph | undefined): Map<string, string> {
  const colours = new Map<string, string>();
  for (const n of graph?.nodes ?? []) {
    if (n.phase !== undefined && !colours.has(n.phase)) colours.set(n.phase, `var(--vscode-charts-${PHASE_PALETTE[colours.size % PHASE_PALETTE.length]})`);
  }
  return colours;
}
