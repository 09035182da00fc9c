/**
 * The DAG panel protocol: what the extension host and the webview say to each other through postMessage.
 * Both sides import this module; nothing else defines a message. Types only, plus the guards that check what
 * arrives: no React, no `vscode`, no Node.
 */
import type { EngineEvent, LogLine, RunStatus } from '../engine/protocol';

export const DAG_PROTOCOL_VERSION = 1;

/** A node of the workflow as the panel draws it: one card per node id (a matrix node is one card, a stack). */
export interface DagNode {
  id: string;
  /** The display label: the node's `name`, else its id. */
  label: string;
  phase?: string;
  kind: 'run' | 'approval' | 'workflow';
  /** Ids of nodes this node needs that exist in the file. */
  needs: string[];
  /** For a matrix node: its keys and how many instances it fans out into. */
  matrix?: { keys: string[]; count: number };
  /** Declared output names. */
  outputs: string[];
  /** How many artifact paths or globs it declares. */
  artifacts: number;
  quality?: { min: number };
  /** The node's `if`, as written. */
  condition?: string;
  retries: number;
  timeoutMs?: number;
  description?: string;
}

export interface DagGraph {
  /** The workflow's `name`. */
  name: string;
  /** Nodes in file order. */
  nodes: DagNode[];
}

/**
 * Why there is no new graph: the first YAML syntax error of a file that does not parse (with its place), or a file
 * that cannot be read. The panel keeps the last good graph and says this.
 */
export interface GraphError {
  message: string;
  line?: number;
  column?: number;
}

export type RunListStatus = RunStatus | 'running' | 'paused' | 'interrupted';

/** A run of this workflow, for the run picker. */
export interface RunListItem {
  runId: string;
  status: RunListStatus;
  startedAt: number;
  endedAt?: number;
  /** Held by this window's engine: it can be paused, cancelled and approved. */
  live: boolean;
}

/** Host → webview. */
export type HostMessage =
  /** The answer to `ready`: everything the panel shows, before any live update. */
  | { type: 'init'; workflow: { path: string; name: string }; graph?: DagGraph; graphError?: GraphError; runs: RunListItem[]; trusted: boolean; selected?: string }
  /** The workflow's text changed (saved or not): its new graph, or why it does not parse (then `graph` is absent). */
  | { type: 'graph'; graph?: DagGraph; graphError?: GraphError }
  /** The runs of this workflow changed. */
  | { type: 'runs'; runs: RunListItem[] }
  /**
   * A run's state so far: its events (without `node:log`) in order, and the last lines of each node's log. Live
   * events of that run follow as `runEvents`, starting after the last `seq` here. `runId` is absent when the
   * workflow has no run yet; `following` says whether the panel moves on to each new run.
   */
  | { type: 'runSnapshot'; runId?: string; following: boolean; events: EngineEvent[]; logTails: Record<string, LogLine[]> }
  /** Live events of the run the panel shows, in order. */
  | { type: 'runEvents'; runId: string; events: EngineEvent[] }
  /** The editor's cursor moved into a node's definition (or out of every node: null). */
  | { type: 'select'; nodeId: string | null }
  /** Workspace trust changed: run controls are enabled only in a trusted workspace. */
  | { type: 'trust'; trusted: boolean }
  /** The answer to a request. */
  | { type: 'reply'; requestId: number; ok: true }
  | { type: 'reply'; requestId: number; ok: false; error: string };

export type RunControl = 'run' | 'runWithInputs' | 'pause' | 'resume' | 'cancel' | 'retryFailed';

/** Webview → host, asking for something to be done; the host answers each with a `reply` of the same id. */
export type WebviewRequest =
  | { type: 'control'; action: RunControl; runId?: string }
  | { type: 'retryNode'; runId: string; nodeId: string }
  | { type: 'approve'; runId: string; nodeId: string; approved: boolean }
  /** Open a node's live log; for a matrix node (`nodeId` without instance), the host asks which instance. */
  | { type: 'openLog'; runId: string; nodeId: string }
  | { type: 'openArtifact'; runId: string; nodeId: string; path: string }
  | { type: 'copy'; text: string };

