/**
 * Engine requests: what a host (the editor, a server) asks of the engine, and what each answers. Every read of runs
 * goes through these, so that a host never touches the runs folder itself and works the same with an engine
 * elsewhere, reached over a stream instead of stdio.
 */
import { isBoolean, isInteger, isNumber, isObject, isString, isStringArray, isStringRecord, isText, optional, parseJson } from '../json';
import type { EngineEvent, MutexHolding, RunListStatus } from './events';
import type { InputSpec } from '../model';
import type { RunStateSnapshot } from '../runState';
import type { CompareRow } from '../insights/compare';
import type { WorkflowInsights } from '../insights/report';

/** A workspace folder, and where its runs are kept (relative to it, or absolute; `.maestro/runs` by default). */
export interface RunsRoot {
  folder: string;
  runsDirectory?: string;
}

/** Where a team's shared results are, and the file of the key they are signed with (see run/io/sharedCache.ts). */
export interface SharedCacheSettings {
  folder: string;
  keyFile: string;
  /** Results are looked up there, but kept in the user's own cache only (the team's CI keeps them). */
  readOnly?: boolean;
}

/** A run as lists show it. */
export interface RunListEntry {
  runId: string;
  workflowPath: string;
  workflowName: string;
  status: RunListStatus;
  /** Running, with a pause asked for that waits for its running nodes to finish (a live run only). */
  pausing?: boolean;
  startedAt: number;
  endedAt?: number;
  /** Held by the engine that answers: it can be paused, cancelled, approved, retried without its log. */
  live: boolean;
}

/** A piece of a node's log: the text from `offset` to `end`, and the log's size when it was read. */
export interface LogChunk {
  text: string;
  offset: number;
  end: number;
  size: number;
}

/** A mutex held on the engine's machine, by a run of any process (see run/io/mutexLocks.ts). */
export interface HeldMutex {
  mutex: string;
  /** The run, node and process holding it, as its lock says; none for a file among the locks that is not one. */
  holder?: MutexHolding;
  /** When it was taken (an ISO time), as its lock says. */
  since?: string;
  /** Whether its holder still runs: one that has ended holds nothing, and the next run that wants it takes it over. */
  live: boolean;
  /** Held by a run of the engine that answers, which gives it back when that run or node ends. */
  here: boolean;
}

/** The largest bound of the artifacts' copies `configure` takes, in megabytes (1 TiB). */
export const MAX_CACHE_COPIES_MB = 1_048_576;

