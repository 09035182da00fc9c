// A run as the panel shows it: the engine's own fold of events (runState), copied out per node instance so that
// each card re-renders only when its node changed, plus each instance's last log lines and the event timeline.
// Pure: tested in plain Node.
import type { EngineEvent, LogLine, NodeStatus, RunStatus, RunSummary } from '../../engine/protocol';
import { allInstanceIds, applyEvent, type NodeRunState, type RunState } from '../../engine/runState';
import { isEndedNode, subRunHolder } from '../../engine/runRules';

/** How many log lines of each node instance the panel keeps. */
export const LOG_TAIL_LINES = 200;

/** An approval gate waiting inside an instance's sub-run, by its id in the run (`deploy/ship`). */
export interface GateInside {
  id: string;
  prompt: string;
}

/** A node of an instance's sub-run (at any depth, `depth` 1 for its own nodes), as the details list it. */
export interface SubRunNode {
  id: string;
  name: string;
  status: NodeStatus;
  depth: number;
  durationMs?: number;
  error?: string;
}

export interface InstanceView extends Omit<NodeRunState, 'attemptErrors' | 'outputs' | 'artifacts'> {
  attemptErrors: readonly string[];
  outputs: Readonly<Record<string, string>>;
  artifacts: readonly string[];
  logTail: readonly LogLine[];
  /** For a `workflow` node: the gates waiting in its sub-run (at any depth). */
  gatesInside: readonly GateInside[];
  /** For a `workflow` node: its sub-run's nodes so far, each right after the node that runs it. */
  subRun: readonly SubRunNode[];
}

export type CardStatus = NodeStatus | 'none';

/** What a node's card shows: the node's instance, or for a matrix node what its instances add up to. */
export interface CardView {
  status: CardStatus;
  attempt: number;
  progress?: number;
  message?: string;
  startedAt?: number;
  endedAt?: number;
  durationMs?: number;
  quality?: number;
  /** How many of its instances were not run, an earlier run's result reused. */
  reused: number;
  outputs: number;
  artifacts: number;
  error?: string;
  instances: { total: number; completed: number; failed: number; running: number };
  /** How many approval gates wait in its instances' sub-runs. */
  gatesInside: number;
  /** The mutex another run holds that one of its instances waits for, and who holds it. */
  blockedBy?: InstanceView['blockedBy'];
}

export interface RunHeader {
  runId: string;
  workflowName: string;
  status: RunStatus | 'running' | 'paused';
  /** A pause asked for, waiting for running nodes to finish. */
  pausing?: boolean;
  /** The mutex of its workflow the run waits for, and the other run that holds it. */
  blockedBy?: RunState['blockedBy'];
  startedAt: number;
  endedAt?: number;
  error?: string;
  summary?: RunSummary;
}

export const NO_CARD: CardView = {
  status: 'none',
  attempt: 0,
  reused: 0,
  outputs: 0,
  artifacts: 0,
  instances: { total: 0, completed: 0, failed: 0, running: 0 },
  gatesInside: 0,
};

/** For a matrix node, the status that says most: work in progress first, then trouble, then the rest. */
const CARD_PRECEDENCE: readonly NodeStatus[] = ['running', 'retrying', 'waiting', 'failed', 'cancelled', 'pending', 'completed', 'skipped'];

export function cardOf(instances: readonly InstanceView[]): CardView {
  if (instances.length === 0) return NO_CARD;
  const count = (s: NodeStatus) => instances.filter((i) => i.status === s).length;
  const counts = { total: instances.length, completed: count('completed'), failed: count('failed'), running: count('running') + count('retrying') };
  const gatesInside = instances.reduce((n, i) => n + i.gatesInside.length, 0);
  const blockedBy = instances.find((i) => i.status === 'pending' && i.blockedBy)?.blockedBy;
  if (instances.length === 1) {
    const i = instances[0];
    return {
      status: i.status,
      attempt: i.attempt,
      progress: i.progress,
      message: i.message,
      startedAt: i.startedAt,
      endedAt: i.endedAt,
      durationMs: i.durationMs,
      quality: i.quality,
      reused: i.cached ? 1 : 0,
      outputs: Object.keys(i.outputs).length,
      artifacts: i.artifacts.length,
      error: i.error ?? (i.status === 'skipped' || i.status === 'cancelled' ? i.reason : undefined),
      instances: counts,
      gatesInside,
      blockedBy,
    };
  }
  // Skipped instances count as done unless every one was skipped.
  const present = CARD_PRECEDENCE.filter((s) => instances.some((i) => i.status === s));
  const status = present[0] === 'completed' || (present[0] === 'skipped' && present.length > 1) ? 'completed' : present[0];
  const started = instances.map((i) => i.startedAt).filter((t): t is number => t !== undefined);
  const ended = instances.map((i) => i.endedAt).filter((t): t is number => t !== undefined);
  const allEnded = ended.length === instances.length;
  const progresses = instances.map((i) => (isEndedNode(i.status) ? 100 : (i.progress ?? 0)));
  const qualities = instances.map((i) => i.quality).filter((q): q is number => q !== undefined);
  const firstError = instances.find((i) => i.status === 'failed');
  return {
    status,
    attempt: Math.max(...instances.map((i) => i.attempt)),
    progress: Math.round(progresses.reduce((a, b) => a + b, 0) / instances.length),
    message: `${counts.completed + count('skipped') + counts.failed + count('cancelled')}/${instances.length} instances done`,
    startedAt: started.length ? Math.min(...started) : undefined,
    endedAt: allEnded && ended.length ? Math.max(...ended) : undefined,
    durationMs: allEnded && started.length ? Math.max(...ended) - Math.min(...started) : undefined,
    quality: qualities.length ? Math.min(...qualities) : undefined,
    reused: instances.filter((i) => i.cached).length,
    outputs: instances.reduce((n, i) => n + Object.keys(i.outputs).length, 0),
    artifacts: instances.reduce((n, i) => n + i.artifacts.length, 0),
    error: firstError ? `${firstError.info.id}: ${firstError.error ?? 'failed'}` : undefined,
    instances: counts,
    gatesInside,
    blockedBy,
  };
}

