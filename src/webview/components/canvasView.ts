// Where the graph is in view. Fitting keeps cards readable: a graph too big to fit at a readable zoom fills the
// panel's width and starts at its top, and the rest is a scroll away (the wheel scrolls; Ctrl+wheel zooms).
import { useCallback, useEffect, useRef, type MutableRefObject, type RefObject } from 'react';
import { useReactFlow, type ReactFlowInstance, type Viewport } from 'reactflow';
import type { Controller } from '../controller';
import { CARD_HEIGHT, CARD_WIDTH } from '../layout/grid';
import type { PanelStore } from '../state/store';

/** The smallest zoom at which a card's text is still readable. */
export const READABLE_ZOOM = 0.6;
const PAD = 24;

/**
 * Fits the graph: whole when it fits at a readable zoom, else as wide as the panel from its top. From the layout's
 * own bounds (positions start at 0, 0): a card just added is not measured yet.
 */
function fitLayout(flow: ReactFlowInstance, store: PanelStore, el: HTMLDivElement | null, duration: number): Viewport | undefined {
  const layout = store.getState().layout;
  if (!layout || !el) return undefined;
  const { width, height } = el.getBoundingClientRect();
  if (width === 0 || height === 0) return undefined;
  const byWidth = (width - 2 * PAD) / layout.width;
  const whole = Math.min(1, byWidth, (height - 2 * PAD) / layout.height);
  if (whole >= READABLE_ZOOM) {
    const zoom = Math.min(1, whole / 1.12);
    return setViewport(flow, { x: (width - layout.width * zoom) / 2, y: (height - layout.height * zoom) / 2, zoom }, duration);
  }
  const zoom = Math.max(READABLE_ZOOM, Math.min(1, byWidth));
  const x = Math.max(PAD, (width - layout.width * zoom) / 2);
  return setViewport(flow, { x, y: PAD, zoom }, duration);
}

/** Sets the viewport; the one set, as React Flow applies it in a transition that has not run yet. */
function setViewport(flow: ReactFlowInstance, viewport: Viewport, duration: number): Viewport {
  void flow.setViewport(viewport, { duration });
  return viewport;
}

export function useCanvasView(container: RefObject<HTMLDivElement>, store: PanelStore, controller: Controller): { userMoved: MutableRefObject<boolean> } {
  const flow = useReactFlow();
  /** Whether the user has panned or zoomed: until then, the graph is refitted when the panel is resized. */
  const userMoved = useRef(false);
  /** Brings a node into view when it is off screen, judged from the viewport given (one just set) or the current one. */
  const focusNode = useCallback(
    (id: string, from?: Viewport) => {
      const p = store.getState().layout?.positions[id];
      const pane = container.current;
      if (!p || !pane) return;
      const { x, y, zoom } = from ?? flow.getViewport();
      const left = -x / zoom;
      const top = -y / zoom;
      const { width, height } = pane.getBoundingClientRect();
      const inView = p.x >= left && p.y >= top && p.x + CARD_WIDTH <= left + width / zoom && p.y + CARD_HEIGHT <= top + height / zoom;
      if (!inView) flow.setCenter(p.x + CARD_WIDTH / 2, p.y + CARD_HEIGHT / 2, { zoom: Math.max(zoom, READABLE_ZOOM), duration: 250 });
    },
    [flow, store, container],
  );

  useEffect(() => {
    const fit = (duration = 0) => fitLayout(flow, store, container.current, duration);
    controller.fitView = () => {
      userMoved.current = false;
      fit(200);
    };
    const el = container.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      if (userMoved.current) return;
      const fitted = fit();
      // The details opening (or the panel narrowing) must not hide the node they are about.
      const selected = store.getState().selected;
      if (selected) focusNode(selected, fitted);
    });
    observer.observe(el);
    const unsubscribe = store.subscribe((s, previous) => {
      // Another workflow is fitted as a first graph is, however the last one was moved.
      if (s.workflow?.uri !== previous.workflow?.uri) userMoved.current = false;
      if (s.layout === previous.layout) return;
      // The first layout is fitted; one of a graph that grew or shrank too, unless the user has moved the view.
      // After the frame that gives React Flow the new nodes: it fits what it has.
      requestAnimationFrame(() => {
        const fitted = !previous.layout || !userMoved.current ? fit() : undefined;
        const selected = store.getState().selected;
        if (previous.layout && selected) focusNode(selected, fitted);
      });
    });
    return () => {
      observer.disconnect();
      unsubscribe();
    };
  }, [controller, flow, store, container, focusNode]);

  // Brings a node into view when it is off screen (the editor's cursor moved to it, or a search found it).
  useEffect(() => {
    controller.focusNode = (id: string) => focusNode(id);
    controller.focusCanvas = () => container.current?.focus();
  }, [controller, container, focusNode]);

  // The selected node stays in view when it becomes selected (a node the builder added, say); a new layout that
  // moves it is followed above.
  useEffect(
    () =>
      store.subscribe((s, previous) => {
        if (s.selected && s.selected !== previous.selected) controller.focusNode(s.selected);
      }),
    [store, controller],
  );
  return { userMoved };
}
