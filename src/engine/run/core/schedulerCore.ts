// What a scheduler is given (SchedulerOptions), and what the node lifecycle it owns may use of it (SchedulerCore).
import type { FileReader } from '../../expressions/evaluate';
import type { Scalar, WorkflowSpec } from '../../model';
import type { EventDraft } from '../../protocol';
import type { Instance, InstanceTable, PreviousInstances } from './instances';
import type { LogBatcher } from './logBatcher';
import type { Masker } from './masker';
import type { SubRunPauses } from './nestedRuns';
import type { Clock, NodeCache, ProcessRunner, RunSink, SubWorkflowRunner } from './ports';
import type { RunScope } from './scope';
import type { MutexRegistry } from './mutexes';
import type { SlotPool } from './slots';

export interface SchedulerOptions {
  runId: string;
  workflow: WorkflowSpec;
  workflowPath: string;
  workflowHash: string;
  inputs: Record<string, Scalar>;
  /** Folder that relative `cwd`s resolve against: the workflow file's folder. */
  baseDir: string;
  /** Scratch folder for the run (`MAESTRO_TEMP`). */
  tempDir: string;
  concurrency: number;
  /** Environment every node starts from (the engine's own, usually). */
  baseEnv: Record<string, string>;
  runner: ProcessRunner;
  clock: Clock;
  sink: RunSink;
  /**
   * Continuing a run from its log: what each instance had reached, the last sequence number written, lines for
   * instances' logs about what happened to them in between (an attempt left running by an engine that died), and when
   * the run first started (its duration counts from then, as its record's does, and as a retried run's does).
   */
  /** `runAgain`: the node the run is continued from (Run from Here), which runs even when a result was kept for it. */
  previous?: { instances: PreviousInstances; lastSeq: number; notes?: Map<string, string[]>; actor?: string; startedAt?: number; runAgain?: string };
  /** Log batching: at most this many lines or this many milliseconds before a node:log event. */
  logBatch?: { lines: number; ms: number };
  /** Runs `workflow:` nodes; without it, such nodes fail saying so. */
  subWorkflows?: SubWorkflowRunner;
  /** Keeps and reuses the results of nodes with `cache`; without it, they always run. */
  cache?: NodeCache;
  /** Workflow files of the runs that contain this one (for sub-runs), outermost first. */
  chain?: string[];
  /** The run's masker, for a sub-run; a run makes its own. */
  masker?: Masker;
  /** For a sub-run: what its nodes' ids are prefixed with in the run (`deploy/`), as its events and logs name them. */
  idPrefix?: string;
  /** The run's slots, for a sub-run (a run makes its own, of `concurrency`); `concurrency` also bounds a sub-run alone. */
  slots?: SlotPool;
  /** The mutexes of the engine's runs, for a sub-run or another run of the engine (a run makes its own). */
  mutexes?: MutexRegistry;
  /** Reads the files below a folder for hashFiles(); without it, expressions that call it fail saying so. */
  files?: (folder: string) => FileReader;
  /** The command a node's script runs to read hashFiles() itself (`$MAESTRO_HASH_FILES`), where the engine has one. */
  hashFilesCommand?: string;
}

/** What the node lifecycle needs of the scheduler that owns it. */
export interface SchedulerCore {
  readonly options: SchedulerOptions;
  readonly table: InstanceTable;
  readonly scope: RunScope;
  /** The folder hashFiles() reads below (`$MAESTRO_WORKSPACE`): see workspaceOf. */
  readonly workspace: string;
  readonly masker: Masker;
  readonly logs: LogBatcher;
  /** The run is being cancelled (or halted): only clean-up nodes start, nothing is retried. */
  readonly cancelling: boolean;
  readonly paused: boolean;
  /** Why what the cancellation stops was stopped. */
  readonly cancelReason: string;
  /** Attempts running now (approval gates are not counted). */
  running: number;
  /** Attempts of run nodes running now: each holds a slot of `slots`. */
  processes: number;
  readonly slots: SlotPool;
  readonly mutexes: MutexRegistry;
  /** The sub-runs the run's pause paused. */
  readonly subRunPauses: SubRunPauses;
  emitNode(instanceId: string, draft: EventDraft): void;
  /** Whether an attempt of the instance may start now (under the run's concurrency and its matrix's `maxParallel`), taking its mutexes when it may. */
  hasSlotFor(inst: Instance): boolean;
  /** A failed instance of a matrix that fails fast: the other instances are cancelled. */
  failFast(failed: Instance): void;
  /** Marks an instance ended, and publishes its group once the whole group has. */
  end(inst: Instance, status: Instance['status']): void;
  pump(): void;
  settle(): void;
}
