import type { EngineEvent, MutexHolding, NodeStatus, RunNodeInfo, RunStatus, RunSummary } from './protocol';
import type { ReusedResult } from './reusedResult';
import type { Scalar } from './model';

export interface NodeRunState {
  info: RunNodeInfo;
  status: NodeStatus;
  attempt: number;
  startedAt?: number;
  endedAt?: number;
  durationMs?: number;
  progress?: number;
  message?: string;
  outputs: Record<string, string>;
  artifacts: string[];
  /** The folder the artifacts were found in (events from before it was recorded do not say). */
  artifactsDir?: string;
  quality?: number;
  /** The node did not run: its result is the one an earlier run kept. */
  cached?: ReusedResult;
  error?: string;
  exitCode?: number | null;
  reason?: string;
  prompt?: string;
  /** The mutex a pending node waits for, held by another run (see `node:blocked`); gone once it starts or ends. */
  blockedBy?: { mutex: string; holder: MutexHolding };
  /** Errors of the attempts that were retried, in order. */
  attemptErrors: string[];
}

export interface RunState {
  runId: string;
  workflowName: string;
  workflowPath: string;
  workflowHash: string;
  status: RunStatus | 'running' | 'paused';
  /** The inputs the run started with, as its events carry them (a secret one as ***); none: not there. */
  inputs?: Record<string, Scalar>;
  /** A pause was asked for and waits for running nodes to finish (the status is still running). */
  pausing?: boolean;
  startedAt: number;
  endedAt?: number;
  summary?: RunSummary;
  error?: string;
  lastSeq: number;
  nodes: Map<string, NodeRunState>;
  order: string[];
  /** Nodes of sub-runs (`deploy/push`), in the order their sub-runs listed them (or they were first heard of). */
  nested: string[];
  /** What each node of a sub-run reached, by its id in the run. */
  nestedNodes: Record<string, NestedNodeState>;
  /** The approval gates of sub-runs waiting now (`deploy/approve`), with their prompts: the run waits on them. */
  nestedGates: Record<string, string>;
  /** The mutex of its workflow the run waits for, held by another run (`workflow:blocked`), until a node starts. */
  blockedBy?: { mutex: string; holder: MutexHolding };
}

/**
 * A node of a sub-run, as the run's events tell it: its id in the run (`deploy/push`), its id in its own file
 * (`push`), and its kind as far as they show it (a gate waits; a node with nodes under it is a `workflow` node).
 */
export interface NestedNodeState extends NodeRunState {
  parentNodeId: string;
}

/** Whether a run has a node instance, or may have it: one under a `workflow` node whose sub-run has not listed it yet. */
export function hasInstance(state: Pick<RunState, 'nodes' | 'nestedNodes'>, id: string): boolean {
  const node = (i: string) => state.nodes.get(i) ?? (Object.hasOwn(state.nestedNodes, i) ? state.nestedNodes[i] : undefined);
  if (node(id)) return true;
  for (let cut = id.lastIndexOf('/'); cut > 0; cut = id.lastIndexOf('/', cut - 1)) {
    const above = node(id.slice(0, cut));
    if (above) return above.info.kind === 'workflow';
  }
  return false;
}

/** Every instance of a run, each sub-run's nodes right after the node that ran it. */
export function allInstanceIds(state: Pick<RunState, 'order' | 'nested' | 'nestedNodes'>): string[] {
  const byParent = new Map<string, string[]>();
  for (const id of state.nested) {
    const parent = state.nestedNodes[id]?.parentNodeId ?? id.slice(0, id.lastIndexOf('/'));
    byParent.set(parent, [...(byParent.get(parent) ?? []), id]);
  }
  const out: string[] = [];
  const add = (id: string) => {
    out.push(id);
    for (const child of byParent.get(id) ?? []) add(child);
  };
  state.order.forEach(add);
  return out;
}

/** Folds a run's events into its state. Pure; used to replay logs, resume runs and draw views. */
export function foldEvents(events: Iterable<EngineEvent>, into?: RunState): RunState | undefined {
  let state = into;
  for (const e of events) state = applyEvent(state, e);
  return state;
}

type NodeEvent = Extract<EngineEvent, { nodeId: string }>;

const freshNode = (info: RunNodeInfo): NodeRunState => ({ info, status: 'pending', attempt: 0, outputs: {}, artifacts: [], attemptErrors: [] });