/** Every request, with what it carries and what its reply holds. */
export interface EngineRequests {
  /** Where runs are kept: the host's workspace folders. Runs of workflows outside them go where the CLI would put them. */
  /** `cacheCopiesMb`: the bound of the artifacts' copies of the runs it starts (see `cache`); else the engine's environment's. */
  /** `sharedCache`: a team's shared cache for those runs (see sharedCache.ts); null: none; absent: the engine's environment's. */
  configure: { params: { roots: RunsRoot[]; cacheCopiesMb?: number; sharedCache?: SharedCacheSettings | null }; result: Record<string, never> };
  start: {
    /** `reuseResults: false` runs nodes with `cache` too (and keeps their new results). */
    params: { workflowPath: string; inputs?: Record<string, string>; concurrency?: number; killGraceMs?: number; reuseResults?: boolean };
    result: { runId: string };
  };
  /** `actor` on a control request: who asks (a served engine's token's name), recorded in the run's events. */
  pause: { params: { runId: string; actor?: string }; result: Record<string, never> };
  /**
   * Resumes a paused run, or continues an ended or interrupted run from its log. With `fromNode`, that node and
   * everything downstream of it run again even if they had completed.
   */
  resume: {
    /** `secretInputs`: the values of the workflow's secret inputs, which a run's record does not keep. */
    params: { runId: string; fromNode?: string; killGraceMs?: number; actor?: string; secretInputs?: Record<string, string> };
    result: Record<string, never>;
  };
  /**
   * The secret inputs a `resume` of a run from its log must be given (its record kept them masked): to ask for them
   * first. None for a run this engine holds that has not ended.
   */
  resumeSecrets: { params: { runId: string }; result: { inputs: InputSpec[] } };
  cancel: { params: { runId: string; actor?: string }; result: Record<string, never> };
  retryNode: { params: { runId: string; nodeId: string; actor?: string }; result: Record<string, never> };
  approve: { params: { runId: string; nodeId: string; approved: boolean; comment?: string; actor?: string }; result: Record<string, never> };
  /** Runs newest first, of one workflow or all, of some statuses or all; a page of them, and how many there are. */
  listRuns: { params: { workflowPath?: string; statuses?: RunListStatus[]; offset?: number; limit?: number }; result: { runs: RunListEntry[]; total: number } };
  /** A run and its state, folded from its events. */
  getRun: { params: { runId: string }; result: { run: RunListEntry; state?: RunStateSnapshot } };
  /** A run's events after a seq (log lines are not among them: see readLog), a page at a time. */
  getEvents: { params: { runId: string; afterSeq?: number; limit?: number }; result: { events: EngineEvent[]; more: boolean } };
  /** A node's log from a byte offset, or its last lines. */
  readLog: { params: { runId: string; nodeId: string; offset?: number; tailLines?: number; maxBytes?: number }; result: LogChunk };
  deleteRun: { params: { runId: string }; result: Record<string, never> };
  /** Figures over a workflow's last runs (all when `last` is not given), from its runs' index. */
  insights: { params: { workflowPath: string; last?: number }; result: WorkflowInsights };
  /** Two runs side by side, node by node. */
  compareRuns: { params: { runA: string; runB: string }; result: { rows: CompareRow[] } };
  /** Deletes old runs (never one that is going): beyond the newest `keep` per workflow, or started before `olderThan`. */
  pruneRuns: { params: { keep?: number; olderThan?: number; workflowPath?: string }; result: { deleted: string[] } };
  /**
   * Deletes the results nodes with `cache` kept: a workflow's, or all of them; those kept before `olderThan` only.
   * `shared`: in the team's shared cache the engine's runs use, instead of the user's own.
   */
  forgetResults: { params: { workflowPath?: string; olderThan?: number; shared?: boolean }; result: { removed: number } };
  /**
   * The mutexes held on the engine's machine, by its own runs and other processes'; `folder`, where their lock files
   * are (absent when the engine cannot use it: its mutexes are its own runs' alone).
   */
  listMutexes: { params: Record<string, never>; result: { mutexes: HeldMutex[]; folder?: string } };
  /**
   * Gives back a mutex another process holds, for one whose holder was killed and its process id reused since (it
   * looks held for ever); refused for one a run of this engine holds. What it was, as it was listed.
   */
  releaseMutex: { params: { mutex: string }; result: { released: HeldMutex } };
  /** Stops every run where it stands (they stay interrupted in their logs) and ends the engine. */
  shutdown: { params: Record<string, never>; result: Record<string, never> };
}

export type EngineRequestType = keyof EngineRequests;
export type RequestParams<K extends EngineRequestType> = EngineRequests[K]['params'];
export type RequestResult<K extends EngineRequestType> = EngineRequests[K]['result'];

/** A request as it travels: its type, its id (answered by a reply of the same id), its parameters. */
export type EngineRequest = { [K in EngineRequestType]: { type: K; requestId: number } & RequestParams<K> }[EngineRequestType];

const LIST_STATUSES: readonly string[] = ['completed', 'failed', 'cancelled', 'running', 'paused', 'interrupted'] satisfies RunListStatus[];
const isRoot = (v: unknown): boolean => isObject(v) && isText(v.folder) && optional(isText)(v.runsDirectory);
const isCount = (v: unknown): boolean => isInteger(v) && v >= 0;
const isPositive = (v: unknown): boolean => isInteger(v) && v >= 1;
const isGrace = (v: unknown): boolean => isNumber(v) && v >= 0;

type ParamCheck = [field: string, check: (v: unknown) => boolean, what: string];
const runId: ParamCheck = ['runId', isText, 'a non-empty string'];
const nodeId: ParamCheck = ['nodeId', isText, 'a non-empty string'];
const actor: ParamCheck = ['actor', (v) => v === undefined || (isText(v) && v.length <= 64), 'a name of 1 to 64 characters'];

