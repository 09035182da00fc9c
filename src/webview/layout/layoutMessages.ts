import type { LayoutNode, LayoutResult } from './grid';

/** Panel → layout worker. */
export interface LayoutRequest {
  id: number;
  nodes: LayoutNode[];
  previous?: LayoutResult;
}

/** Layout worker → panel. */
export type LayoutReply = { id: number; result: LayoutResult } | { id: number; error: string };
