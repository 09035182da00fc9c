// The panel's state, in one zustand store: the graph and its layout, the run shown (folded per node so that
// one node's change re-renders one card), and what the user has selected. The controller feeds it; components
// read it through selectors.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineEvent, LogLine } from '../../engine/protocol';
import type { LayoutResult } from '../layout/grid';
import { DEFAULT_COLLAPSE_ABOVE, type DagGraph, type GraphError, type RunListItem } from '../protocol';
import { builderActions, type BuilderActions, type BuilderState } from './builder';
import { HISTORY_INITIAL, historyActions, type HistoryActions, type HistoryState } from './history';
import { graphView, type GraphView } from './phaseGroups';
import { cardOf, RunFold, type CardView, type InstanceView, type RunHeader } from './runView';

export type BottomTab = 'timeline' | 'gantt';

export interface TimelineFilter {
  nodeId: string | null;
  type: string | null;
}

export interface PanelState extends BuilderState, HistoryState {
  /** The workflow shown: its file's URI and its name. */
  workflow?: { uri: string; name: string };
  trusted: boolean;
  /** The graph drawn: the latest that parsed. */
  graph?: DagGraph;
  /** Why the latest text does not parse, while the graph above stays. */
  graphError?: GraphError;
  /** What is drawn of the graph: its nodes, with phases collapsed into group cards in a big graph. */
  view: GraphView;
  /** Graphs with more nodes than this are drawn with their phases collapsed; 0: never. */
  collapseAbove: number;
  /** The phases the user expanded. */
  expandedPhases: readonly string[];
  /** The layout of the view's units. */
  layout?: LayoutResult;
  /** The structure the layout was made for (see structureKey). */
  layoutKey?: string;
  /** A notice that is not an error of the workflow (the layout fell back, a message was dropped). */
  notice?: string;
  runs: RunListItem[];
  /** The run asked for; null: follow the latest. */
  runChoice: string | null;
  run?: RunHeader;
  instances: Record<string, InstanceView>;
  /** Instance ids of each node id, in run order. */
  instancesOf: Record<string, string[]>;
  cards: Record<string, CardView>;
  timeline: EngineEvent[];
  selected: string | null;
  /** Whether the workflow's settings show where a node's details would (no node is selected then). */
  settingsOpen: boolean;
  /** For a matrix node: the instance whose details show. */
  selectedInstance: string | null;
  /** Moves once a second while the run shown is going, for live durations. */
  now: number;
  bottomTab: BottomTab;
  bottomOpen: boolean;
  filter: TimelineFilter;
  /** Whether the panel is locked to its workflow (the host decides; the page keeps it for a reload). */
  locked: boolean;
}

export interface PanelActions extends BuilderActions, HistoryActions {
  /** The workflow shown; another workflow than the one shown starts afresh, keeping only how the panel is arranged. */
  setWorkflow(workflow: { uri: string; name: string }, trusted: boolean): void;
  setTrusted(trusted: boolean): void;
  setLocked(locked: boolean): void;
  /** A new graph (or a parse error with the best-effort graph): the last good graph stays while there is an error. */
  setGraph(graph: DagGraph | undefined, error: GraphError | undefined): void;
  setLayout(key: string, layout: LayoutResult): void;
  setCollapseAbove(collapseAbove: number): void;
  expandPhase(phase: string): void;
  /** Collapses every phase the user expanded again. */
  collapsePhases(): void;
  setNotice(notice: string | undefined): void;
  setRuns(runs: RunListItem[]): void;
  setRunChoice(runId: string | null): void;
  /** Replaces the run shown with a snapshot. */
  loadRun(runId: string | undefined, events: readonly EngineEvent[]): void;
  /** How many log lines of an instance have come live, to tell a log read from the lines that came after it. */
  liveLogLines(instanceId: string): number;
  /** The last lines of an instance's log from the host, and which live lines they hold (see RunFold.seedLogs). */
  seedLogTail(instanceId: string, lines: readonly LogLine[], cut: { liveThrough: number } | { liveLinesBefore: number }): void;
  /** Applies live events of the run shown (a frame's worth at a time). */
  applyEvents(events: readonly EngineEvent[]): void;
  /** Selects a node, expanding its phase if it is collapsed. */
  select(nodeId: string | null, instanceId?: string | null): void;
  /** Shows the workflow's settings where a node's details would be (closing those), or closes them. */
  openSettings(open: boolean): void;
  setNow(now: number): void;
  setBottomTab(tab: BottomTab): void;
  setBottomOpen(open: boolean): void;
  setFilter(filter: Partial<TimelineFilter>): void;
}

