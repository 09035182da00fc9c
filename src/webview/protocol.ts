/**
 * The DAG panel protocol: what the extension host and the webview say to each other through postMessage.
 * Both sides import this module; nothing else defines a message. Types only, plus the guards that check what
 * arrives: no React, no `vscode`, no Node.
 */
import { isBoolean, isInteger, isObject, isString, isText, type Json } from '../engine/json';
import { parseEditAction, type EditAction, type InputFields } from '../engine/edits/action';
import type { EngineEvent, LogLine, RunListEntry } from '../engine/protocol';
import type { Forecast } from '../engine/insights/forecast';
import type { LayoutResult } from './layout/grid';
import type { MatrixValue } from '../engine/matrix';

/** 10: a node's description, artifacts, shell, cwd and image in its fields. */
export const DAG_PROTOCOL_VERSION = 10;

/** A node's properties as the file writes them (defaults not applied), for the builder's form. */
export interface NodeFields {
  name?: string;
  description?: string;
  phase?: string;
  run?: string;
  if?: string;
  retry?: number;
  /** As written: `5m`, `90`. */
  timeout?: string;
  /** True, false, or the expression each instance decides it by. */
  continueOnError: boolean | string;
  maxParallel?: number;
  failFast: boolean;
  /** A matrix written out: its keys and their values, in the order written (not its include and exclude). */
  matrixAxes?: Record<string, MatrixValue[]>;
  /** Whether the node has `cache` (`true`, or its files and ttl). */
  cache?: true;
  /** The mutexes it names, where it names any. */
  mutex?: string[];
  outputs: string[];
  env: Record<string, string>;
  /** The files it produces, as written (paths or globs). */
  artifacts?: string[];
  /** Where a node runs its script: its own `shell`, `cwd` and `image`, as written. */
  shell?: string;
  cwd?: string;
  image?: string;
  prompt?: string;
  approvalTimeout?: string;
  workflow?: string;
  with: Record<string, string>;
}

/** A node's figures over the workflow's last runs, for colouring its card. */
export interface NodeMetric {
  p95Ms?: number;
  failureRate: number;
  /** Of the runs, those where it was on the critical path. */
  criticalShare: number;
}

/** A problem the validator finds in a node, with the property it is in when it is in one. */
export interface NodeProblem {
  message: string;
  severity: 'error' | 'warning' | 'info';
  field?: string;
  /** The titles of the fixes the validator offers for it, each applied by a `fix` edit action. */
  fixes?: string[];
}

/** A node of the workflow as the panel draws it: one card per node id (a matrix node is one card, a stack). */
export interface DagNode {
  id: string;
  /** The display label: the node's `name`, else its id. */
  label: string;
  phase?: string;
  kind: 'run' | 'approval' | 'workflow';
  /** Ids of nodes this node needs that exist in the file. */
  needs: string[];
  /**
   * For a matrix node: its keys, how many instances it fans out into, and how many of them run at once at most. A
   * matrix made at run time has no count: its keys are those written out, and its expression is `madeFrom`.
   */
  matrix?: { keys: string[]; count?: number; madeFrom?: string; maxParallel?: number };
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
  fields: NodeFields;
  problems: NodeProblem[];
}

/** The workflow's own settings (the top of its file) as written, for the builder's settings form. */
export interface WorkflowSettings {
  name?: string;
  description?: string;
  /** As written: `4`. */
  concurrency?: string;
  /** As written: `30m`. */
  timeout?: string;
  mutex?: string[];
  /** For every node, as written. */
  env?: Record<string, string>;
  /** What every node has unless it sets its own (`timeout`, `retry`, `shell`, `cwd`, `image`), as written. */
  defaults?: Record<string, string>;
  /** Its inputs in file order, as written. */
  inputs: SettingsInput[];
  /** The validator's problems in them, each with the setting it is in (`inputs.NAME` for one in an input, `defaults.KEY` in a default). */
  problems: NodeProblem[];
}

/** An input of the workflow as the file writes it. */
export type SettingsInput = { name: string } & InputFields;

