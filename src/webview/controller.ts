// Wires the host, the store and the layout worker together: host messages into the store (live events once per
// frame), graphs to the layout worker, the panel's state saved for reloads, and the intents components send back.
import { LayoutClient } from './layout/layoutClient';
import { startLayoutWorker } from './layout/layoutWorkerBlob';
import { layoutScheduler } from './layoutScheduler';
import { applyGraphPatch } from './graphPatch';
import { feedHistory } from './state/historyFeed';
import type { EditAction } from '../engine/edits/action';
import { FIRST_STATE_ELEMENT, parseFirstState, type FirstState, type HostMessage, type KeptLayout, type RunControl, type WebviewResult } from './protocol';
import { isBigGraph, BIG_GRAPH_REDRAW_MS } from './state/bigGraph';
import { FrameBatcher } from './state/frameBatcher';
import type { PanelStore } from './state/store';
import type { EngineEvent } from '../engine/protocol';
import { readyMessage, type Host } from './vscodeApi';
import { isActiveRun, isRunEvent } from '../engine/runRules';

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
  /** A builder action on the workflow's text; the node it names is selected once done. */
  edit(action: EditAction): Promise<WebviewResult<'edit'>>;
  copyNodes(ids: string[]): Promise<void>;
  pasteNodes(after?: string): Promise<void>;
  insertTemplate(after?: string): Promise<boolean>;
  undo(redo: boolean): Promise<void>;
  openScript(nodeId: string): Promise<void>;
  showInsights(): Promise<void>;
  /** Offers to give back the mutex a node of the shown run waits for. */
  releaseMutex(nodeId: string): Promise<void>;
  /** The workflow files a sub-workflow node may run, as `workflow:` writes them, nearest first. */
  workflowFiles(): Promise<string[]>;
  /** Gives the graph the keyboard focus (set by the canvas). */
  focusCanvas: () => void;
  /** Asks the canvas to bring a node into view (set by the canvas). */
  focusNode: (nodeId: string) => void;
  /** Fits the whole graph in view, and keeps it fitted as the panel is resized (set by the canvas). */
  fitView: () => void;
  dispose(): void;
}

const pageMeta = (name: string): string | undefined => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? undefined;

/**
 * A panel shorter than this (beside an editor, under the workbench's own bottom panel) opens with the timeline
 * folded: its room goes to the details and the graph. Once the user opens or folds it, that choice is kept.
 */
const SHORT_PANEL_HEIGHT = 600;
const bottomOpenByDefault = (): boolean => window.innerHeight >= SHORT_PANEL_HEIGHT;

/**
 * Restores what the panel showed before a reload; saves the workflow's URI and the panel's id at once, so a reload
 * before `init` still restores it.
 */
function restoreSavedState(store: PanelStore, host: Host): string | undefined {
  const saved = host.savedState();
  const workflowUri = saved.workflowUri ?? pageMeta('maestro-workflow');
  const panelId = saved.panelId ?? pageMeta('maestro-panel');
  if ((workflowUri && !saved.workflowUri) || (panelId && !saved.panelId))
    host.saveState({
      ...saved,
      workflowUri,
      ...(panelId ? { panelId } : {}),
      runId: saved.runId ?? null,
      selected: saved.selected ?? null,
      bottomTab: saved.bottomTab ?? 'timeline',
      bottomOpen: saved.bottomOpen ?? bottomOpenByDefault(),
    });
  store.setState({
    // Whose the run and selection below are: an `init` of another workflow (the panel moved while hidden) drops them.
    ...(workflowUri ? { workflow: { uri: workflowUri, name: '' } } : {}),
    runChoice: saved.runId ?? null,
    selected: saved.selected ?? null,
    ...(saved.bottomTab ? { bottomTab: saved.bottomTab } : {}),
    bottomOpen: saved.bottomOpen ?? bottomOpenByDefault(),
  });
  return workflowUri;
}

