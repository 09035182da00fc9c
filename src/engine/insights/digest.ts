// A run's digest: what insights need of it, node by node (a matrix node's instances taken together), small enough
// that thousands fit in one index file and read back in one parse. Made from the run's events, the source of
// truth; an index of digests is only ever a cache of them.
import type { EngineEvent, NodeStatus, RunNodeInfo, RunStatus, WorkflowHeader } from '../protocol';
import { criticalPath } from './criticalPath';

export const DIGEST_VERSION = 2;

/** A node in one run. Times are milliseconds from the run's start; a node that never started has none. */
export interface NodeDigest {
  /** A node failed if an instance failed, and completed if every instance did. */
  status: NodeStatus;
  /** The most attempts an instance took. */
  attempts: number;
  /** Its first instance's start and its last instance's end. */
  start?: number;
  end?: number;
  /** From when it could start (everything it needs had ended) to when it did: concurrency holding it back. */
  queue?: number;
  /**
   * The node did not run: every instance that started had an earlier run's result reused. Its time says nothing of
   * how long the node takes (an instance that ran among reused ones is the node's time).
   */
  reused?: true;
}

export interface RunDigest {
  v: typeof DIGEST_VERSION;
  runId: string;
  workflowPath: string;
  workflowName: string;
  /** The file's content hash when the run started: runs of different versions of the file differ in it. */
  workflowHash: string;
  status: RunStatus;
  startedAt: number;
  endedAt: number;
  durationMs: number;
  concurrency: number;
  /** By node id, in the file's order. */
  nodes: Record<string, NodeDigest>;
  /** The nodes of the critical path, first first. */
  critical: string[];
  /** What each node needed in this run (node ids), for schedules of its graph. */
  needs: Record<string, string[]>;
}

/** The duration of a node in a run, when it started and ended. */
export const durationOf = (n: NodeDigest | undefined): number | undefined => (n?.start !== undefined && n.end !== undefined ? n.end - n.start : undefined);

const ENDED: ReadonlySet<NodeStatus> = new Set(['completed', 'failed', 'skipped', 'cancelled']);
const WEIGHT: Record<NodeStatus, number> = { failed: 6, cancelled: 5, running: 4, retrying: 4, waiting: 4, pending: 3, completed: 2, skipped: 1 };

interface Instance {
  node: string;
  status: NodeStatus;
  attempts: number;
  start?: number;
  end?: number;
  reused?: boolean;
}

/** Folds events into a digest as they come; `digest()` gives it once the run has ended. */
export class DigestBuilder {
  private started?: Extract<EngineEvent, { type: 'workflow:started' }>;
  /** The workflow as the run last took it: a run continued after its file changed takes it as it is now. */
  private workflow?: WorkflowHeader;
  private ended?: Extract<EngineEvent, { type: 'workflow:completed' }>;
  private readonly instances = new Map<string, Instance>();
  private needs = new Map<string, string[]>();
  /** When the run last resumed: nothing was ready before it. */
  private resumedAt?: number;

  add(e: EngineEvent): void {
    if (e.type === 'workflow:started') {
      this.started = e;
      this.workflow = undefined;
      this.instances.clear();
      for (const n of e.nodes) this.instances.set(n.id, { node: n.nodeId, status: 'pending', attempts: 0 });
      this.needs = new Map(e.nodes.map((n) => [n.nodeId, n.needs]));
      return;
    }
    if (e.type === 'workflow:completed') this.ended = e;
    else if (e.type === 'workflow:resumed') {
      this.ended = undefined;
      this.resumedAt = e.ts;
      if (e.nodes) this.takeNodes(e.nodes);
      if (e.workflow) this.workflow = e.workflow;
      for (const id of e.reset) {
        const i = this.instances.get(id);
        if (i) this.instances.set(id, { node: i.node, status: 'pending', attempts: 0 });
      }
    }
    if (!('nodeId' in e) || e.parentNodeId !== undefined) return;
    const i = this.instances.get(e.nodeId);
    if (!i) return;
    if (e.type === 'node:matrix') {
      this.instances.delete(e.nodeId);
      for (const n of e.nodes) this.instances.set(n.id, { node: n.nodeId, status: 'pending', attempts: 0 });
    }
    if (e.type === 'node:started') Object.assign(i, { status: 'running', attempts: e.attempt, start: i.start ?? e.ts });
    else if (e.type === 'node:waiting') Object.assign(i, { status: 'waiting', start: i.start ?? e.ts });
    else if (e.type === 'node:completed' || e.type === 'node:failed')
      Object.assign(i, {
        status: e.type === 'node:completed' ? 'completed' : 'failed',
        attempts: e.attempt,
        end: e.ts,
        reused: e.type === 'node:completed' && !!e.cached,
      });
    else if (e.type === 'node:skipped' || e.type === 'node:cancelled')
      Object.assign(i, { status: e.type === 'node:skipped' ? 'skipped' : 'cancelled', end: i.start !== undefined ? e.ts : undefined });
  }

  /** A run continued with its workflow as it is now: its nodes are the file's now (see takeNodes in runState). */
  private takeNodes(infos: readonly RunNodeInfo[]): void {
    const kept = new Map(this.instances);
    this.instances.clear();
    for (const n of infos) this.instances.set(n.id, kept.get(n.id) ?? { node: n.nodeId, status: 'pending', attempts: 0 });
    this.needs = new Map(infos.map((n) => [n.nodeId, n.needs]));
  }