export interface DagGraph {
  /** The workflow's `name`. */
  name: string;
  settings?: WorkflowSettings;
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

/** A run of this workflow, for the run picker: the engine's own list entry. */
export type RunListItem = Pick<RunListEntry, 'runId' | 'status' | 'pausing' | 'startedAt' | 'endedAt' | 'live'>;

/** The default of `maestro.dag.collapseAbove`. */
export const DEFAULT_COLLAPSE_ABOVE = 1000;

/** Host → webview. */
export type HostMessage =
  /** The answer to `ready`: everything the panel shows, before any live update. `workflow.uri` is the file's URI. */
  | {
      type: 'init';
      workflow: { uri: string; name: string };
      graph?: DagGraph;
      graphError?: GraphError;
      runs: RunListItem[];
      trusted: boolean;
      selected?: string;
      /** `maestro.dag.collapseAbove`: graphs with more nodes are drawn with their phases collapsed; 0: never. */
      collapseAbove?: number;
      /** The last layout the panel made of this workflow, to paint at once if the structure is the same. */
      keptLayout?: KeptLayout;
      /** Whether the panel is locked to this workflow (else it moves to the workflow of the active editor). */
      locked?: boolean;
    }
  /** The workflow's text changed (saved or not): its new graph, or why it does not parse (then `graph` is absent). */
  | { type: 'graph'; graph?: DagGraph; graphError?: GraphError }
  /**
   * The workflow's text changed, and it parses, as did the graph last sent: the new graph's nodes in order, each
   * one the page has unchanged by its id (see graphPatch.ts).
   */
  | { type: 'graphPatch'; name: string; settings?: WorkflowSettings; nodes: (DagNode | string)[] }
  /** The runs of this workflow changed. */
  | { type: 'runs'; runs: RunListItem[] }
  /**
   * A run's state so far: its events in order (log lines are asked for with `logTail`). Live events of that run
   * follow as `runEvents`, starting after the last `seq` here. `runId` is absent when the workflow has no run yet;
   * `following` says whether the panel moves on to each new run.
   */
  | { type: 'runSnapshot'; runId?: string; following: boolean; events: EngineEvent[] }
  /** Live events of the run the panel shows, in order (log lines among them). */
  | { type: 'runEvents'; runId: string; events: EngineEvent[] }
  /** The editor's cursor moved into a node's definition (or out of every node: null). */
  | { type: 'select'; nodeId: string | null }
  /** Workspace trust changed: run controls are enabled only in a trusted workspace. */
  | { type: 'trust'; trusted: boolean }
  /** The panel was locked to its workflow, or unlocked: the page keeps it in its state, for a reload to restore. */
  | { type: 'lock'; locked: boolean }
  /** The answer to a request: its result, or why it failed. */
  | { type: 'reply'; requestId: number; ok: true; result: unknown }
  | { type: 'reply'; requestId: number; ok: false; error: string };

export type RunControl = 'run' | 'runWithInputs' | 'pause' | 'resume' | 'cancel' | 'retryFailed';

/** Webview → host requests, with what each carries and what its reply holds. */
export interface WebviewRequests {
  control: { params: { action: RunControl; runId?: string }; result: Record<string, never> };
  retryNode: { params: { runId: string; nodeId: string }; result: Record<string, never> };
  approve: { params: { runId: string; nodeId: string; approved: boolean }; result: Record<string, never> };
  /** Open a node's live log; for a matrix node (`nodeId` without instance), the host asks which instance. */
  openLog: { params: { runId: string; nodeId: string }; result: Record<string, never> };
  openArtifact: { params: { runId: string; nodeId: string; path: string }; result: Record<string, never> };
  copy: { params: { text: string }; result: Record<string, never> };
  /**
   * The last lines of a node instance's log. `liveThrough`, for a run the host follows live: the lines hold the first `liveThrough` log lines of this
   * instance that the host has sent (or will send) live since it showed the run; the panel does not add them again.
   */
  logTail: { params: { runId: string; nodeId: string }; result: { lines: LogLine[]; liveThrough?: number } };
  /** A builder action on the workflow's text; `applied` is false when the user called it off (a delete not confirmed). */
  edit: { params: { action: EditAction }; result: { applied: boolean; select?: string; note?: string } };
  /** Puts nodes on the clipboard as YAML. */
  copyNodes: { params: { ids: string[] }; result: Record<string, never> };
  /** Pastes the nodes on the clipboard after a node (or at the end). */
  pasteNodes: { params: { after?: string }; result: { applied: boolean; select?: string } };
  /** Pastes the nodes of a template the user picks after a node (or at the end). */
  insertTemplate: { params: { after?: string }; result: { applied: boolean; select?: string } };
  /** Undoes (or redoes) the last change of the workflow's text. */
  undo: { params: { redo: boolean }; result: Record<string, never> };
  /** Shows a node's script in the editor, the cursor in it. */
  openScript: { params: { nodeId: string }; result: Record<string, never> };
  /** Each node's figures over the last runs (for colouring the cards). */
  nodeMetrics: { params: Record<string, never>; result: { basedOn: number; nodes: Record<string, NodeMetric> } };
  /** The workflow's timeline as the file is now, from its history; or why there is none. */
  forecast: { params: Record<string, never>; result: { forecast?: Forecast; note?: string } };
  /** Offers to give back the mutex a pending node of a run waits for (Release Mutex…, which asks first). */
  releaseMutex: { params: { runId: string; nodeId: string }; result: Record<string, never> };
  /** Opens the workflow's Insights panel. */
  showInsights: { params: Record<string, never>; result: Record<string, never> };
  /** The workflow files a sub-workflow node of this workflow may run, as `workflow:` writes them, nearest first. */
  workflowFiles: { params: Record<string, never>; result: { files: string[] } };
}

export type WebviewRequestType = keyof WebviewRequests;
export type WebviewRequest = { [K in WebviewRequestType]: { type: K } & WebviewRequests[K]['params'] }[WebviewRequestType];
export type WebviewResult<K extends WebviewRequestType> = WebviewRequests[K]['result'];

/** A layout the panel made, named by the hash of the structure it was made for (see structureHash). */
export interface KeptLayout {
  key: string;
  layout: LayoutResult;
}

/** Webview → host. */
export type WebviewMessage =
  /**
   * The webview has loaded and listens: the host answers with `init`, then the snapshot of the run to show (the
   * one named, if it still exists, else the latest; null: follow the latest). `shows`: the id of the page's first
   * state when the page drew it; the host then leaves out of `init` the graph it already has, if unchanged.
   */
  | { type: 'ready'; protocolVersion: number; runId: string | null; shows?: string }
  /** Show this node's definition in the editor (a click on its card). */
  | { type: 'reveal'; nodeId: string }
  /** Show this run (null: follow the workflow's latest run, switching to each new one). */
  | { type: 'selectRun'; runId: string | null }
  /** Keep this layout of a workflow (the one the page shows) for the next time its panel shows it. */
  | ({ type: 'keepLayout'; workflowUri: string } & KeptLayout)
  | (WebviewRequest & { requestId: number });

const CONTROLS = { run: true, runWithInputs: true, pause: true, resume: true, cancel: true, retryFailed: true } satisfies Record<RunControl, true>;
const runAndNode = (v: Json) => isText(v.runId) && isText(v.nodeId);

/** What each request must carry, and how to say it: the compiler holds the list to the request map. */
const REQUEST_CHECKS = {
  control: [
    (v) => isString(v.action) && Object.hasOwn(CONTROLS, v.action) && (v.runId === undefined || isText(v.runId)),
    `action (one of ${Object.keys(CONTROLS).join(', ')}) and, optionally, runId`,
  ],
  retryNode: [runAndNode, 'runId and nodeId'],
  approve: [(v) => runAndNode(v) && isBoolean(v.approved), 'runId, nodeId and approved (true or false)'],
  openLog: [runAndNode, 'runId and nodeId'],
  openArtifact: [(v) => runAndNode(v) && isText(v.path), 'runId, nodeId and path'],
  copy: [(v) => isString(v.text), 'text'],
  logTail: [runAndNode, 'runId and nodeId'],
  edit: [
    (v) => !('error' in parseEditAction(v.action)),
    'action (a builder action: addNode, removeNode, connect, disconnect, rename, set, setWorkflow, setInput, renameInput, renameOutput, renameMatrixKey, setMatrixAxes, duplicate, paste or fix)',
  ],
  copyNodes: [(v) => Array.isArray(v.ids) && v.ids.length > 0 && v.ids.every(isText), 'ids (node ids)'],
  pasteNodes: [(v) => v.after === undefined || isText(v.after), 'optionally, after (a node id)'],
  insertTemplate: [(v) => v.after === undefined || isText(v.after), 'optionally, after (a node id)'],
  undo: [(v) => isBoolean(v.redo), 'redo (true or false)'],
  openScript: [(v) => isText(v.nodeId), 'nodeId'],
  nodeMetrics: [() => true, 'nothing'],
  forecast: [() => true, 'nothing'],
  releaseMutex: [runAndNode, 'runId and nodeId'],
  showInsights: [() => true, 'nothing'],
  workflowFiles: [() => true, 'nothing'],
} satisfies Record<WebviewRequestType, [(v: Json) => boolean, string]>;

/** Checks a message from the webview; returns it typed, or why it is not one. */
export function parseWebviewMessage(v: unknown): { message: WebviewMessage } | { error: string } {
  if (!isObject(v) || typeof v.type !== 'string') return { error: 'a message must be an object with a type' };
  const ok = { message: v as WebviewMessage };
  const fail = (why: string) => ({ error: `${String(v.type)}: ${why}` });
  if (v.type === 'ready')
    return isInteger(v.protocolVersion) && (v.runId === null || isText(v.runId)) && (v.shows === undefined || isText(v.shows))
      ? ok
      : fail('protocolVersion must be a number, runId a run id or null, and shows (if any) a first state id');
  if (v.type === 'reveal') return isText(v.nodeId) ? ok : fail('nodeId must be a non-empty string');
  if (v.type === 'selectRun') return v.runId === null || isText(v.runId) ? ok : fail('runId must be a run id or null');
  if (v.type === 'keepLayout')
    return isKeptLayout(v) && isText(v.workflowUri) ? ok : fail('needs workflowUri, key and layout (positions, layers, width and height)');
  const check = (REQUEST_CHECKS as Record<string, [(v: Json) => boolean, string] | undefined>)[v.type];
  if (!check) return fail('unknown message type');
  if (!isInteger(v.requestId)) return fail('requestId must be an integer');
  return check[0](v) ? ok : fail(`needs ${check[1]}`);
}

const isPoint = (v: unknown) => isObject(v) && Number.isFinite(v.x) && Number.isFinite(v.y);
const isKeptLayout = (v: unknown): v is KeptLayout =>
  isObject(v) &&
  isText(v.key) &&
  isObject(v.layout) &&
  isObject(v.layout.positions) &&
  Object.values(v.layout.positions).every(isPoint) &&
  isObject(v.layout.layers) &&
  Object.values(v.layout.layers).every(isInteger) &&
  Number.isFinite(v.layout.width) &&
  Number.isFinite(v.layout.height);
const isGraph = (v: unknown): v is DagGraph =>
  isObject(v) && isString(v.name) && Array.isArray(v.nodes) && v.nodes.every((n) => isObject(n) && isText(n.id) && Array.isArray(n.needs));
const isRunList = (v: unknown): boolean =>
  Array.isArray(v) && v.every((r) => isObject(r) && isText(r.runId) && isString(r.status) && typeof r.startedAt === 'number' && isBoolean(r.live));

/** What each host message must carry. */
const HOST_CHECKS = {
  init: (v) =>
    isObject(v.workflow) &&
    isString(v.workflow.uri) &&
    isRunList(v.runs) &&
    (v.graph === undefined || isGraph(v.graph)) &&
    isBoolean(v.trusted) &&
    (v.collapseAbove === undefined || (isInteger(v.collapseAbove) && v.collapseAbove >= 0)) &&
    (v.keptLayout === undefined || isKeptLayout(v.keptLayout)) &&
    (v.locked === undefined || isBoolean(v.locked)),
  graph: (v) => v.graph === undefined || isGraph(v.graph),
  graphPatch: (v) =>
    isString(v.name) &&
    (v.settings === undefined || (isObject(v.settings) && Array.isArray(v.settings.problems))) &&
    Array.isArray(v.nodes) &&
    v.nodes.every((n) => isText(n) || (isObject(n) && isText(n.id) && Array.isArray(n.needs))),
  runs: (v) => isRunList(v.runs),
  runSnapshot: (v) => Array.isArray(v.events) && isBoolean(v.following) && (v.runId === undefined || isText(v.runId)),
  runEvents: (v) => isText(v.runId) && Array.isArray(v.events),
  select: (v) => v.nodeId === null || isText(v.nodeId),
  trust: (v) => isBoolean(v.trusted),
  lock: (v) => isBoolean(v.locked),
  reply: (v) => isInteger(v.requestId) && (v.ok === true || (v.ok === false && isString(v.error))),
} satisfies Record<HostMessage['type'], (v: Json) => boolean>;

/** The id of the page's element that carries its first state. */
export const FIRST_STATE_ELEMENT = 'maestro-first-state';

/**
 * The panel's first state, written into its page by the host so that the first paint does not wait for a round
 * trip through it: the `init` it would send after `ready`, under an id that names this page's content.
 */
export interface FirstState {
  id: string;
  init: Extract<HostMessage, { type: 'init' }>;
}

/** Checks a first state found in the page: undefined when it is not one. */
export function parseFirstState(v: unknown): FirstState | undefined {
  if (!isObject(v) || !isText(v.id)) return undefined;
  const init = parseHostMessage(v.init);
  return init?.type === 'init' ? { id: v.id, init } : undefined;
}

/** Checks a message from the host (the webview's side of the boundary): undefined when it is not one. */
export function parseHostMessage(v: unknown): HostMessage | undefined {
  if (!isObject(v) || typeof v.type !== 'string') return undefined;
  const check = (HOST_CHECKS as Record<string, ((v: Json) => boolean) | undefined>)[v.type];
  return check?.(v) ? (v as HostMessage) : undefined;
}