/** Saves what the panel shows whenever it changes, for the next reload. */
function persistState(store: PanelStore, host: Host, workflowUri: string | undefined): () => void {
  return store.subscribe((state, previous) => {
    const keys = ['runChoice', 'selected', 'bottomTab', 'bottomOpen', 'workflow', 'locked'] as const;
    if (keys.every((k) => state[k] === previous[k])) return;
    host.saveState({
      ...host.savedState(),
      workflowUri: state.workflow?.uri ?? workflowUri,
      runId: state.runChoice,
      selected: state.selected,
      bottomTab: state.bottomTab,
      bottomOpen: state.bottomOpen,
      locked: state.locked,
    });
  });
}

/**
 * Draws the first state the host wrote into the page, once: the same page loaded again (VS Code reloads a panel
 * that was hidden) may be out of date and asks the host instead. Returns the id of the state drawn.
 */
function drawFirstState(host: Host, onMessage: (m: HostMessage) => void): string | undefined {
  const text = document.getElementById(FIRST_STATE_ELEMENT)?.textContent;
  if (!text) return undefined;
  let first: FirstState | undefined;
  try {
    first = parseFirstState(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (!first || host.savedState().firstState === first.id) return undefined;
  onMessage(first.init);
  host.saveState({ runId: null, selected: null, bottomTab: 'timeline', bottomOpen: bottomOpenByDefault(), ...host.savedState(), firstState: first.id });
  return first.id;
}

/** What the host says, into the store (live events once per frame). */
function hostMessageHandler(
  store: PanelStore,
  events: FrameBatcher<EngineEvent>,
  focusNode: (id: string) => void,
  offerKept: (kept: KeptLayout) => void,
  resync: () => void,
): (m: HostMessage) => void {
  return (m) => {
    const s = store.getState();
    switch (m.type) {
      case 'init':
        // For the speed measurements: where the page's part of showing a workflow starts.
        performance.mark('maestro:init-received');
        // Another workflow: the last one's events still waiting for a frame are not this one's.
        if (s.workflow && s.workflow.uri !== m.workflow.uri) events.clear();
        s.setWorkflow({ uri: m.workflow.uri, name: m.workflow.name }, m.trusted);
        if (m.collapseAbove !== undefined) s.setCollapseAbove(m.collapseAbove);
        if (m.locked !== undefined) s.setLocked(m.locked);
        if (m.keptLayout) offerKept(m.keptLayout);
        s.setGraph(m.graph, m.graphError);
        s.setRuns(m.runs);
        if (m.selected !== undefined) s.select(m.selected);
        return;
      case 'graph':
        return s.setGraph(m.graph, m.graphError);
      case 'graphPatch': {
        const graph = applyGraphPatch(s.graph, m);
        // Not made for the graph the page has (which the host keeps track of): the whole state again.
        return graph ? s.setGraph(graph, undefined) : resync();
      }
      case 'runs':
        return s.setRuns(m.runs);
      case 'runSnapshot':
        events.clear();
        s.setRunChoice(m.following ? null : (m.runId ?? null));
        return s.loadRun(m.runId, m.events);
      case 'runEvents':
        // A run's own events (its start, pause, resume, end) show at once.
        if (m.runId === s.run?.runId) events.push(m.events, m.events.some(isRunEvent));
        return;
      case 'select':
        if (m.nodeId === s.selected) return;
        s.select(m.nodeId);
        if (m.nodeId) focusNode(m.nodeId);
        return;
      case 'trust':
        return s.setTrusted(m.trusted);
      case 'lock':
        return s.setLocked(m.locked);
      case 'reply':
        return;
    }
  };
}

/** What the panel asks of the host, each request with its reply. */
function hostRequests(store: PanelStore, host: Host): Omit<Controller, 'focusNode' | 'fitView' | 'focusCanvas' | 'dispose'> {
  const runId = () => store.getState().run?.runId;
  const needRun = () => runId() ?? fail('no run is shown');
  return {
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
      const { lines, liveThrough } = await host.request('logTail', { runId: run, nodeId: instanceId });
      if (runId() === run) store.getState().seedLogTail(instanceId, lines, liveThrough !== undefined ? { liveThrough } : { liveLinesBefore: before });
    },
    async edit(action) {
      const result = await host.request('edit', { action });
      if (result.select) store.getState().select(result.select);
      return result;
    },
    copyNodes: async (ids) => void (await host.request('copyNodes', { ids })),
    async pasteNodes(after) {
      const result = await host.request('pasteNodes', after ? { after } : {});
      if (result.select) store.getState().select(result.select);
    },
    async insertTemplate(after) {
      const result = await host.request('insertTemplate', after ? { after } : {});
      if (result.select) store.getState().select(result.select);
      return result.applied;
    },
    undo: async (redo) => void (await host.request('undo', { redo })),
    openScript: async (nodeId) => void (await host.request('openScript', { nodeId })),
    showInsights: async () => void (await host.request('showInsights', {})),
    releaseMutex: async (nodeId) => void (await host.request('releaseMutex', { runId: needRun(), nodeId })),
    workflowFiles: async () => (await host.request('workflowFiles', {})).files,
  };
}

function fail(message: string): never {
  throw new Error(message);
}

/** Runs a callback at the first animation frame after a delay; returns what cancels it. */
function atFrameAfter(callback: () => void, delayMs: number): () => void {
  if (delayMs <= 0) {
    const frame = requestAnimationFrame(() => callback());
    return () => cancelAnimationFrame(frame);
  }
  let frame: number | undefined;
  const timer = setTimeout(() => (frame = requestAnimationFrame(() => callback())), delayMs);
  return () => {
    clearTimeout(timer);
    if (frame !== undefined) cancelAnimationFrame(frame);
  };
}

export function startController(store: PanelStore, host: Host): Controller {
  const layouts = new LayoutClient(startLayoutWorker, (problem) => store.getState().setNotice(`${problem}: the graph is drawn with a simple layout`));
  const events = new FrameBatcher<EngineEvent>(
    (batch) => store.getState().applyEvents(batch),
    atFrameAfter,
    () => (isBigGraph(store.getState().graph?.nodes.length ?? 0) ? BIG_GRAPH_REDRAW_MS : 0),
    () => performance.now(),
    // Batches are handed over in an animation frame: a task queued then runs once that frame has been drawn.
    (callback) => setTimeout(callback, 0),
  );
  const workflowUri = restoreSavedState(store, host);
  const { layoutIfNeeded, offerKept } = layoutScheduler(store, layouts, host);
  const onMessage = hostMessageHandler(
    store,
    events,
    (id) => controller.focusNode(id),
    offerKept,
    () => host.post(readyMessage(store.getState().runChoice)),
  );
  const unlisten = host.listen(onMessage, (raw) =>
    store.getState().setNotice(`ignored a message the panel does not understand: ${JSON.stringify(raw).slice(0, 120)}`),
  );
  const unsubscribe = [
    persistState(store, host, workflowUri),
    store.subscribe((state, previous) => {
      if (state.view !== previous.view) layoutIfNeeded();
    }),
    feedHistory(store, host),
  ];
  // Live durations tick while the run shown is going.
  const clock = setInterval(() => {
    const status = store.getState().run?.status;
    if (status !== undefined && isActiveRun(status)) store.getState().setNow(Date.now());
  }, 1000);
  const controller: Controller = {
    ...hostRequests(store, host),
    focusNode: () => undefined,
    fitView: () => undefined,
    focusCanvas: () => undefined,
    dispose() {
      unlisten();
      for (const u of unsubscribe) u();
      clearInterval(clock);
      layouts.dispose();
    },
  };
  host.post(readyMessage(store.getState().runChoice, drawFirstState(host, onMessage)));
  return controller;
}
