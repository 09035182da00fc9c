// What every layout shares, and the simple layout used when dagre cannot run. No dagre here, so that the panel's
// main bundle can use it without carrying the layout library (which runs in the layout worker).

export const CARD_WIDTH = 240;
export const CARD_HEIGHT = 92;
export const NODE_SEP = 36;
export const RANK_SEP = 48;

/** Graphs with more nodes than this keep the fast layout. */
export const REFINE_UP_TO = 2000;

export interface LayoutNode {
  id: string;
  needs: readonly string[];
}

export interface LayoutResult {
  /** Top-left corner of each card. */
  positions: Record<string, { x: number; y: number }>;
  /** Each node's layer as drawn: 0 for the top row. */
  layers: Record<string, number>;
  width: number;
  height: number;
}

/** What decides the layout: node ids and edges. When it is unchanged, an edit keeps every position. */
export function structureKey(nodes: readonly LayoutNode[]): string {
  return nodes.map((n) => `${n.id}<${n.needs.join(',')}`).join('\n');
}

/** A short digest of the structure key (FNV-1a, 32 bits, and the key's length), to name a kept layout by. */
export function structureHash(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return `${key.length.toString(36)}-${(h >>> 0).toString(36)}`;
}

/** Whether a layout places every node, so that it can be drawn as it is. */
export function placesAll(layout: LayoutResult, nodes: readonly LayoutNode[]): boolean {
  return nodes.every((n) => layout.positions[n.id] && layout.layers[n.id] !== undefined);
}

/** Layers by longest path from the sources; nodes on cycles get the layer after the deepest node they reach. */
export function layersOf(nodes: readonly LayoutNode[]): Map<string, number> {
  const ids = new Set(nodes.map((n) => n.id));
  const needs = new Map(nodes.map((n) => [n.id, n.needs.filter((d) => ids.has(d) && d !== n.id)]));
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (root: string): number => {
    // Iterative post-order, so that a chain of thousands of nodes does not overflow the stack.
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    visiting.add(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const deps = needs.get(top.id)!;
      if (top.next < deps.length) {
        const d = deps[top.next++];
        if (!layer.has(d) && !visiting.has(d)) {
          visiting.add(d);
          stack.push({ id: d, next: 0 });
        }
        continue;
      }
      stack.pop();
      visiting.delete(top.id);
      let l = 0;
      for (const d of deps) if (layer.has(d)) l = Math.max(l, layer.get(d)! + 1);
      layer.set(top.id, l);
    }
    return layer.get(root)!;
  };
  for (const n of nodes) if (!layer.has(n.id)) depth(n.id);
  return layer;
}

/** The layout when dagre cannot make one: each layer a row, in file order. */
export function gridLayout(nodes: readonly LayoutNode[], layers: ReadonlyMap<string, number>): LayoutResult {
  const columns = new Map<number, number>();
  const positions: LayoutResult['positions'] = {};
  let width = 0;
  let height = 0;
  for (const n of nodes) {
    const layer = layers.get(n.id) ?? 0;
    const column = columns.get(layer) ?? 0;
    columns.set(layer, column + 1);
    positions[n.id] = { x: column * (CARD_WIDTH + NODE_SEP), y: layer * (CARD_HEIGHT + RANK_SEP) };
    width = Math.max(width, positions[n.id].x + CARD_WIDTH);
    height = Math.max(height, positions[n.id].y + CARD_HEIGHT);
  }
  return { positions, layers: Object.fromEntries(layers), width, height };
}
