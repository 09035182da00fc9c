// Where a graph sits in its pane when fitted. Fitting keeps cards readable: a graph too big to fit at a readable zoom
// fills the pane's width and starts at its top, and the rest is a scroll away.

/** The smallest zoom at which a card's text is still readable. */
export const READABLE_ZOOM = 0.6;
/** The margin kept between the graph and the pane's edges. */
export const FIT_PAD = 24;
/**
 * The margin at the pane's left, where the zoom buttons float (React Flow's 15 px from the edge, 26 px wide, and a
 * gap): a fitted graph starts to their right, so that no card is under them.
 */
export const FIT_PAD_LEFT = 52;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/**
 * The viewport that fits a layout of this size in a pane of this size: whole and centred when it fits at a readable
 * zoom (never magnified), else as wide as the pane (at a readable zoom at least) from its top. From the layout's own
 * bounds (positions start at 0, 0), not the cards measured: a card just added is not measured yet.
 */
export function fittedViewport(layout: { width: number; height: number }, width: number, height: number): Viewport {
  const room = width - FIT_PAD_LEFT - FIT_PAD;
  const byWidth = room / layout.width;
  const whole = Math.min(1, byWidth, (height - 2 * FIT_PAD) / layout.height);
  // Centred in the room between the margins.
  const centredX = (zoom: number) => FIT_PAD_LEFT + (room - layout.width * zoom) / 2;
  if (whole >= READABLE_ZOOM) {
    // A little smaller than fills the pane, but never below readable: at `whole` it fits already.
    const zoom = Math.max(READABLE_ZOOM, Math.min(1, whole / 1.12));
    return { x: centredX(zoom), y: (height - layout.height * zoom) / 2, zoom };
  }
  const zoom = Math.max(READABLE_ZOOM, Math.min(1, byWidth));
  return { x: Math.max(FIT_PAD_LEFT, centredX(zoom)), y: FIT_PAD, zoom };
}

/** Whether two viewports draw the same (to half a pixel). */
export const sameViewport = (a: Viewport, b: Viewport): boolean => Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5 && Math.abs(a.zoom - b.zoom) < 1e-4;