/** Webview → host. */
export type WebviewMessage =
  /**
   * The webview has loaded and listens: the host answers with `init`, then the snapshot of the run to show (the
   * one named, if it still exists, else the latest; null: follow the latest).
   */
  | { type: 'ready'; protocolVersion: number; runId: string | null }
  /** Show this node's definition in the editor (a click on its card). */
  | { type: 'reveal'; nodeId: string }
  /** Show this run (null: follow the workflow's latest run, switching to each new one). */
  | { type: 'selectRun'; runId: string | null }
  | (WebviewRequest & { requestId: number });

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const CONTROLS: ReadonlySet<string> = new Set<RunControl>(['run', 'runWithInputs', 'pause', 'resume', 'cancel', 'retryFailed']);

/** Checks a message from the webview; returns it typed, or why it is not one. */
export function parseWebviewMessage(v: unknown): { message: WebviewMessage } | { error: string } {
  if (!isObject(v) || typeof v.type !== 'string') return { error: 'a message must be an object with a type' };
  const ok = { message: v as WebviewMessage };
  const fail = (why: string) => ({ error: `${String(v.type)}: ${why}` });
  if (v.type === 'ready') return typeof v.protocolVersion === 'number' && (v.runId === null || isText(v.runId)) ? ok : fail('protocolVersion must be a number and runId a run id or null');
  if (v.type === 'reveal') return isText(v.nodeId) ? ok : fail('nodeId must be a non-empty string');
  if (v.type === 'selectRun') return v.runId === null || isText(v.runId) ? ok : fail('runId must be a run id or null');
  if (!(typeof v.requestId === 'number' && Number.isInteger(v.requestId))) return fail('requestId must be an integer');
  switch (v.type) {
    case 'control':
      if (typeof v.action !== 'string' || !CONTROLS.has(v.action)) return fail(`action must be one of ${[...CONTROLS].join(', ')}`);
      return v.runId === undefined || isText(v.runId) ? ok : fail('runId must be a non-empty string');
    case 'retryNode':
    case 'openLog':
      return isText(v.runId) && isText(v.nodeId) ? ok : fail('runId and nodeId must be non-empty strings');
    case 'approve':
      return isText(v.runId) && isText(v.nodeId) && typeof v.approved === 'boolean' ? ok : fail('runId, nodeId and approved are required');
    case 'openArtifact':
      return isText(v.runId) && isText(v.nodeId) && isText(v.path) ? ok : fail('runId, nodeId and path must be non-empty strings');
    case 'copy':
      return typeof v.text === 'string' ? ok : fail('text must be a string');
    default:
      return fail('unknown message type');
  }
}

const HOST_TYPES: ReadonlySet<string> = new Set<HostMessage['type']>(['init', 'graph', 'runs', 'runSnapshot', 'runEvents', 'select', 'trust', 'reply']);

const isGraph = (v: unknown): v is DagGraph => isObject(v) && typeof v.name === 'string' && Array.isArray(v.nodes) && v.nodes.every((n) => isObject(n) && isText(n.id) && Array.isArray(n.needs));

/** Checks a message from the host (the webview's side of the boundary): undefined when it is not one. */
export function parseHostMessage(v: unknown): HostMessage | undefined {
  if (!isObject(v) || typeof v.type !== 'string' || !HOST_TYPES.has(v.type)) return undefined;
  const m = v as HostMessage;
  switch (m.type) {
    case 'init':
      return isObject(m.workflow) && Array.isArray(m.runs) && (m.graph === undefined || isGraph(m.graph)) ? m : undefined;
    case 'graph':
      return m.graph === undefined || isGraph(m.graph) ? m : undefined;
    case 'runs':
      return Array.isArray(m.runs) ? m : undefined;
    case 'runSnapshot':
      return Array.isArray(m.events) && isObject(m.logTails) && typeof m.following === 'boolean' ? m : undefined;
    case 'runEvents':
      return isText(m.runId) && Array.isArray(m.events) ? m : undefined;
    case 'select':
      return m.nodeId === null || isText(m.nodeId) ? m : undefined;
    case 'trust':
      return typeof m.trusted === 'boolean' ? m : undefined;
    case 'reply':
      return typeof m.requestId === 'number' ? m : undefined;
  }
}