export type PanelStore = StoreApi<PanelState & PanelActions>;

type Set = (partial: Partial<PanelState>) => void;
type Get = () => PanelState & PanelActions;
type RunActions = Pick<PanelActions, 'loadRun' | 'applyEvents' | 'liveLogLines' | 'seedLogTail'>;

/** The run shown: folded per node by a RunFold, whose changed instances and cards are published as new objects. */
function runActions(set: Set, get: Get): RunActions {
  let fold: RunFold | undefined;
  /** Copies the changed instances and cards out of the fold into new objects, so that selectors see them change. */
  const publish = (instanceIds: Iterable<string>, nodeIds: Iterable<string>, base: Pick<PanelState, 'instances' | 'cards' | 'instancesOf'>) => {
    const instances = { ...base.instances };
    for (const id of instanceIds) {
      const view = fold?.view(id);
      if (view) instances[id] = view;
    }
    const cards = { ...base.cards };
    for (const nodeId of nodeIds) cards[nodeId] = cardOf((base.instancesOf[nodeId] ?? []).map((id) => instances[id]).filter(Boolean));
    return { instances, cards };
  };
  const instancesOfFold = (f: RunFold) => {
    const instancesOf: Record<string, string[]> = {};
    for (const { id, nodeId } of f.instanceIds()) (instancesOf[nodeId] ??= []).push(id);
    return instancesOf;
  };
  return {
    loadRun(runId, events) {
      if (!runId) {
        fold = undefined;
        return set({ run: undefined, instances: {}, instancesOf: {}, cards: {}, timeline: [], selectedInstance: null });
      }
      fold = new RunFold(runId);
      const change = fold.apply(events);
      const instancesOf = instancesOfFold(fold);
      const views = publish(change.instances, Object.keys(instancesOf), { instances: {}, cards: {}, instancesOf });
      set({ run: fold.header(), instancesOf, ...views, timeline: change.timeline, now: Date.now(), selectedInstance: null });
    },
    applyEvents(events) {
      if (!fold) return;
      const change = fold.apply(events);
      if (!change.instances.size && !change.timeline.length && !change.headerChanged) return;
      const state = get();
      const restarted = events.some((e) => e.type === 'workflow:started' && e.runId === fold!.runId);
      // A run continued with its workflow as the file is now may have nodes it did not have.
      // A matrix made at run time too.
      const renodes =
        restarted || events.some((e) => ((e.type === 'workflow:resumed' && e.nodes !== undefined) || e.type === 'node:matrix') && e.runId === fold!.runId);
      const instancesOf = renodes ? instancesOfFold(fold) : state.instancesOf;
      const cardsToRedo = renodes ? Object.keys(instancesOf) : change.nodes;
      const views = publish(change.instances, cardsToRedo, restarted ? { instances: {}, cards: {}, instancesOf } : { ...state, instancesOf });
      set({
        ...views,
        instancesOf,
        ...(change.headerChanged ? { run: fold.header() } : {}),
        ...(change.timeline.length ? { timeline: restarted ? change.timeline : state.timeline.concat(change.timeline) } : {}),
      });
    },
    liveLogLines: (instanceId) => fold?.liveLines(instanceId) ?? 0,
    seedLogTail(instanceId, lines, cut) {
      if (!fold) return;
      fold.seedLogs(instanceId, lines, cut);
      set(publish([instanceId], [], get()));
    },
  };
}

const INITIAL: Omit<PanelState, 'now' | 'view'> = {
  trusted: true,
  collapseAbove: DEFAULT_COLLAPSE_ABOVE,
  expandedPhases: [],
  runs: [],
  runChoice: null,
  instances: {},
  instancesOf: {},
  cards: {},
  timeline: [],
  selected: null,
  settingsOpen: false,
  selectedInstance: null,
  bottomTab: 'timeline',
  bottomOpen: true,
  filter: { nodeId: null, type: null },
  locked: false,
  menu: null,
  connecting: null,
  selectedEdge: null,
  announcement: '',
  ...HISTORY_INITIAL,
};

