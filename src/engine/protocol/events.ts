/**
 * Engine events: what happens in a run, as the engine tells the host (and the CLI), and as a run's `events.jsonl`
 * keeps it. Every event is checked field by field when it crosses a boundary or is read back from a file.
 */
import { isBoolean, isInteger, isNumber, isObject, isString, isStringArray, isStringRecord, isText, optional, type Json } from '../json';
import type { MatrixValue } from '../matrix';
import type { Scalar } from '../model';
import type { ReusedResult } from '../reusedResult';

export type NodeStatus = 'pending' | 'waiting' | 'running' | 'retrying' | 'completed' | 'failed' | 'skipped' | 'cancelled';
/** How a run ended. */
export type RunStatus = 'completed' | 'failed' | 'cancelled';
/** A run as a list of runs shows it: ended, going, or left by an engine that stopped (interrupted). */
export type RunListStatus = RunStatus | 'running' | 'paused' | 'interrupted';

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
  /** Its matrix values: strings, numbers and booleans, or lists and maps where the matrix was made at run time. */
  matrix?: Record<string, MatrixValue>;
  /** The one instance of a node whose matrix is made when the run reaches it (see `node:matrix`). */
  awaitsMatrix?: true;
  /** The mutexes its attempts hold, as the run has them (the file may have changed since). */
  mutex?: string[];
  /** How many instances of its matrix run at once at most, as the run has it. */
  maxParallel?: number;
  parentNodeId?: string;
}

/** Who holds a mutex a node or a run waits for, as far as is known: a node of another run (`runId`) or the run itself, in the process `pid`. */
export interface MutexHolding {
  runId?: string;
  nodeId?: string;
  pid?: number;
}

export interface RunSummary {
  total: number;
  completed: number;
  failed: number;
  skipped: number;
  cancelled: number;
  durationMs: number;
}

interface EventBase {
  runId: string;
  /**
   * Strictly increasing within a run, across resumes and sub-runs, for every event but `node:log`: log lines are
   * kept in the nodes' log files, not in `events.jsonl`, and their events carry the seq of the event before them.
   */
  seq: number;
  /** Epoch milliseconds. */
  ts: number;
}

/** The workflow a run runs: its name, its file, and a hash of the file's text. */
export interface WorkflowHeader {
  name: string;
  path: string;
  hash: string;
}

interface NodeEventBase extends EventBase {
  /** Instance id of the node. */
  nodeId: string;
  /** For events of a sub-workflow, the id of the `workflow` node that runs it. */
  parentNodeId?: string;
}

