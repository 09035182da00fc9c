/** What the scheduler needs from the outside world: processes, time, and somewhere to put events and logs. */
import type { EngineEvent, LogLine } from '../../protocol';
import type { ReusedResult } from '../../reusedResult';
import { setLongTimeout, type LongTimeout } from './longTimeout';
import type { PreviousInstances } from './instances';
import type { Masker } from './masker';

export interface AttemptRequest {
  /** Instance id (`test[shard=1]`). */
  instanceId: string;
  attempt: number;
  script: string;
  shell?: string;
  cwd: string;
  env: Record<string, string>;
}

export interface AttemptResult {
  exitCode: number | null;
  signal: string | null;
  /** Why the engine ended the process, when it did. */
  stoppedBy?: 'timeout' | 'cancel';
  outputs: Record<string, string>;
  /** Problems with the outputs file, such as an unclosed `name<<DELIM`. */
  outputProblems: string[];
  /** The process could not start at all. */
  spawnError?: string;
  /** Why the attempt failed, when the exit code does not say it (a sub-workflow's failure). */
  error?: string;
  /** The node was not run: this is the result an earlier run kept. */
  kept?: KeptResult & Pick<ReusedResult, 'restored' | 'shared'>;
  /** The node ran after its cache was looked up: its result is kept under this key when it completes. */
  keepAs?: { key: string; query: CacheQuery; prepared?: KeepPreparation };
}

export interface RunningAttempt {
  pid?: number;
  done: Promise<AttemptResult>;
  /**
   * Ends the attempt's whole process group: SIGTERM, then SIGKILL after the grace period. A sub-run is cancelled,
   * its nodes told `message` (why the run above stopped it), and stopped `hard` (its clean-up nodes too).
   */
  stop(reason: 'timeout' | 'cancel', message?: string, hard?: boolean): void;
  /** A sub-run's: stops where it stands, as the run above does when its host goes away (see `Scheduler.halt`). */
  halt?(reason: string): void;
  /** A sub-run's: nothing new starts in it; `onQuiet` once nothing runs in it. */
  pause?(onQuiet: () => void): void;
  /** A sub-run's: it goes on after a pause. */
  resume?(): void;
  /** A sub-run's: decides one of its approval gates, by its id inside the sub-run. */
  approve?(instanceId: string, approved: boolean, comment?: string, actor?: string): void;
}

export interface ProcessRunner {
  /** `onLine` gets the output line by line; with `continues`, the text is a piece of a long line that the next text of that stream goes on with. */
  start(request: AttemptRequest, onLine: (stream: LogLine['stream'], text: string, continues: boolean) => void): RunningAttempt;
  /** Files matching the artifact patterns, relative to cwd, and the patterns that matched none. */
  findArtifacts(cwd: string, patterns: readonly string[]): { files: string[]; unmatched: string[] };
  /** Kills every process group it started that still runs, and any that starts after, at once (SIGKILL). */
  killAll(): void;
}

/** What decides whether a node would run the same way as a kept result: its key is made of all of it. */
export interface CacheQuery {
  workflowPath: string;
  /** The instance id (`test[shard=1]`). */
  instanceId: string;
  script: string;
  shell?: string;
  cwd: string;
  /** The environment the workflow and the node declare, evaluated (not the engine's own). */
  env: Record<string, string>;
  matrix: Record<string, string>;
  /** The `cache.files` patterns, relative to cwd; their matches' contents go into the key. */
  files: string[];
  outputs: string[];
  /** The output the standard output is (`stdoutAs`): the same script gives its outputs otherwise. */
  stdoutAs?: string;
  artifacts: string[];
}

/** A result kept by an earlier run, as the node's completion gave it. */
export interface KeptResult {
  runId: string;
  /** When it was kept (ms since the epoch). */
  at: number;
  outputs: Record<string, string>;
  quality?: number;
}

export interface CacheLookup {
  key: string;
  /** The kept result, when there is one within `ttlMs` whose artifacts are as the node left them (or were put back so). */
  hit?: KeptResult;
  /** The artifacts of the hit that had changed and were put back from the copies kept with it. */
  restored?: string[];
  /** The artifacts the hit names (its node's, as they are now). */
  artifacts?: string[];
  /** Where the hit was found, when not in the runs folder (a team's shared cache). */
  where?: string;
  /** Why the key could not be made (a file that cannot be read): the node runs, and nothing is kept. */
  problem?: string;
  /** A line for the node's log: why a kept result was found but not reused. */
  note?: string;
}

export interface CacheLookupOptions {
  ttlMs?: number;
  now: number;
  reuse: boolean;
}

/** What a cache made of a node's artifacts once its process ended well (copies of them), handed back to `keep`. */
export interface KeepPreparation {
  /** A line for the node's log (why its artifacts were not copied). */
  note?: string;
}

/** Results of nodes with `cache`, kept across runs. Never rejects: a problem is a miss that says why. */
export interface NodeCache {
  /** The key of the query, and, with `reuse`, its kept result (within `ttlMs` of `now`). */
  lookup(query: CacheQuery, o: CacheLookupOptions): Promise<CacheLookup>;
  /**
   * Keeps a completed node's result under its key; a failure to write is reported, not thrown. Returns a line for the
   * node's log when the result itself cannot be kept (an artifact that cannot be stamped), or kept only in part.
   */
  keep(key: string, result: KeptResult & { artifacts: string[]; query: CacheQuery; prepared?: KeepPreparation }): string | undefined;
  /**
   * Once a node's process ended well, before it completes (what comes after it may change its artifacts): copies its
   * artifacts, for `keep`. Never rejects.
   */
  prepare?(query: CacheQuery): Promise<KeepPreparation>;
  /** Resolves once what `keep` went on doing on its own (trimming the copies) is done. */
  settled?(): Promise<void>;
}

/** Opaque: a Node.js Timeout object, or a number for fake clocks. */
/** Runs a node's `workflow:` file as a sub-run of the current run; the sub-run is one attempt of the node. */
export interface SubWorkflowRequest {
  instanceId: string;
  /** Absolute path of the sub-workflow file. */
  path: string;
  inputs: Record<string, string>;
  /** Declared outputs of the node, taken from the sub-run's nodes; all of them when undefined. */
  outputs?: string[];
  /** Workflow files of the runs that contain this one, outermost first, to refuse a workflow that includes itself. */
  chain: string[];
  /** Where the sub-run's events and logs go: into the parent run, under this node. */
  sink: RunSink;
  /** The run's masker: a value masked anywhere in the run is masked everywhere in it. */
  masker: Masker;
  /** What the sub-run's node ids are prefixed with in the whole run (`deploy/`, `deploy/inner/`). */
  idPrefix: string;
  /** A run continued from its log: the sub-run's nodes that had completed (ids inside the sub-run), kept as they were. */
  previous?: PreviousInstances;
}

export type SubWorkflowRunner = (request: SubWorkflowRequest) => RunningAttempt;

export type TimerHandle = object | number;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setLongTimeout(fn, ms),
  clearTimeout: (h) => (h as LongTimeout).clear(),
};

export interface RunSink {
  /** Called for every event, in order; a persistent sink writes it before anyone else sees it. */
  event(e: EngineEvent): void;
  /** Every log line of a node, masked, for its log file. */
  log(instanceId: string, line: LogLine): void;
}