/** What the details show: a node (its phase expanded if it is collapsed), or the workflow's settings in its place. */
function selectionActions(set: Set, get: Get): Pick<PanelActions, 'select' | 'openSettings'> {
  return {
    select(selected, instanceId = null) {
      const { view, graph } = get();
      const unit = selected ? view.unitOf[selected] : undefined;
      if (selected && unit && unit !== selected) {
        const phase = view.groups[unit]?.phase ?? graph?.nodes.find((n) => n.id === selected)?.phase;
        if (phase !== undefined) get().expandPhase(phase);
      }
      set({ selected, selectedInstance: instanceId, ...(selected ? { settingsOpen: false } : {}) });
    },
    openSettings(settingsOpen) {
      set({ settingsOpen, ...(settingsOpen ? { selected: null, selectedInstance: null } : {}) });
    },
  };
}

type ViewInputs = Pick<PanelState, 'graph' | 'collapseAbove' | 'expandedPhases'>;
const viewOf = ({ graph, collapseAbove, expandedPhases }: ViewInputs) => graphView(graph, collapseAbove, new Set(expandedPhases));

export function createPanelStore(initial: Partial<PanelState> = {}): PanelStore {
  return createStore<PanelState & PanelActions>()((set, get) => {
    /** A change of what decides the view, with the view it makes. */
    const withView = (change: Partial<ViewInputs>) => ({ ...change, view: viewOf({ ...get(), ...change }) });
    return {
      ...INITIAL,
      now: Date.now(),
      view: viewOf({ collapseAbove: DEFAULT_COLLAPSE_ABOVE, expandedPhases: [], ...initial }),
      ...initial,
      ...builderActions(set, get),
      ...historyActions(set),
      ...runActions(set, get),
      setWorkflow(workflow, trusted) {
        const shown = get().workflow;
        if (!shown || shown.uri === workflow.uri) return set({ workflow, trusted });
        get().loadRun(undefined, []);
        const { collapseAbove, bottomTab, bottomOpen, colourBy, forecastOn, locked } = get();
        const kept = { collapseAbove, bottomTab, bottomOpen, colourBy, forecastOn, locked };
        const cleared = { graph: undefined, graphError: undefined, layout: undefined, layoutKey: undefined, notice: undefined };
        const noHistory = { metrics: undefined, forecast: undefined, forecastNote: undefined };
        set({ ...INITIAL, ...kept, ...cleared, ...noHistory, workflow, trusted, now: Date.now(), view: viewOf({ collapseAbove, expandedPhases: [] }) });
      },
      setTrusted: (trusted) => set({ trusted }),
      setLocked: (locked) => set({ locked }),
      setGraph(graph, error) {
        if (!graph) return set({ graphError: error });
        if (error && get().graph) return set({ graphError: error });
        set({ graphError: error, ...withView({ graph }) });
      },
      setLayout: (layoutKey, layout) => set({ layoutKey, layout }),
      setCollapseAbove(collapseAbove) {
        if (collapseAbove !== get().collapseAbove) set(withView({ collapseAbove }));
      },
      expandPhase(phase) {
        const { expandedPhases } = get();
        if (!expandedPhases.includes(phase)) set(withView({ expandedPhases: [...expandedPhases, phase] }));
      },
      collapsePhases() {
        const { selected, view } = get();
        const next = withView({ expandedPhases: [] });
        set({ ...next, ...(selected && next.view.unitOf[selected] !== selected && view.unitOf[selected] ? { selected: null } : {}) });
      },
      setNotice: (notice) => set({ notice }),
      setRuns: (runs) => set({ runs }),
      setRunChoice: (runChoice) => set({ runChoice }),
      ...selectionActions(set, get),
      setNow: (now) => set({ now }),
      setBottomTab: (bottomTab) => set({ bottomTab, bottomOpen: true }),
      setBottomOpen: (bottomOpen) => set({ bottomOpen }),
      setFilter: (filter) => set({ filter: { ...get().filter, ...filter } }),
    };
  });
}
