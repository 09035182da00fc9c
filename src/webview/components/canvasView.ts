// Where the graph is in view: fitted (see ../layout/fit.ts) until the user moves it (the wheel scrolls; Ctrl+wheel
// zooms), and moved to a node that must be seen.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type MutableRefObject, type RefObject } from 'react';
import { useReactFlow, useStoreApi, type ReactFlowInstance, type Viewport } from 'reactflow';
import type { Controller } from '../controller';
import { CARD_HEIGHT, CARD_WIDTH } from '../layout/grid';
import { fittedViewport, READABLE_ZOOM, sameViewport } from '../layout/fit';
import type { PanelStore } from '../state/store';

type FlowStore = ReturnType<typeof useStoreApi>;

/** Fits the graph to the pane, as it is now (see ../layout/fit.ts). */
function fitLayout(flow: ReactFlowInstance, flowStore: FlowStore, store: PanelStore, el: HTMLDivElement | null, duration: number): Viewport | undefined {
  const layout = store.getState().layout;
  if (!layout || !el) return undefined;
  const { width, height } = el.getBoundingClientRect();
  if (width === 0 || height === 0) return undefined;
  return setViewport(flow, flowStore, fittedViewport(layout, width, height), duration);
}

/**
 * Sets the viewport, and gives back the one set. At once, it is set in React Flow's store, which the frame being
 * drawn now reads (cards that have just arrived are drawn where they stay), and in its zoom, which follows in a
 * transition, even of no length, a tick later. The viewport in place already is not set again: that would draw the
 * graph again for nothing.
 */
function setViewport(flow: ReactFlowInstance, flowStore: FlowStore, viewport: Viewport, duration: number): Viewport {
  if (duration === 0) {
    if (sameViewport(flow.getViewport(), viewport)) return viewport;
    flowStore.setState({ transform: [viewport.x, viewport.y, viewport.zoom] });
  }
  void flow.setViewport(viewport, { duration });
  return viewport;
}

/**
 * The viewport React Flow mounts with; null until the pane is measured. The pane is measured before the graph is in
 * it (a layout of the page without the graph, before anything is painted), so that a graph there from the start (the
 * first state written into the page) is drawn fitted in its first frame, not at the origin and moved a frame later:
 * React Flow draws its first frame with its store's transform, and gives its zoom the default viewport only after.
 */
export function useMountViewport(container: RefObject<HTMLDivElement>, store: PanelStore): { viewport?: Viewport } | null {
  const flowStore = useStoreApi();
  const [mount, setMount] = useState<{ viewport?: Viewport } | null>(null);
  useLayoutEffect(() => {
    if (mount) return;
    const layout = store.getState().layout;
    const pane = container.current?.getBoundingClientRect();
    const viewport = layout && pane && pane.width > 0 && pane.height > 0 ? fittedViewport(layout, pane.width, pane.height) : undefined;
    if (viewport) flowStore.setState({ transform: [viewport.x, viewport.y, viewport.zoom] });
    setMount({ viewport });
  }, [mount, container, store, flowStore]);
  return mount;
}

/** Brings a node into view when it is off screen, judged from the viewport given (one just set) or the current one. */
function useFocusNode(flow: ReactFlowInstance, store: PanelStore, container: RefObject<HTMLDivElement>): (id: string, from?: Viewport) => void {
  return useCallback(
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
}

export function useCanvasView(container: RefObject<HTMLDivElement>, store: PanelStore, controller: Controller): { userMoved: MutableRefObject<boolean> } {
  const flow = useReactFlow();
  const flowStore = useStoreApi();
  /** Whether the user has panned or zoomed: until then, the graph is refitted when the panel is resized. */
  const userMoved = useRef(false);
  const focusNode = useFocusNode(flow, store, container);

  useEffect(() => {
    const fit = (duration = 0) => fitLayout(flow, flowStore, store, container.current, duration);
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
      // The first layout is fitted; one of a graph that grew or shrank too, unless the user has moved the view. At
      // once, from the layout's bounds: the frame that draws the new cards draws them where they stay.
      const fitted = !previous.layout || !userMoved.current ? fit() : undefined;
      const selected = s.selected;
      if (previous.layout && selected) focusNode(selected, fitted);
    });
    return () => {
      observer.disconnect();
      unsubscribe();
    };
  }, [controller, flow, flowStore, store, container, focusNode]);

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
