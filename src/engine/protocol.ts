/**
 * The engine protocol: what the engine process and the extension host (and the CLI) say to each other.
 * Both sides import this module; nothing else defines a message. Messages travel as JSON lines over stdio.
 */
import type { Scalar } from './model';

export const PROTOCOL_VERSION = 1;

export type NodeStatus = 'pending' | 'waiting' | 'running' | 'retrying' | 'completed' | 'failed' | 'skipped' | 'cancelled';
export type RunStatus = 'completed' | 'failed' | 'cancelled';

export const TERMINAL_STATUSES: ReadonlySet<NodeStatus> = new Set(['completed', 'failed', 'skipped', 'cancelled']);

export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
  ts: number;
}

/** A node instance as the run knows it: matrix nodes have one per combination. */
export interface RunNodeInfo {
  /** Instance id: the node id, or `test[shard=1]` for a matrix instance. */
  id: string;
  /** The node's id in the workflow file. */
  nodeId: string;
  name: string;
  kind: 'run' | 'approval' | 'workflow';
  phase?: string;
  /** Node ids (not instance ids) this node needs. */
  needs: string[];
  matrix?: Record<string, Scalar>;
  parentNodeId?: string;
}

interface EventBase {
  runId: string;
  /** Strictly increasing within a run. */
  seq: number;
  /** Epoch milliseconds. */
  ts: number;
}

interface NodeEventBase extends EventBase {
  /** Instance id of the node. */
  nodeId: string;
  /** For events of a sub-workflow, the id of the `workflow` node that runs it. */
  parentNodeId?: string;
}

/** Engine → host: what happens in a run. Every event is written to the run's events.jsonl before it is sent. */
export type EngineEvent =
  | (EventBase & { type: 'workflow:started'; workflow: { name: string; path: string; hash: string }; inputs: Record<string, Scalar>; nodes: RunNodeInfo[]; concurrency: number })
  | (NodeEventBase & { type: 'node:started'; attempt: number; pid?: number })
  | (NodeEventBase & { type: 'node:progress'; progress: number; message?: string })
  | (NodeEventBase & { type: 'node:log'; lines: LogLine[] })
  | (NodeEventBase & { type: 'node:retrying'; attempt: number; error: string; delayMs: number })
  | (NodeEventBase & { type: 'node:waiting'; prompt: string; timeoutMs?: number })
  | (NodeEventBase & { type: 'node:completed'; attempt: number; outputs: Record<string, string>; artifacts: string[]; quality?: number; durationMs: number })
  | (NodeEventBase & { type: 'node:failed'; attempt: number; error: string; exitCode: number | null; durationMs: number; continueOnError: boolean })
  | (NodeEventBase & { type: 'node:skipped'; reason: string })
  | (NodeEventBase & { type: 'node:cancelled'; reason: string })
  | (NodeEventBase & { type: 'node:diagnostic'; severity: 'warning' | 'error'; message: string; file?: string; line?: number; column?: number })
  | (EventBase & { type: 'workflow:paused' })
  | (EventBase & { type: 'workflow:resumed'; reset: string[] })
  | (EventBase & { type: 'workflow:completed'; status: RunStatus; error?: string; summary: RunSummary });

export interface RunSummary {
  total: number;
  completed: number;
  failed: number;
  skipped: number;
  cancelled: number;
  durationMs: number;
}

export type EngineEventType = EngineEvent['type'];
export type EventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;
/** An event before the emitter stamps it with runId, seq and ts. */
export type EventDraft = EngineEvent extends infer E ? (E extends EngineEvent ? Omit<E, 'runId' | 'seq' | 'ts'> : never) : never;

/** Host → engine: requests. Each carries an id; the engine answers with an `engine:reply` of the same id. */
export type EngineCommand =
  | { type: 'start'; requestId: number; workflowPath: string; inputs?: Record<string, string>; runsDir?: string; concurrency?: number; killGraceMs?: number }
  | { type: 'pause'; requestId: number; runId: string }
  /**
   * Resumes a paused run, or continues an ended or interrupted run from its event log. With `fromNode`, that node
   * and everything downstream of it run again even if they had completed.
   */
  | { type: 'resume'; requestId: number; runId: string; runsDir?: string; fromNode?: string; killGraceMs?: number }
  | { type: 'cancel'; requestId: number; runId: string }
  | { type: 'retryNode'; requestId: number; runId: string; nodeId: string }
  | { type: 'approve'; requestId: number; runId: string; nodeId: string; approved: boolean; comment?: string }
  | { type: 'shutdown'; requestId: number };

