// When the panel lays its graph out, and with what: the layout kept from the last time, one made lately for the same
// structure, or the layout worker's.
import { placesAll, structureHash, structureKey, type LayoutResult } from './layout/grid';
import type { LayoutClient } from './layout/layoutClient';
import { RecentLayouts } from './layout/recentLayouts';
import type { KeptLayout } from './protocol';
import { isBigGraph } from './state/bigGraph';
import type { PanelState, PanelStore } from './state/store';
import type { Host } from './vscodeApi';

/** How long the edits of a big graph pause before it is laid out again. */
const EDIT_QUIET_MS = 300;

export interface LayoutScheduler {
  /** Lays out the graph shown if its structure has no layout yet. */
  layoutIfNeeded: () => void;
  /** The layout the host kept for this workflow, to draw at once if the structure is the same. */
  offerKept: (kept: KeptLayout) => void;
}

/**
 * Lays out each new structure in the worker, one at a time, the newest last. The panel's first layout is the one
 * the host kept from the last time, when it was made for the same structure; a structure laid out lately (an edit
 * undone) gets its layout back at once; a big graph's final layout is sent to the host to keep.
 */
export function layoutScheduler(store: PanelStore, layouts: LayoutClient, host: Host): LayoutScheduler {
  const recent = new RecentLayouts();
  let inFlight = false;
  let kept: KeptLayout | undefined;
  let quietKey: string | undefined;
  let quiet: ReturnType<typeof setTimeout> | undefined;
  let laidOutGraph: PanelState['graph'];
  let busy = false;
  const currentKey = () => structureKey(store.getState().view.units);
  const stopWaiting = () => {
    clearTimeout(quiet);
    quiet = undefined;
    quietKey = undefined;
  };
  // For the speed measurements: when a layout is waited for or made, and when nothing is any more.
  const noteBusy = () => {
    const now = inFlight || quiet !== undefined;
    if (now !== busy) performance.mark(now ? 'maestro:layout-busy' : 'maestro:layout-idle');
    busy = now;
  };
  const layoutIfNeeded = () => {
    plan();
    noteBusy();
  };
  const plan = () => {
    const { graph, view, layoutKey, layout } = store.getState();
    if (!graph || inFlight) return;
    const nodes = view.units;
    const key = structureKey(nodes);
    if (key === layoutKey) return;
    const edited = layout !== undefined && graph !== laidOutGraph;
    laidOutGraph = graph;
    const known = recent.get(key);
    if (known) {
      stopWaiting();
      performance.mark('maestro:layout-recalled');
      return store.getState().setLayout(key, known);
    }
    if (edited && isBigGraph(nodes.length) && key !== quietKey) {
      // An edit of a big graph is laid out once the edits pause: dagre takes about a second on 1,000 nodes, and
      // laying out after every keystroke took that from the editor validating them, on a machine of two cores.
      stopWaiting();
      quietKey = key;
      quiet = setTimeout(() => {
        quiet = undefined;
        layoutIfNeeded();
      }, EDIT_QUIET_MS);
      return;
    }
    const hash = structureHash(key);
    if (!layout && kept?.key === hash && placesAll(kept.layout, nodes)) {
      performance.mark('maestro:layout-kept');
      // Remembered as a layout made here: the structure comes back at once after an edit undone.
      recent.remember(key, kept.layout);
      return store.getState().setLayout(key, kept.layout);
    }
    inFlight = true;
    performance.mark('maestro:layout-requested');
    const early = (result: LayoutResult) => {
      performance.mark('maestro:layout-done');
      store.getState().setLayout(key, result);
    };
    void layouts.layout(nodes, layout, early).then((result) => {
      performance.mark('maestro:layout-done');
      inFlight = false;
      recent.remember(key, result);
      if (isBigGraph(nodes.length)) host.post({ type: 'keepLayout', key: hash, layout: result });
      // The graph may have changed while the worker was busy: its newest structure is drawn (from the recent
      // layouts, without this one in between) or laid out next.
      const now = currentKey();
      if (now === key || !recent.get(now)) store.getState().setLayout(key, result);
      layoutIfNeeded();
    });
  };
  return { layoutIfNeeded, offerKept: (k) => (kept = k) };
}
