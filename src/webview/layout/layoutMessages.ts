import type { LayoutNode, LayoutResult } from './grid';

/** Panel → layout worker. `fastOnPage`: the panel has painted the fast layout itself; only the final one is wanted. */
export interface LayoutRequest {
  id: number;
  nodes: LayoutNode[];
  previous?: LayoutResult;
  fastOnPage?: boolean;
}

/**
 * Layout worker → panel. A request may be answered twice: a fast layout to paint at once (`final: false`), then
 * dagre's refinement of it.
 */
export type LayoutReply = { id: number; result: LayoutResult; final: boolean } | { id: number; error: string };
