/**
 * Past this many nodes a graph is big, and the panel spares the page while a run streams: nothing on the graph moves
 * (running edges and spinners are drawn still), and live events redraw it a few times a second instead of every
 * frame. Each moving thing repaints its layer every frame and each redraw restyles the cards; with a big graph that
 * was most of the page's work, and in a browser-hosted editor the workbench shares the page's thread.
 */
export const BIG_GRAPH_ABOVE = 150;

/** How far apart live events redraw a big graph. */
export const BIG_GRAPH_REDRAW_MS = 250;

export const isBigGraph = (nodes: number): boolean => nodes > BIG_GRAPH_ABOVE;
