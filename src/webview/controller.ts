// Wires the host, the store and the layout worker together: host messages into the store (live events once per
// frame), graphs to the layout worker, the panel's state saved for reloads, and the intents components send back.
import { structureKey } from './layout/grid';
import { LayoutClient } from './layout/layoutClient';
import type { HostMessage, RunControl } from './protocol';
import { FrameBatcher } from './state/frameBatcher';
import type { PanelStore } from './state/store';
import type { EngineEvent } from '../engine/protocol';
import { readyMessage, type Host } from './vscodeApi';
import { isActiveRun } from '../engine/runRules';

export interface Controller {
  /** Shows a node's definition in the editor. */
  reveal(nodeId: string): void;
  /** Shows a run; null: follow the latest. */
  chooseRun(runId: string | null): void;
  control(action: RunControl): Promise<void>;
  retryNode(nodeId: string): Promise<void>;
  approve(nodeId: string, approved: boolean): Promise<void>;
  openLog(nodeId: string): Promise<void>;
  openArtifact(nodeId: string, path: string): Promise<void>;
  copy(text: string): Promise<void>;
  /** Loads the last lines of a node instance's log, if the panel has none of it yet. */
  loadLogTail(instanceId: string): Promise<void>;
  /** Asks the canvas to bring a node into view (set by the canvas). */
  focusNode: (nodeId: string) => void;
  /** Fits the whole graph in view, and keeps it fitted as the panel is resized (set by the canvas). */
  fitView: () => void;
  dispose(): void;
}

export function startController(store: PanelStore, host: Host): Controller {
  const layouts = new LayoutClient((problem) => store.getState().setNotice(`${problem}: the graph is drawn with a simple layout`));
  const events = new FrameBatcher<EngineEvent>(
    (batch) => store.getState().applyEvents(batch),
    (cb) => requestAnimationFrame(() => cb()),
  );
  const saved = host.savedState();
  // The workflow's URI is saved first of all: a reload that comes before `init` still restores the panel.
  const workflowUri = saved.workflowUri ?? document.querySelector('meta[name="maestro-workflow"]')?.getAttribute('content') ?? undefined;
  if (workflowUri && !saved.workflowUri)
    host.saveState({
      workflowUri,
      runId: saved.runId ?? null,
      selected: saved.selected ?? null,
      bottomTab: saved.bottomTab ?? 'timeline',
      bottomOpen: saved.bottomOpen ?? true,
    });
  store.setState({
    runChoice: saved.runId ?? null,
    selected: saved.selected ?? null,
    ...(saved.bottomTab ? { bottomTab: saved.bottomTab } : {}),
    ...(saved.bottomOpen !== undefined ? { bottomOpen: saved.bottomOpen } : {}),
  });

  let layoutInFlight = false;
  const layoutIfNeeded = () => {
    const { graph, layoutKey, layout } = store.getState();
    if (!graph || layoutInFlight) return;
    const nodes = graph.nodes.map((n) => ({ id: n.id, needs: n.needs }));
    const key = structureKey(nodes);
    if (key === layoutKey) return;
    layoutInFlight = true;
    performance.mark('maestro:layout-requested');
    void layouts.layout(nodes, layout).then((result) => {
      performance.mark('maestro:layout-done');
      layoutInFlight = false;
      store.getState().setLayout(key, result);
      // The graph may have changed while the worker was busy: lay out the newest one.
      layoutIfNeeded();
    });
  };

  const onMessage = (m: HostMessage) => {
    const s = store.getState();
    switch (m.type) {
      case 'init':
        s.setWorkflow({ uri: m.workflow.uri, name: m.workflow.name }, m.trusted);
        s.setGraph(m.graph, m.graphError);
        s.setRuns(m.runs);
        if (m.selected !== undefined) s.select(m.selected);
        break;
      case 'graph':
        s.setGraph(m.graph, m.graphError);
        break;
      case 'runs':
        s.setRuns(m.runs);
        break;
      case 'runSnapshot':
        events.clear();
        s.setRunChoice(m.following ? null : (m.runId ?? null));
        s.loadRun(m.runId, m.events);
        break;
      case 'runEvents':
        if (m.runId === s.run?.runId) events.push(m.events);
        break;
      case 'select':
        if (m.nodeId !== s.selected) {
          s.select(m.nodeId);
          if (m.nodeId) controller.focusNode(m.nodeId);
        }
        break;
      case 'trust':
        s.setTrusted(m.trusted);
        break;
      case 'reply':
        break;
    }
  };

  const unlisten = host.listen(onMessage, (raw) =>
    store.getState().setNotice(`ignored a message the panel does not understand: ${JSON.stringify(raw).slice(0, 120)}`),
  );
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.graph !== previous.graph) layoutIfNeeded();
    if (
      state.runChoice !== previous.runChoice ||
      state.selected !== previous.selected ||
      state.bottomTab !== previous.bottomTab ||
      state.bottomOpen !== previous.bottomOpen ||
      state.workflow !== previous.workflow
    ) {
      host.saveState({
        workflowUri: state.workflow?.uri ?? workflowUri,
        runId: state.runChoice,
        selected: state.selected,
        bottomTab: state.bottomTab,
        bottomOpen: state.bottomOpen,
      });
    }
  });
  // Live durations tick while the run shown is going.
  const clock = setInterval(() => {
    const status = store.getState().run?.status;
    if (status !== undefined && isActiveRun(status)) store.getState().setNow(Date.now());
  }, 1000);

  const runId = () => store.getState().run?.runId;
  const needRun = () => {
    const id = runId();
    if (!id) throw new Error('no run is shown');
    return id;
  };
  const controller: Controller = {
    reveal: (nodeId) => host.post({ type: 'reveal', nodeId }),
    chooseRun(choice) {
      store.getState().setRunChoice(choice);
      host.post({ type: 'selectRun', runId: choice });
    },
    control: async (action) => void (await host.request('control', { action, ...(runId() ? { runId: runId() } : {}) })),
    retryNode: async (nodeId) => void (await host.request('retryNode', { runId: needRun(), nodeId })),
    approve: async (nodeId, approved) => void (await host.request('approve', { runId: needRun(), nodeId, approved })),
    openLog: async (nodeId) => void (await host.request('openLog', { runId: needRun(), nodeId })),
    openArtifact: async (nodeId, path) => void (await host.request('openArtifact', { runId: needRun(), nodeId, path })),
    copy: async (text) => void (await host.request('copy', { text })),
    async loadLogTail(instanceId) {
      const run = runId();
      if (!run) return;
      const before = store.getState().liveLogLines(instanceId);
      const { lines } = await host.request('logTail', { runId: run, nodeId: instanceId });
      if (runId() === run) store.getState().seedLogTail(instanceId, lines, before);
    },
    focusNode: () => undefined,
    fitView: () => undefined,
    dispose() {
      unlisten();
      unsubscribe();
      clearInterval(clock);
      layouts.dispose();
    },
  };
  host.post(readyMessage(store.getState().runChoice));
  return controller;
}
