// The layouts the worker makes for a request, in order, as layoutPlan says.
import { fastLayout } from './fastLayout';
import type { LayoutNode, LayoutResult } from './grid';
import { layoutGraph } from './layout';
import { layoutPlan } from './plan';

export interface LayoutStage {
  final: boolean;
  run(): LayoutResult;
}

/** `fastOnPage`: the page painted the fast layout itself, so a plan that starts with it goes straight to dagre. */
export function layoutStages(nodes: readonly LayoutNode[], previous?: LayoutResult, fastOnPage = false): LayoutStage[] {
  const fast = (final: boolean): LayoutStage => ({ final, run: () => fastLayout(nodes, previous) });
  const full: LayoutStage = { final: true, run: () => layoutGraph(nodes, previous) };
  switch (layoutPlan(nodes.length, previous !== undefined)) {
    case 'fast':
      return [fast(true)];
    case 'dagre':
      return [full];
    case 'fastThenDagre':
      return fastOnPage ? [full] : [fast(false), full];
  }
}