/** What each request's parameters must be: the compiler holds the list to the request map. */
const PARAMS = {
  configure: [
    ['roots', (v) => Array.isArray(v) && v.every(isRoot), 'a list of { folder, runsDirectory? }'],
    ['cacheCopiesMb', (v) => v === undefined || (isCount(v) && (v as number) <= MAX_CACHE_COPIES_MB), `a number of megabytes from 0 to ${MAX_CACHE_COPIES_MB}`],
    [
      'sharedCache',
      (v) => v === undefined || v === null || (isObject(v) && isText(v.folder) && isText(v.keyFile) && optional(isBoolean)(v.readOnly)),
      'null or { folder, keyFile, readOnly? }',
    ],
  ],
  start: [
    ['workflowPath', isText, 'a non-empty string'],
    ['inputs', optional(isStringRecord), 'a map of names to strings'],
    ['concurrency', (v) => v === undefined || isPositive(v), 'a positive integer'],
    ['killGraceMs', (v) => v === undefined || isGrace(v), 'a number ≥ 0'],
    ['reuseResults', optional(isBoolean), 'true or false'],
  ],
  pause: [runId, actor],
  resume: [
    runId,
    ['fromNode', optional(isText), 'a non-empty string'],
    ['killGraceMs', (v) => v === undefined || isGrace(v), 'a number ≥ 0'],
    actor,
    ['secretInputs', optional(isStringRecord), 'a map of names to strings'],
  ],
  resumeSecrets: [runId],
  cancel: [runId, actor],
  retryNode: [runId, nodeId, actor],
  approve: [runId, nodeId, ['approved', isBoolean, 'true or false'], ['comment', optional(isString), 'a string'], actor],
  listRuns: [
    ['workflowPath', optional(isText), 'a non-empty string'],
    ['statuses', (v) => v === undefined || (isStringArray(v) && v.every((s) => LIST_STATUSES.includes(s))), `a list of ${LIST_STATUSES.join(', ')}`],
    ['offset', (v) => v === undefined || isCount(v), 'an integer ≥ 0'],
    ['limit', (v) => v === undefined || isPositive(v), 'a positive integer'],
  ],
  getRun: [runId],
  getEvents: [
    runId,
    ['afterSeq', (v) => v === undefined || isInteger(v), 'an integer'],
    ['limit', (v) => v === undefined || isPositive(v), 'a positive integer'],
  ],
  readLog: [
    runId,
    nodeId,
    ['offset', (v) => v === undefined || isCount(v), 'an integer ≥ 0'],
    ['tailLines', (v) => v === undefined || isPositive(v), 'a positive integer'],
    ['maxBytes', (v) => v === undefined || isPositive(v), 'a positive integer'],
  ],
  deleteRun: [runId],
  insights: [
    ['workflowPath', isText, 'a non-empty string'],
    ['last', (v) => v === undefined || isPositive(v), 'a positive integer'],
  ],
  compareRuns: [
    ['runA', isText, 'a run id'],
    ['runB', isText, 'a run id'],
  ],
  pruneRuns: [
    ['keep', (v) => v === undefined || isCount(v), 'an integer ≥ 0'],
    ['olderThan', (v) => v === undefined || isNumber(v), 'a time (epoch milliseconds)'],
    ['workflowPath', optional(isText), 'a non-empty string'],
  ],
  forgetResults: [
    ['workflowPath', optional(isText), 'a non-empty string'],
    ['olderThan', (v) => v === undefined || isNumber(v), 'a time (epoch milliseconds)'],
    ['shared', optional(isBoolean), 'true or false'],
  ],
  listMutexes: [],
  releaseMutex: [['mutex', isText, 'a non-empty string']],
  shutdown: [],
} satisfies Record<EngineRequestType, ParamCheck[]>;

export const REQUEST_TYPES = Object.keys(PARAMS) as EngineRequestType[];

/** Checks a request that crossed the boundary: returns it typed, or why it is not one (with its id, when it has one). */
export function parseRequest(line: string): { request: EngineRequest } | { error: string; requestId?: number } {
  const value = parseJson(line);
  if (value === undefined) return { error: `not JSON: ${line.slice(0, 80)}` };
  return checkRequest(value);
}

/** Checks a value that should be a request (a message of a stream that carries requests among others). */
export function checkRequest(value: unknown): { request: EngineRequest } | { error: string; requestId?: number } {
  if (!isObject(value)) return { error: 'a request must be a JSON object' };
  const requestId = isInteger(value.requestId) ? value.requestId : undefined;
  const fail = (why: string) => ({ error: `${String(value.type)}: ${why}`, ...(requestId !== undefined ? { requestId } : {}) });
  if (requestId === undefined) return fail('requestId must be an integer');
  const checks = (PARAMS as Record<string, ParamCheck[] | undefined>)[value.type as string];
  if (!checks) return fail(`unknown request type (requests: ${REQUEST_TYPES.join(', ')})`);
  for (const [field, check, what] of checks) if (!check(value[field])) return fail(`${field} must be ${what}`);
  return { request: value as EngineRequest };
}