export interface RunChange {
  /** Instance ids whose view changed. */
  instances: Set<string>;
  /** Node ids (of the workflow) whose card changed. */
  nodes: Set<string>;
  /** The timeline's new entries: every event but `node:log`. */
  timeline: EngineEvent[];
  headerChanged: boolean;
}

/** Folds one run's events for the panel. Events at or below the last seq it saw are ignored (a snapshot overlap). */
export class RunFold {
  private state: RunState | undefined;
  private readonly tails = new Map<string, LogLine[]>();
  private readonly received = new Map<string, number>();
  /** Per instance, how many of its live lines a log tail from the host already holds: those are not added again. */
  private readonly seededThrough = new Map<string, number>();

  constructor(readonly runId: string) {}

  get lastSeq(): number {
    return this.state?.lastSeq ?? -1;
  }

  header(): RunHeader | undefined {
    const s = this.state;
    return (
      s && {
        runId: s.runId,
        workflowName: s.workflowName,
        status: s.status,
        ...(s.pausing ? { pausing: true } : {}),
        ...(s.blockedBy ? { blockedBy: s.blockedBy } : {}),
        startedAt: s.startedAt,
        endedAt: s.endedAt,
        error: s.error,
        summary: s.summary,
      }
    );
  }

  /** Every instance id, in the run's order, and the node id it belongs to. */
  instanceIds(): { id: string; nodeId: string }[] {
    const s = this.state;
    return s ? s.order.map((id) => ({ id, nodeId: s.nodes.get(id)!.info.nodeId })) : [];
  }

  view(instanceId: string): InstanceView | undefined {
    const n = this.state?.nodes.get(instanceId);
    if (!n) return undefined;
    return {
      ...n,
      info: n.info,
      attemptErrors: [...n.attemptErrors],
      outputs: { ...n.outputs },
      artifacts: [...n.artifacts],
      logTail: this.tails.get(instanceId) ?? [],
      gatesInside: Object.entries(this.state?.nestedGates ?? {})
        .filter(([id]) => this.instanceHolding(id) === instanceId)
        .map(([id, prompt]) => ({ id, prompt })),
      subRun: n.info.kind === 'workflow' ? this.subRunOf(instanceId) : [],
    };
  }

  private subRunOf(instanceId: string): SubRunNode[] {
    const s = this.state;
    if (!s || !s.nested.some((id) => id.startsWith(`${instanceId}/`))) return [];
    const out: SubRunNode[] = [];
    for (const id of allInstanceIds({ order: [instanceId], nested: s.nested, nestedNodes: s.nestedNodes }).slice(1)) {
      const n = s.nestedNodes[id];
      // A state from an engine older than `nestedNodes` lists the ids alone.
      if (!n) continue;
      let depth = 1;
      for (let p = n.parentNodeId; p !== instanceId && s.nestedNodes[p]; p = s.nestedNodes[p].parentNodeId) depth++;
      out.push({ id, name: n.info.name, status: n.status, depth, durationMs: n.durationMs, error: n.error ?? n.reason });
    }
    return out;
  }

  private instanceHolding(nestedId: string): string | undefined {
    return subRunHolder(nestedId, (id) => this.state?.nodes.has(id) ?? false);
  }

