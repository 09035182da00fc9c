import type { EngineEvent, NodeStatus, RunNodeInfo, RunStatus, RunSummary } from './protocol';

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
  quality?: number;
  error?: string;
  exitCode?: number | null;
  reason?: string;
  prompt?: string;
  /** Errors of the attempts that were retried, in order. */
  attemptErrors: string[];
}

export interface RunState {
  runId: string;
  workflowName: string;
  workflowPath: string;
  workflowHash: string;
  status: RunStatus | 'running' | 'paused';
  startedAt: number;
  endedAt?: number;
  summary?: RunSummary;
  error?: string;
  lastSeq: number;
  nodes: Map<string, NodeRunState>;
  order: string[];
}

/** Folds a run's events into its state. Pure; used to replay logs, resume runs and draw views. */
export function foldEvents(events: Iterable<EngineEvent>, into?: RunState): RunState | undefined {
  let state = into;
  for (const e of events) state = applyEvent(state, e);
  return state;
}

export function applyEvent(state: RunState | undefined, e: EngineEvent): RunState | undefined {
  if (e.type === 'workflow:started') {
    const nodes = new Map<string, NodeRunState>();
    for (const info of e.nodes) nodes.set(info.id, { info, status: 'pending', attempt: 0, outputs: {}, artifacts: [], attemptErrors: [] });
    return { runId: e.runId, workflowName: e.workflow.name, workflowPath: e.workflow.path, workflowHash: e.workflow.hash, status: 'running', startedAt: e.ts, lastSeq: e.seq, nodes, order: e.nodes.map((n) => n.id) };
  }
  if (!state) return state;
  state.lastSeq = Math.max(state.lastSeq, e.seq);
  if (e.type === 'workflow:paused') state.status = 'paused';
  else if (e.type === 'workflow:resumed') {
    state.status = 'running';
    state.endedAt = undefined;
    state.summary = undefined;
    state.error = undefined;
    for (const id of e.reset) {
      const n = state.nodes.get(id);
      if (n) Object.assign(n, { status: 'pending', attempt: 0, outputs: {}, artifacts: [], attemptErrors: [], startedAt: undefined, endedAt: undefined, durationMs: undefined, progress: undefined, message: undefined, quality: undefined, error: undefined, exitCode: undefined, reason: undefined, prompt: undefined });
    }
  } else if (e.type === 'workflow:completed') {
    state.status = e.status;
    state.endedAt = e.ts;
    state.summary = e.summary;
    state.error = e.error;
  } else {
    const n = state.nodes.get(e.nodeId);
    if (!n) return state;
    switch (e.type) {
      case 'node:started':
        n.status = 'running';
        n.attempt = e.attempt;
        n.startedAt ??= e.ts;
        n.progress = undefined;
        n.message = undefined;
        break;
      case 'node:progress':
        n.progress = e.progress;
        if (e.message !== undefined) n.message = e.message;
        break;
      case 'node:retrying':
        n.status = 'retrying';
        n.attemptErrors.push(e.error);
        break;
      case 'node:waiting':
        n.status = 'waiting';
        n.prompt = e.prompt;
        n.startedAt ??= e.ts;
        break;
      case 'node:completed':
        Object.assign(n, { status: 'completed', outputs: e.outputs, artifacts: e.artifacts, quality: e.quality, durationMs: e.durationMs, endedAt: e.ts, attempt: e.attempt, progress: n.progress === undefined ? undefined : 100 });
        break;
      case 'node:failed':
        Object.assign(n, { status: 'failed', error: e.error, exitCode: e.exitCode, durationMs: e.durationMs, endedAt: e.ts, attempt: e.attempt });
        break;
      case 'node:skipped':
        Object.assign(n, { status: 'skipped', reason: e.reason, endedAt: e.ts });
        break;
      case 'node:cancelled':
        Object.assign(n, { status: 'cancelled', reason: e.reason, endedAt: e.ts, durationMs: n.startedAt !== undefined ? e.ts - n.startedAt : undefined });
        break;
      case 'node:log':
      case 'node:diagnostic':
        break;
    }
  }
  return state;
}