/** What a node that runs again forgets of its last run. */
const RESET: Partial<NodeRunState> = {
  status: 'pending',
  attempt: 0,
  artifactsDir: undefined,
  startedAt: undefined,
  endedAt: undefined,
  durationMs: undefined,
  progress: undefined,
  message: undefined,
  quality: undefined,
  error: undefined,
  exitCode: undefined,
  reason: undefined,
  prompt: undefined,
  blockedBy: undefined,
};

/**
 * A state read at some moment, brought up to date with live events gathered around that moment: those after its
 * last seq are applied, those it already has are not applied twice.
 */
export function catchUp(state: RunState, events: Iterable<EngineEvent>): RunState {
  let out = state;
  for (const e of events) if (e.type !== 'node:log' && e.seq > out.lastSeq) out = applyEvent(out, e) ?? out;
  return out;
}

/** Applies one event to a run's state (a `workflow:started` makes a new one). */
export function applyEvent(state: RunState | undefined, e: EngineEvent): RunState | undefined {
  if (e.type === 'workflow:started') {
    const nodes = new Map(e.nodes.map((info) => [info.id, freshNode(info)]));
    return {
      runId: e.runId,
      workflowName: e.workflow.name,
      workflowPath: e.workflow.path,
      workflowHash: e.workflow.hash,
      status: 'running',
      ...(Object.keys(e.inputs).length ? { inputs: e.inputs } : {}),
      startedAt: e.ts,
      lastSeq: e.seq,
      nodes,
      order: e.nodes.map((n) => n.id),
      nested: [],
      nestedNodes: {},
      nestedGates: {},
    };
  }
  if (!state) return state;
  state.lastSeq = Math.max(state.lastSeq, e.seq);
  if (e.type === 'workflow:blocked') {
    state.blockedBy = { mutex: e.mutex, holder: e.holder };
    return state;
  }
  if (e.type === 'node:started' || e.type === 'workflow:completed') delete state.blockedBy;
  if (e.type === 'workflow:pausing') state.pausing = true;
  else if (e.type === 'workflow:paused') Object.assign(state, { status: 'paused', pausing: false });
  else if (e.type === 'workflow:resumed') {
    Object.assign(state, { status: 'running', pausing: false, endedAt: undefined, summary: undefined, error: undefined });
    if (e.workflow) Object.assign(state, { workflowName: e.workflow.name, workflowHash: e.workflow.hash });
    if (e.nodes) takeNodes(state, e.nodes);
    const kept = new Set(e.kept);
    for (const id of e.reset) {
      const n = state.nodes.get(id);
      // In place: views may hold the node's object.
      if (n) Object.assign(n, RESET, { outputs: {}, artifacts: [], attemptErrors: [] });
      if (n?.info.kind === 'workflow') forgetSubRun(state, id, kept);
    }
  } else if (e.type === 'workflow:completed') {
    Object.assign(state, { status: e.status, pausing: false, endedAt: e.ts, summary: e.summary, error: e.error, nestedGates: {} });
  } else {
    // Nothing starts in a paused run but the clean-up nodes of a cancel: the run is no longer paused, but ending.
    if (e.type === 'node:started' && state.status === 'paused') state.status = 'running';
    const n = state.nodes.get(e.nodeId);
    // A node of the run cancelled while it pauses: the run is being cancelled, and ends rather than pauses.
    if (n && e.type === 'node:cancelled') state.pausing = false;
    if (n) applyNodeEvent(n, e);
    else if (e.parentNodeId !== undefined) applyNestedEvent(state, e, e.parentNodeId);
    if (e.type === 'node:subrun') listSubRun(state, e);
    if (e.type === 'node:matrix') listMatrix(state, e);
  }
  return state;
}

/**
 * A matrix made at run time: its instances take the place of the node's one instance, each pending, but for those a
 * continued sub-run kept (completed, made again alike); instances of an earlier making that it did not make leave.
 */