  /** How many log lines of an instance have come live so far (a count that only grows). */
  liveLines(instanceId: string): number {
    return this.received.get(instanceId) ?? 0;
  }

  /**
   * The last lines of an instance's log from the host. With `liveThrough` (a run the host follows live), they hold
   * the first `liveThrough` lines sent live since the run was shown, whether or not they have arrived: those are
   * not added again. Without it (read from the run's file, for a run the host does not follow), the read is taken
   * to have happened when `liveLinesBefore` lines had come live, and the lines that came after stay after them.
   */
  seedLogs(instanceId: string, lines: readonly LogLine[], cut: { liveThrough: number } | { liveLinesBefore: number }): void {
    if ('liveThrough' in cut) {
      this.seededThrough.set(instanceId, cut.liveThrough);
      this.tails.set(instanceId, lines.slice(-LOG_TAIL_LINES));
      return;
    }
    const after = this.liveLines(instanceId) - cut.liveLinesBefore;
    const live = after > 0 ? (this.tails.get(instanceId) ?? []).slice(-after) : [];
    this.tails.set(instanceId, [...lines, ...live].slice(-LOG_TAIL_LINES));
  }

  /** Takes a live log event's lines in; the ones a seeded tail already holds are counted, not added. */
  private takeLines(instanceId: string, lines: readonly LogLine[]): void {
    const index = this.liveLines(instanceId);
    this.received.set(instanceId, index + lines.length);
    const fresh = lines.slice(Math.max(0, (this.seededThrough.get(instanceId) ?? 0) - index));
    if (fresh.length === 0) return;
    const tail = [...(this.tails.get(instanceId) ?? []), ...fresh];
    this.tails.set(instanceId, tail.length > LOG_TAIL_LINES ? tail.slice(-LOG_TAIL_LINES) : tail);
  }

  apply(events: readonly EngineEvent[]): RunChange {
    const change: RunChange = { instances: new Set(), nodes: new Set(), timeline: [], headerChanged: false };
    for (const e of events) {
      if (e.runId !== this.runId) continue;
      // Log lines are not numbered (they carry the seq of the event before them): only other events can overlap.
      if (this.state && e.type !== 'node:log' && e.seq <= this.state.lastSeq) continue;
      if (!this.state && e.type !== 'workflow:started') continue;
      // Log tails seeded from a snapshot belong to this start; a second start of the run begins afresh.
      if (e.type === 'workflow:started' && this.state) this.tails.clear();
      // Only a sub-run's node, or the run's end, changes the gates waiting in sub-runs: other events skip the look.
      const gatesMayChange = this.state !== undefined && (e.type === 'workflow:completed' || ('parentNodeId' in e && e.parentNodeId !== undefined));
      const gatesBefore = gatesMayChange ? Object.keys(this.state!.nestedGates) : undefined;
      const wasPausing = this.state?.pausing === true;
      const wasBlocked = this.state?.blockedBy;
      this.state = applyEvent(this.state, e);
      if (wasPausing !== (this.state?.pausing === true) || wasBlocked !== this.state?.blockedBy) change.headerChanged = true;
      if (gatesBefore) this.gatesChanged(gatesBefore, change.instances);
      if (e.type === 'node:log') this.takeLines(e.nodeId, e.lines);
      else change.timeline.push(e);
      if (e.type === 'workflow:started') {
        for (const id of this.state!.order) change.instances.add(id);
        change.headerChanged = true;
      } else if (e.type === 'workflow:resumed') {
        for (const id of e.reset) {
          change.instances.add(id);
          this.tails.delete(id);
        }
        change.headerChanged = true;
      } else if (e.type === 'workflow:pausing' || e.type === 'workflow:paused' || e.type === 'workflow:completed' || e.type === 'workflow:blocked')
        change.headerChanged = true;
      else if (e.type === 'node:matrix') for (const n of e.nodes) change.instances.add(n.id);
      else if (this.state!.nodes.has(e.nodeId)) change.instances.add(e.nodeId);
      else if (e.type !== 'node:log' && e.type !== 'node:progress') {
        const holder = this.instanceHolding(e.nodeId);
        if (holder) change.instances.add(holder);
      }
    }
    for (const id of change.instances) {
      const n = this.state?.nodes.get(id);
      if (n) change.nodes.add(n.info.nodeId);
    }
    return change;
  }

  /** Marks the instances whose sub-runs' waiting gates an event changed. */
  private gatesChanged(before: readonly string[], changed: Set<string>): void {
    const now = this.state?.nestedGates ?? {};
    const had = new Set(before);
    const differ = [...before.filter((id) => !(id in now)), ...Object.keys(now).filter((id) => !had.has(id))];
    for (const id of differ) {
      const holder = this.instanceHolding(id);
      if (holder) changed.add(holder);
    }
  }
}
