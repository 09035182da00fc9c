// Which layouts a graph gets, in order. Dagre's crossing minimization is the best layout but costs about a second
// per thousand nodes, so a big graph is painted first with the fast layout and refined after; past a size where
// dagre would take many seconds, the fast layout is the layout. Pure, and free of dagre: the panel's own script
// decides with it too (see layoutClient.ts).
import { isBigGraph } from '../state/bigGraph';
import { REFINE_UP_TO } from './grid';

export type LayoutPlan = 'fast' | 'dagre' | 'fastThenDagre';

/** An edit (a previous layout to keep close to) goes straight to dagre where dagre may run: the cards move once. */
export function layoutPlan(nodes: number, edit: boolean): LayoutPlan {
  if (nodes > REFINE_UP_TO) return 'fast';
  return edit || !isBigGraph(nodes) ? 'dagre' : 'fastThenDagre';
}