export type EngineEvent =
  | (EventBase & {
      type: 'workflow:started';
      workflow: WorkflowHeader;
      inputs: Record<string, Scalar>;
      nodes: RunNodeInfo[];
      concurrency: number;
    })
  /**
   * The run waits for a mutex its workflow names (`mutex:` at the top of the file), which another run holds; nothing
   * starts until it has it. Said when the wait starts and when the holder changes.
   */
  | (EventBase & { type: 'workflow:blocked'; mutex: string; holder: MutexHolding })
  | (NodeEventBase & { type: 'node:started'; attempt: number; pid?: number })
  /**
   * A `workflow` node's sub-run started: its nodes, by their ids in the run (`deploy/push`, needs likewise). With
   * `continued`, a sub-run continued from the run's log: its completed nodes keep what they reached.
   */
  | (NodeEventBase & { type: 'node:subrun'; nodes: RunNodeInfo[]; continued?: boolean })
  /**
   * A node whose matrix is made at run time has made it: `nodes`, its instances, take the place of the one instance
   * it had (under the node's id, `nodeId`).
   */
  | (NodeEventBase & { type: 'node:matrix'; nodes: RunNodeInfo[] })
  /**
   * A node that could start waits for a mutex another run holds, of this engine or of another process (what a node of
   * its own run holds, the run's own events tell): said when the wait starts and when the holder changes.
   */
  | (NodeEventBase & { type: 'node:blocked'; mutex: string; holder: MutexHolding })
  | (NodeEventBase & { type: 'node:progress'; progress: number; message?: string })
  | (NodeEventBase & { type: 'node:log'; lines: LogLine[] })
  | (NodeEventBase & { type: 'node:retrying'; attempt: number; error: string; delayMs: number })
  | (NodeEventBase & { type: 'node:waiting'; prompt: string; timeoutMs?: number })
  /** `artifactsDir`: the folder the artifacts were found in (the node's working folder, its expressions filled in). */
  | (NodeEventBase & {
      type: 'node:completed';
      attempt: number;
      outputs: Record<string, string>;
      artifacts: string[];
      artifactsDir?: string;
      quality?: number;
      /** The node did not run: its result is the one the run `runId` kept at `at`, reused (see `cache`). */
      cached?: ReusedResult;
      durationMs: number;
    })
  | (NodeEventBase & { type: 'node:failed'; attempt: number; error: string; exitCode: number | null; durationMs: number; continueOnError: boolean })
  | (NodeEventBase & { type: 'node:skipped'; reason: string })
  | (NodeEventBase & { type: 'node:cancelled'; reason: string })
  | (NodeEventBase & { type: 'node:diagnostic'; severity: 'warning' | 'error'; message: string; file?: string; line?: number; column?: number })
  /**
   * A pause asked for while nodes run: nothing new starts, and `workflow:paused` follows once the `running` nodes
   * have finished (or `workflow:resumed`, when the pause is called off first).
   */
  | (EventBase & { type: 'workflow:pausing'; running: number; actor?: string })
  /** `actor`: who paused or resumed it, when a served engine knows (the name of their token). */
  | (EventBase & { type: 'workflow:paused'; actor?: string })
  /**
   * `workflow` and `nodes`: on a run continued from its log, the workflow as its file is now (it may have changed since
   * the run started: nodes added, renamed or given other `needs`); `kept`: the nodes of sub-runs that keep what they
   * reached (they completed), under `workflow` nodes that are reset.
   */
  | (EventBase & { type: 'workflow:resumed'; reset: string[]; actor?: string; workflow?: WorkflowHeader; nodes?: RunNodeInfo[]; kept?: string[] })
  | (EventBase & { type: 'workflow:completed'; status: RunStatus; error?: string; summary: RunSummary });

export type EngineEventType = EngineEvent['type'];
export type EventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;
/** An event before the emitter stamps it with runId, seq and ts. */
export type EventDraft = EngineEvent extends infer E ? (E extends EngineEvent ? Omit<E, 'runId' | 'seq' | 'ts'> : never) : never;

const RUN_STATUSES: readonly string[] = ['completed', 'failed', 'cancelled'] satisfies RunStatus[];
/** A JSON value of at most `depth` levels (a matrix value made from JSON: a scalar, a list, a map). */
const isJsonValue = (v: unknown, depth = 32): boolean =>
  v === null ||
  ['string', 'boolean'].includes(typeof v) ||
  isNumber(v) ||
  (depth > 0 && Array.isArray(v) && v.every((x) => isJsonValue(x, depth - 1))) ||
  (depth > 0 && isObject(v) && Object.values(v).every((x) => isJsonValue(x, depth - 1)));
const isMatrixValues = (v: unknown): v is Record<string, MatrixValue> => isObject(v) && Object.values(v).every((x) => x !== null && isJsonValue(x));
const isScalarRecord = (v: unknown): v is Record<string, Scalar> =>
  isObject(v) && Object.values(v).every((x) => ['string', 'number', 'boolean'].includes(typeof x));
const isCachedFrom = (v: unknown): v is ReusedResult =>
  isObject(v) && isString(v.runId) && isNumber(v.at) && optional(isStringArray)(v.restored) && optional(isBoolean)(v.shared);
const isLogLine = (v: unknown): boolean => isObject(v) && (v.stream === 'stdout' || v.stream === 'stderr') && isString(v.text) && isNumber(v.ts);
const isNodeInfo = (v: unknown): boolean =>
  isObject(v) &&
  isText(v.id) &&
  isText(v.nodeId) &&
  isString(v.name) &&
  ['run', 'approval', 'workflow'].includes(v.kind as string) &&
  isStringArray(v.needs) &&
  optional(isString)(v.phase) &&
  (v.matrix === undefined || isMatrixValues(v.matrix)) &&
  (v.awaitsMatrix === undefined || v.awaitsMatrix === true) &&
  optional(isStringArray)(v.mutex) &&
  optional(isInteger)(v.maxParallel);