function listMatrix(state: RunState, e: Extract<EngineEvent, { type: 'node:matrix' }>): void {
  const made = new Set(e.nodes.map((n) => n.id));
  const nodeId = e.nodes[0]?.nodeId;
  const leaves = (id: string, n: NodeRunState | undefined) => n !== undefined && n.info.nodeId === nodeId && n.info.matrix !== undefined && !made.has(id);
  const take = (info: RunNodeInfo, before: NodeRunState | undefined): NodeRunState =>
    before?.status === 'completed' ? Object.assign(before, { info }) : freshNode(info);
  if (state.nodes.has(e.nodeId)) {
    const old = state.order;
    state.order = placed(old, e.nodeId, made, (id) => leaves(id, state.nodes.get(id)));
    const now = new Set(state.order);
    for (const id of old) if (!now.has(id)) state.nodes.delete(id);
    for (const info of e.nodes) state.nodes.set(info.id, take(info, state.nodes.get(info.id)));
  } else if (e.parentNodeId !== undefined) {
    const nestedOf = (id: string) => (Object.hasOwn(state.nestedNodes, id) ? state.nestedNodes[id] : undefined);
    const old = state.nested;
    state.nested = placed(old, e.nodeId, made, (id) => nestedOf(id)?.parentNodeId === e.parentNodeId && leaves(id, nestedOf(id)));
    const now = new Set(state.nested);
    for (const id of old) if (!now.has(id)) delete state.nestedNodes[id];
    for (const info of e.nodes) state.nestedNodes[info.id] = Object.assign(take(info, nestedOf(info.id)), { parentNodeId: e.parentNodeId });
  }
}

/** A list of ids with `made` where `placeholder` was (at the end where it was not), without what `leaves`. */
function placed(list: readonly string[], placeholder: string, made: ReadonlySet<string>, leaves: (id: string) => boolean): string[] {
  const at = list.indexOf(placeholder);
  const stays = (id: string) => id !== placeholder && !made.has(id) && !leaves(id);
  return [...(at < 0 ? list : list.slice(0, at)).filter(stays), ...made, ...(at < 0 ? [] : list.slice(at + 1).filter(stays))];
}

/**
 * The nodes of a run continued with its workflow as it is now, as the engine runs it and counts it at the end: each
 * keeps what it reached, with what the file says of it now (its name, its `needs`); new ones join; those the file no
 * longer has (a node renamed, a matrix value taken out) leave, so that what they did is not counted with the rest.
 */
function takeNodes(state: RunState, infos: readonly RunNodeInfo[]): void {
  const nodes = new Map<string, NodeRunState>();
  for (const info of infos) {
    const n = state.nodes.get(info.id);
    if (n) n.info = info;
    nodes.set(info.id, n ?? freshNode(info));
  }
  state.nodes = nodes;
  state.order = infos.map((i) => i.id);
}