/** Engine → host: everything the engine process writes. */
export type EngineMessage =
  | EngineEvent
  | { type: 'engine:ready'; protocolVersion: number; pid: number }
  | { type: 'engine:reply'; requestId: number; ok: true; runId?: string }
  | { type: 'engine:reply'; requestId: number; ok: false; error: string }
  /** A message the engine could not understand, or a fault outside any request. */
  | { type: 'engine:error'; message: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Checks a command that crossed the process boundary; returns it typed, or the reason it is not one. */
export function parseCommand(line: string): { command: EngineCommand } | { error: string; requestId?: number } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: `not JSON: ${line.slice(0, 80)}` };
  }
  if (!isObject(value)) return { error: 'a command must be a JSON object' };
  const requestId = typeof value.requestId === 'number' && Number.isInteger(value.requestId) ? value.requestId : undefined;
  const fail = (why: string) => ({ error: `${String(value.type)}: ${why}`, ...(requestId !== undefined ? { requestId } : {}) });
  if (requestId === undefined) return fail('requestId must be an integer');
  const needRun = () => (isString(value.runId) ? undefined : fail('runId must be a non-empty string'));
  switch (value.type) {
    case 'start': {
      if (!isString(value.workflowPath)) return fail('workflowPath must be a non-empty string');
      if (value.inputs !== undefined && (!isObject(value.inputs) || !Object.values(value.inputs).every((v) => typeof v === 'string'))) return fail('inputs must map names to strings');
      if (value.runsDir !== undefined && !isString(value.runsDir)) return fail('runsDir must be a string');
      if (value.concurrency !== undefined && !(Number.isInteger(value.concurrency) && (value.concurrency as number) >= 1)) return fail('concurrency must be a positive integer');
      if (value.killGraceMs !== undefined && !(typeof value.killGraceMs === 'number' && value.killGraceMs >= 0)) return fail('killGraceMs must be a number ≥ 0');
      return { command: value as EngineCommand };
    }
    case 'pause':
    case 'cancel':
      return needRun() ?? { command: value as EngineCommand };
    case 'resume':
      if (value.runsDir !== undefined && !isString(value.runsDir)) return fail('runsDir must be a string');
      if (value.killGraceMs !== undefined && !(typeof value.killGraceMs === 'number' && value.killGraceMs >= 0)) return fail('killGraceMs must be a number ≥ 0');
      if (value.fromNode !== undefined && !isString(value.fromNode)) return fail('fromNode must be a non-empty string');
      return needRun() ?? { command: value as EngineCommand };
    case 'retryNode':
      return needRun() ?? (isString(value.nodeId) ? { command: value as EngineCommand } : fail('nodeId must be a non-empty string'));
    case 'approve':
      if (typeof value.approved !== 'boolean') return fail('approved must be true or false');
      if (value.comment !== undefined && typeof value.comment !== 'string') return fail('comment must be a string');
      return needRun() ?? (isString(value.nodeId) ? { command: value as EngineCommand } : fail('nodeId must be a non-empty string'));
    case 'shutdown':
      return { command: value as EngineCommand };
    default:
      return fail(`unknown command type (commands: start, pause, resume, cancel, retryNode, approve, shutdown)`);
  }
}

const EVENT_TYPES: ReadonlySet<string> = new Set<EngineEventType>([
  'workflow:started',
  'node:started',
  'node:progress',
  'node:log',
  'node:retrying',
  'node:waiting',
  'node:completed',
  'node:failed',
  'node:skipped',
  'node:cancelled',
  'node:diagnostic',
  'workflow:paused',
  'workflow:resumed',
  'workflow:completed',
]);

export function isEngineEvent(v: unknown): v is EngineEvent {
  return isObject(v) && typeof v.type === 'string' && EVENT_TYPES.has(v.type) && isString(v.runId) && typeof v.seq === 'number' && typeof v.ts === 'number';
}

/** Checks a message from the engine process (the host side of the boundary). */
export function parseEngineMessage(line: string): EngineMessage | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (isEngineEvent(v)) return v;
  if (!isObject(v)) return undefined;
  if (v.type === 'engine:ready' && typeof v.protocolVersion === 'number' && typeof v.pid === 'number') return v as EngineMessage;
  if (v.type === 'engine:reply' && typeof v.requestId === 'number' && typeof v.ok === 'boolean') return v as EngineMessage;
  if (v.type === 'engine:error' && typeof v.message === 'string') return v as EngineMessage;
  return undefined;
}