const isNodeInfos = (v: unknown): v is RunNodeInfo[] => Array.isArray(v) && v.every(isNodeInfo);
const isWorkflowHeader = (v: unknown): v is WorkflowHeader => isObject(v) && isString(v.name) && isString(v.path) && isString(v.hash);
const isSummary = (v: unknown): boolean => isObject(v) && ['total', 'completed', 'failed', 'skipped', 'cancelled', 'durationMs'].every((k) => isNumber(v[k]));
const isHolding = (v: unknown): boolean => isObject(v) && optional(isText)(v.runId) && optional(isText)(v.nodeId) && optional(isInteger)(v.pid);
const isNodeEvent = (v: Json): boolean => isText(v.nodeId) && optional(isText)(v.parentNodeId);

/** One check per event type, of its own fields: the compiler holds the list to the union. */
const PAYLOAD_CHECKS = {
  'workflow:started': (v) => isWorkflowHeader(v.workflow) && isScalarRecord(v.inputs) && isNodeInfos(v.nodes) && isNumber(v.concurrency),
  'workflow:blocked': (v) => isText(v.mutex) && isHolding(v.holder),
  'node:started': (v) => isNodeEvent(v) && isInteger(v.attempt) && optional(isInteger)(v.pid),
  'node:subrun': (v) => isNodeEvent(v) && isNodeInfos(v.nodes) && optional(isBoolean)(v.continued),
  'node:matrix': (v) => isNodeEvent(v) && isNodeInfos(v.nodes),
  'node:blocked': (v) => isNodeEvent(v) && isText(v.mutex) && isHolding(v.holder),
  'node:progress': (v) => isNodeEvent(v) && isNumber(v.progress) && optional(isString)(v.message),
  'node:log': (v) => isNodeEvent(v) && Array.isArray(v.lines) && v.lines.every(isLogLine),
  'node:retrying': (v) => isNodeEvent(v) && isInteger(v.attempt) && isString(v.error) && isNumber(v.delayMs),
  'node:waiting': (v) => isNodeEvent(v) && isString(v.prompt) && optional(isNumber)(v.timeoutMs),
  'node:completed': (v) =>
    isNodeEvent(v) &&
    isInteger(v.attempt) &&
    isStringRecord(v.outputs) &&
    isStringArray(v.artifacts) &&
    optional(isString)(v.artifactsDir) &&
    optional(isNumber)(v.quality) &&
    optional(isCachedFrom)(v.cached) &&
    isNumber(v.durationMs),
  'node:failed': (v) =>
    isNodeEvent(v) &&
    isInteger(v.attempt) &&
    isString(v.error) &&
    (v.exitCode === null || isInteger(v.exitCode)) &&
    isNumber(v.durationMs) &&
    isBoolean(v.continueOnError),
  'node:skipped': (v) => isNodeEvent(v) && isString(v.reason),
  'node:cancelled': (v) => isNodeEvent(v) && isString(v.reason),
  'node:diagnostic': (v) =>
    isNodeEvent(v) &&
    (v.severity === 'warning' || v.severity === 'error') &&
    isString(v.message) &&
    optional(isString)(v.file) &&
    optional(isInteger)(v.line) &&
    optional(isInteger)(v.column),
  'workflow:pausing': (v) => isInteger(v.running) && v.running >= 0 && optional(isText)(v.actor),
  'workflow:paused': (v) => optional(isText)(v.actor),
  'workflow:resumed': (v) =>
    isStringArray(v.reset) &&
    optional(isText)(v.actor) &&
    optional(isWorkflowHeader)(v.workflow) &&
    optional(isNodeInfos)(v.nodes) &&
    optional(isStringArray)(v.kept),
  'workflow:completed': (v) => RUN_STATUSES.includes(v.status as string) && optional(isString)(v.error) && isSummary(v.summary),
} satisfies Record<EngineEventType, (v: Json) => boolean>;

/** Every event type, in the order a run can send them. */
export const EVENT_TYPES = Object.keys(PAYLOAD_CHECKS) as EngineEventType[];

/** Whether a value is an event: its envelope and its own fields. */
export function isEngineEvent(v: unknown): v is EngineEvent {
  if (!isObject(v) || !isText(v.runId) || !isInteger(v.seq) || !isNumber(v.ts) || typeof v.type !== 'string') return false;
  const check = (PAYLOAD_CHECKS as Record<string, ((v: Json) => boolean) | undefined>)[v.type];
  return check !== undefined && check(v);
}