/** An event of a sub-run's node: the node is listed and folded, and its gate known while it waits. */
function applyNestedEvent(state: RunState, e: NodeEvent, parentNodeId: string): void {
  let n = Object.hasOwn(state.nestedNodes, e.nodeId) ? state.nestedNodes[e.nodeId] : undefined;
  if (!n) {
    const ownId = e.nodeId.slice(parentNodeId.length + 1);
    const info: RunNodeInfo = { id: e.nodeId, nodeId: ownId.replace(/\[[^]*$/, ''), name: ownId, kind: 'run', needs: [] };
    n = { ...freshNode(info), parentNodeId };
    state.nestedNodes[e.nodeId] = n;
    state.nested.push(e.nodeId);
    const parent = Object.hasOwn(state.nestedNodes, parentNodeId) ? state.nestedNodes[parentNodeId] : undefined;
    if (parent) parent.info = { ...parent.info, kind: 'workflow' };
  }
  if (e.type === 'node:waiting') n.info = { ...n.info, kind: 'approval' };
  applyNodeEvent(n, e);
  if (e.type === 'node:waiting') state.nestedGates[e.nodeId] = e.prompt;
  else if (e.type !== 'node:log' && e.type !== 'node:progress' && e.type !== 'node:diagnostic') delete state.nestedGates[e.nodeId];
}

/**
 * A sub-run's nodes, listed as it starts: each pending, as a run's nodes are at its start. A sub-run that starts
 * again (another attempt) starts afresh; one continued from the log keeps what its completed nodes reached.
 */
function listSubRun(state: RunState, e: Extract<EngineEvent, { type: 'node:subrun' }>): void {
  const listed = new Set(e.nodes.map((n) => n.id));
  // Continued, those the sub-workflow's file no longer has leave (with what was under them); else all of them.
  // A matrix made at run time is listed as its node's one instance: the instances it made stay until it is made again.
  const madeLater = new Set(e.nodes.filter((n) => n.awaitsMatrix).map((n) => n.nodeId));
  const stays = (id: string) => listed.has(id) || (state.nestedNodes[id]?.info.matrix !== undefined && madeLater.has(state.nestedNodes[id].info.nodeId));
  if (e.continued) {
    for (const id of state.nested) if (state.nestedNodes[id]?.parentNodeId === e.nodeId && !stays(id)) forgetNested(state, id);
  } else forgetSubRun(state, e.nodeId);
  const holder = Object.hasOwn(state.nestedNodes, e.nodeId) ? state.nestedNodes[e.nodeId] : undefined;
  if (holder) holder.info = { ...holder.info, kind: 'workflow' };
  for (const info of e.nodes) {
    // What is left under the node: a continued sub-run's nodes (a sub-run started afresh has none).
    const before = Object.hasOwn(state.nestedNodes, info.id) ? state.nestedNodes[info.id] : undefined;
    if (before?.status === 'completed') before.info = info;
    else {
      if (!before) state.nested.push(info.id);
      state.nestedNodes[info.id] = { ...freshNode(info), parentNodeId: e.nodeId };
    }
  }
}

/** A `workflow` node that runs again: what its last sub-run reached is forgotten, but for what a continued run `kept`. */
function forgetSubRun(state: RunState, id: string, kept: ReadonlySet<string> = new Set()): void {
  const under = `${id}/`;
  const gone = (n: string) => n.startsWith(under) && !kept.has(n);
  state.nested = state.nested.filter((n) => !gone(n));
  for (const n of Object.keys(state.nestedNodes)) if (gone(n)) delete state.nestedNodes[n];
}

/** A sub-run's node no longer in its file, and its own sub-run's nodes. */
function forgetNested(state: RunState, id: string): void {
  forgetSubRun(state, id);
  state.nested = state.nested.filter((n) => n !== id);
  delete state.nestedNodes[id];
}

/** The events after which a node no longer waits for a mutex. */
const ENDS_A_WAIT = new Set<string>(['node:started', 'node:completed', 'node:failed', 'node:skipped', 'node:cancelled']);

function applyNodeEvent(n: NodeRunState, e: NodeEvent): void {
  if (ENDS_A_WAIT.has(e.type)) delete n.blockedBy;
  switch (e.type) {
    case 'node:blocked':
      n.blockedBy = { mutex: e.mutex, holder: e.holder };
      return;
    case 'node:started':
      Object.assign(n, { status: 'running', attempt: e.attempt, startedAt: n.startedAt ?? e.ts, progress: undefined, message: undefined, cached: undefined });
      return;
    case 'node:progress':
      n.progress = e.progress;
      if (e.message !== undefined) n.message = e.message;
      return;
    case 'node:retrying':
      n.status = 'retrying';
      n.attemptErrors.push(e.error);
      return;
    case 'node:waiting':
      Object.assign(n, { status: 'waiting', prompt: e.prompt, startedAt: n.startedAt ?? e.ts });
      return;
    case 'node:completed':
      Object.assign(n, {
        status: 'completed',
        outputs: e.outputs,
        artifacts: e.artifacts,
        artifactsDir: e.artifactsDir,
        quality: e.quality,
        cached: e.cached,
        durationMs: e.durationMs,
        endedAt: e.ts,
        attempt: e.attempt,
        progress: n.progress === undefined ? undefined : 100,
      });
      return;
    case 'node:failed':
      Object.assign(n, { status: 'failed', error: e.error, exitCode: e.exitCode, durationMs: e.durationMs, endedAt: e.ts, attempt: e.attempt });
      return;
    case 'node:skipped':
      Object.assign(n, { status: 'skipped', reason: e.reason, endedAt: e.ts });
      return;
    case 'node:cancelled':
      Object.assign(n, { status: 'cancelled', reason: e.reason, endedAt: e.ts, durationMs: n.startedAt !== undefined ? e.ts - n.startedAt : undefined });
      return;
    case 'node:log':
    case 'node:diagnostic':
      return;
  }
}

/** A run's state as it crosses a boundary (JSON has no Map): its nodes in run order. */
export type RunStateSnapshot = Omit<RunState, 'nodes' | 'order' | 'nestedGates' | 'nestedNodes'> & {
  nodes: NodeRunState[];
  /** Absent from the snapshots of an engine older than them (a served engine may be). */
  nestedGates?: Record<string, string>;
  nestedNodes?: Record<string, NestedNodeState>;
};

export function toSnapshot(state: RunState): RunStateSnapshot {
  const { nodes, order, ...rest } = state;
  return { ...rest, nodes: order.map((id) => nodes.get(id)!) };
}

export function fromSnapshot(snapshot: RunStateSnapshot): RunState {
  const { nodes, nestedGates = {}, nestedNodes = {}, ...rest } = snapshot;
  return { ...rest, nestedGates, nestedNodes, nodes: new Map(nodes.map((n) => [n.info.id, n])), order: nodes.map((n) => n.info.id) };
}