  /** The digest of the run, or undefined while it has not ended. */
  digest(): RunDigest | undefined {
    const started = this.started;
    const ended = this.ended;
    if (!started || !ended) return undefined;
    const t0 = started.ts;
    const workflow = this.workflow ?? started.workflow;
    const nodes = nodesOf([...this.instances.values()], this.needs, t0, this.resumedAt ?? t0);
    const spans = [...this.instances]
      .filter(([, i]) => i.start !== undefined && i.end !== undefined)
      .map(([id, i]) => ({ id, nodeId: i.node, start: i.start!, end: i.end! }));
    const onPath = criticalPath(spans, (n) => this.needs.get(n) ?? []).map((id) => this.instances.get(id)!.node);
    return {
      v: DIGEST_VERSION,
      runId: started.runId,
      workflowPath: workflow.path,
      workflowName: workflow.name,
      workflowHash: workflow.hash,
      status: ended.status,
      startedAt: t0,
      endedAt: ended.ts,
      durationMs: ended.ts - t0,
      concurrency: started.concurrency,
      nodes,
      critical: onPath.filter((n, k) => n !== onPath[k - 1]),
      needs: Object.fromEntries(this.needs),
    };
  }
}

/** The instances taken together per node, with when each node could have started. */
function nodesOf(instances: Instance[], needs: Map<string, string[]>, t0: number, readySince: number): Record<string, NodeDigest> {
  const byNode = new Map<string, Instance[]>();
  for (const i of instances) byNode.set(i.node, [...(byNode.get(i.node) ?? []), i]);
  const ends = new Map([...byNode].map(([node, list]) => [node, list.every((i) => i.end !== undefined) ? Math.max(...list.map((i) => i.end!)) : undefined]));
  const out: Record<string, NodeDigest> = {};
  for (const [node, list] of byNode) {
    const status = list.reduce<NodeStatus>((s, i) => (WEIGHT[i.status] > WEIGHT[s] ? i.status : s), list[0].status);
    const starts = list.map((i) => i.start).filter((t): t is number => t !== undefined);
    const endsOf = list.map((i) => i.end).filter((t): t is number => t !== undefined);
    const start = starts.length ? Math.min(...starts) : undefined;
    const needed = (needs.get(node) ?? []).map((n) => ends.get(n));
    const ready = needed.every((t) => t !== undefined) ? Math.max(start !== undefined && start >= readySince ? readySince : t0, ...needed) : undefined;
    out[node] = {
      status: ENDED.has(status) ? status : 'cancelled',
      attempts: Math.max(...list.map((i) => i.attempts)),
      ...(start !== undefined ? { start: start - t0 } : {}),
      ...(start !== undefined && endsOf.length ? { end: Math.max(...endsOf) - t0 } : {}),
      ...(start !== undefined && ready !== undefined ? { queue: Math.max(0, start - ready) } : {}),
      ...(list.some((i) => i.start !== undefined) && list.every((i) => i.start === undefined || i.reused) ? { reused: true as const } : {}),
    };
  }
  return out;
}

/** The digest of an ended run's events; undefined for a run that has not ended. */
export function digestRun(events: Iterable<EngineEvent>): RunDigest | undefined {
  const builder = new DigestBuilder();
  for (const e of events) builder.add(e);
  return builder.digest();
}

const STATUS_CODES: Record<string, string> = { completed: 'c', failed: 'f', skipped: 's', cancelled: 'x' };
const CODE_STATUS: Record<string, NodeStatus> = { c: 'completed', f: 'failed', s: 'skipped', x: 'cancelled' };

/** A node as the index stores it: [status, attempts, start, end, queue], and 1 when reused. */
type PackedNode = [string, number, number | null, number | null, number | null, 1?];

/** A digest as one line of text, its nodes as arrays. */
export function packDigest(d: RunDigest): string {
  const nodes: Record<string, PackedNode> = {};
  for (const [id, n] of Object.entries(d.nodes)) {
    nodes[id] = [STATUS_CODES[n.status] ?? n.status, n.attempts, n.start ?? null, n.end ?? null, n.queue ?? null];
    if (n.reused) nodes[id].push(1);
  }
  return JSON.stringify({ ...d, nodes });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A line of the index (or a summary) read back; undefined when it is not a digest this version reads. */
export function unpackDigest(text: string): RunDigest | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(v) || v.v !== DIGEST_VERSION || !isObject(v.nodes) || !isObject(v.needs) || !Array.isArray(v.critical)) return undefined;
  if (
    typeof v.runId !== 'string' ||
    typeof v.workflowPath !== 'string' ||
    typeof v.workflowHash !== 'string' ||
    typeof v.startedAt !== 'number' ||
    typeof v.durationMs !== 'number'
  )
    return undefined;
  const nodes: Record<string, NodeDigest> = {};
  for (const [id, p] of Object.entries(v.nodes)) {
    if (!Array.isArray(p) || typeof p[0] !== 'string' || typeof p[1] !== 'number') return undefined;
    const [status, attempts, start, end, queue, reused] = p as PackedNode;
    nodes[id] = { status: CODE_STATUS[status] ?? (status as NodeStatus), attempts };
    if (typeof start === 'number') nodes[id].start = start;
    if (typeof end === 'number') nodes[id].end = end;
    if (typeof queue === 'number') nodes[id].queue = queue;
    if (reused === 1) nodes[id].reused = true;
  }
  return { ...(v as unknown as RunDigest), nodes };
}
