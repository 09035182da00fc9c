/**
 * Past this many nodes a graph is big. Its first paint uses the fast layout before dagre's, its final layout is kept
 * for the next time, and its edits are laid out once they pause (dagre takes about a second per thousand nodes).
 * While a run streams, nothing on it moves (running edges and spinners are drawn still) and live events redraw it
 * a few times a second instead of every frame: each moving thing repaints its layer every frame and each redraw
 * restyles the cards, most of the page's work with a big graph, and in a browser-hosted editor the workbench shares
 * the page's thread.
 */
export const BIG_GRAPH_ABOVE = 150;

/** How far apart live events redraw a big graph. */
export const BIG_GRAPH_REDRAW_MS = 250;

export const isBigGraph = (nodes: number): boolean => nodes > BIG_GRAPH_ABOVE;

/** How far apart the host sends a run's live events to a panel: a frame. */
export const LIVE_EVENTS_EVERY_MS = 16;

/**
 * How far apart the host sends a run's live events to a panel of this many nodes: a big graph's page redraws only
 * every BIG_GRAPH_REDRAW_MS, and each message costs the thread the workbench shares with it.
 */
export const liveEventsEveryMs = (nodes: number): number => (isBigGraph(nodes) ? BIG_GRAPH_REDRAW_MS : LIVE_EVENTS_EVERY_MS);
