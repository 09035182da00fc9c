// Which layouts a graph gets, in order. Dagre's crossing minimization is the best layout but costs about a second
// per thousand nodes, so a big graph is painted first with the fast layout and refined after; past a size where
// dagre would take many seconds, the fast layout is the layout. Pure.
import { fastLayout } from './fastLayout';
import { isBigGraph } from '../state/bigGraph';
import { REFINE_UP_TO, type LayoutNode, type LayoutResult } from './grid';
import { layoutGraph } from './layout';

export interface LayoutStage {
  final: boolean;
  run(): LayoutResult;
}

/**
 * The stages of a graph's layout. An edit (a previous layout given) goes straight to dagre where dagre may run,
 * so that the cards move once, not twice.
 */
export function layoutStages(nodes: readonly LayoutNode[], previous?: LayoutResult): LayoutStage[] {
  const refine = nodes.length <= REFINE_UP_TO;
  const fast: LayoutStage = { final: !refine, run: () => fastLayout(nodes, previous) };
  const full: LayoutStage = { final: true, run: () => layoutGraph(nodes, previous) };
  if (!refine) return [fast];
  if (previous || !isBigGraph(nodes.length)) return [full];
  return [fast, full];
}
