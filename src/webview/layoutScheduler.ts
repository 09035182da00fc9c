// When the panel lays its graph out, and with what: the layout kept from the last time, one made lately for the same
// structure, or the layout worker's.
import { placesAll, structureHash, structureKey, type LayoutResult } from './layout/grid';
import type { LayoutClient } from './layout/layoutClient';
import { RecentLayouts } from './layout/recentLayouts';
import type { KeptLayout, WebviewMessage } from './protocol';
import { isBigGraph } from './state/bigGraph';
import type { PanelState, PanelStore } from './state/store';

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
export function layoutScheduler(store: PanelStore, layouts: LayoutClient, host: { post(message: WebviewMessage): void }): LayoutScheduler {
  const recent = new RecentLayouts();
  /** The layout the worker is making, and for which workflow: another workflow's does not hold up the one shown. */
  let inFlight: { workflow: string | undefined } | undefined;
  const busy = () => inFlight !== undefined && inFlight.workflow === store.getState().workflow?.uri;
  let kept: KeptLayout | undefined;
  let laidOutGraph: PanelState['graph'];
  const currentKey = () => structureKey(store.getState().view.units);
  const pause = editPause(() => layoutIfNeeded());
  const noteBusy = busyMarks();
  const layoutIfNeeded = () => {
    plan();
    noteBusy(busy() || pause.pending());
  };
  const plan = () => {
    const { graph, view, layoutKey, layout } = store.getState();
    if (!graph || busy()) return;
    const nodes = view.units;
    const key = structureKey(nodes);
    if (key === layoutKey) return;
    const edited = layout !== undefined && graph !== laidOutGraph;
    laidOutGraph = graph;
    const known = recent.get(key);
    if (known) {
      pause.stop();
      performance.mark('maestro:layout-recalled');
      return store.getState().setLayout(key, known);
    }
    if (edited && isBigGraph(nodes.length) && !pause.waitsFor(key)) {
      // An edit of a big graph is laid out once the edits pause: dagre takes about a second on 1,000 nodes, and
      // laying out after every keystroke took that from the editor validating them, on a machine of two cores.
      return pause.start(key);
    }
    const hash = structureHash(key);
    if (!layout && kept?.key === hash && placesAll(kept.layout, nodes)) {
      performance.mark('maestro:layout-kept');
      // Remembered as a layout made here: the structure comes back at once after an edit undone.
      recent.remember(key, kept.layout);
      return store.getState().setLayout(key, kept.layout);
    }
    const mine = { workflow: store.getState().workflow?.uri };
    inFlight = mine;
    performance.mark('maestro:layout-requested');
    const sameWorkflow = () => store.getState().workflow?.uri === mine.workflow;
    const early = (result: LayoutResult) => {
      performance.mark('maestro:layout-done');
      if (sameWorkflow()) store.getState().setLayout(key, result);
    };
    void layouts.layout(nodes, layout, early).then((result) => {
      performance.mark('maestro:layout-done');
      if (inFlight === mine) inFlight = undefined;
      recent.remember(key, result);
      // The panel moved to another workflow meanwhile: this one's layout is neither drawn nor kept for it.
      if (!sameWorkflow()) return layoutIfNeeded();
      if (isBigGraph(nodes.length) && mine.workflow) host.post({ type: 'keepLayout', workflowUri: mine.workflow, key: hash, layout: result });
      // The graph may have changed while the worker was busy: its newest structure is drawn (from the recent
      // layouts, without this one in between) or laid out next.
      const now = currentKey();
      if (now === key || !recent.get(now)) store.getState().setLayout(key, result);
      layoutIfNeeded();
    });
  };
  return { layoutIfNeeded, offerKept: (k) => (kept = k) };
}

/** The wait for the edits of a big graph to pause, for the structure they made last. */
function editPause(onPause: () => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waitedFor: string | undefined;
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
    waitedFor = undefined;
  };
  return {
    start(key: string) {
      stop();
      waitedFor = key;
      timer = setTimeout(() => {
        timer = undefined;
        onPause();
      }, EDIT_QUIET_MS);
    },
    stop,
    /** Whether the structure is the one the pause was for (once it is over, it is laid out). */
    waitsFor: (key: string) => waitedFor === key,
    pending: () => timer !== undefined,
  };
}

/** For the speed measurements: marks when a layout starts being waited for or made, and when nothing is any more. */
function busyMarks(): (busy: boolean) => void {
  let was = false;
  return (busy) => {
    if (busy !== was) performance.mark(busy ? 'maestro:layout-busy' : 'maestro:layout-idle');
    was = busy;
  };
}
