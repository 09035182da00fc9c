import type { LayoutNode, LayoutResult } from './grid';

/** Panel → layout worker. */
export interface LayoutRequest {
  id: number;
  nodes: LayoutNode[];
  previous?: LayoutResult;
}

/**
 * Layout worker → panel. A request may be answered twice: a fast layout to paint at once (`final: false`), then
 * dagre's refinement of it.
 */
export type LayoutReply = { id: number; result: LayoutResult; final: boolean } | { id: number; error: string };
