// `workflow:` nodes: another file run as a sub-run of the same run, reporting into it under the node.
import { dirname, resolve } from 'node:path';
import { MAX_SUB_WORKFLOW_DEPTH } from '../model';
import { maskedInputs, resolveInputs, secretValues } from './core/inputs';
import type { FileReader } from '../expressions/evaluate';
import type { EngineEvent, LogLine, RunStatus } from '../protocol';
import type { Clock, NodeCache, ProcessRunner, RunningAttempt, RunSink, SubWorkflowRequest, SubWorkflowRunner } from './core/ports';
import { Scheduler } from './core/scheduler';
import type { MutexRegistry } from './core/mutexes';
import type { SlotPool } from './core/slots';
import { loadWorkflow, RunSetupError } from './setup';

export interface SubRunContext {
  runId: string;
  tempDir: string;
  concurrency: number;
  baseEnv: Record<string, string>;
  runner: ProcessRunner;
  clock: Clock;
  cache?: NodeCache;
  /** The run's slots, which its sub-runs share. */
  slots: SlotPool;
  /** The mutexes of the engine's runs, which the sub-runs share. */
  mutexes: MutexRegistry;
  /** What hashFiles() reads below a sub-run's workspace. */
  files?: (folder: string) => FileReader;
  /** The command a node's script runs to read hashFiles() itself. */
  hashFilesCommand?: string;
}

const failed = (error: string): RunningAttempt => ({
  done: Promise.resolve({ exitCode: null, signal: null, outputs: {}, outputProblems: [], error }),
  stop: () => undefined,
});

/** Runs `workflow:` nodes as nested schedulers that report into the parent run; one sub-run is one attempt. */
export function subWorkflowRunner(context: SubRunContext): SubWorkflowRunner {
  const run: SubWorkflowRunner = (request) => {
    const path = resolve(request.path);
    if (request.chain.map((p) => resolve(p)).includes(path)) return failed(`${path} includes itself`);
    if (request.chain.length >= MAX_SUB_WORKFLOW_DEPTH) return failed(`sub-workflows nest more than ${MAX_SUB_WORKFLOW_DEPTH} deep`);
    let loaded: ReturnType<typeof loadWorkflow>;
    try {
      loaded = loadWorkflow(path);
    } catch (e) {
      return failed(`sub-workflow ${e instanceof RunSetupError ? e.withFirstProblem() : (e as Error).message}`);
    }
    const { values, errors } = resolveInputs(loaded.workflow.inputs, request.inputs);
    if (errors.length) return failed(`sub-workflow ${path}: ${errors.join('; ')}`);
    for (const value of secretValues(maskedInputs(loaded.workflow.inputs, values), values)) request.masker.add(value);
    const sink = new QuietSink(request.sink);
    const nested = new Scheduler({
      ...context,
      workflow: loaded.workflow,
      workflowPath: loaded.path,
      workflowHash: loaded.hash,
      inputs: values,
      baseDir: dirname(loaded.path),
      concurrency: loaded.workflow.concurrency ?? context.concurrency,
      sink,
      subWorkflows: run,
      chain: request.chain,
      masker: request.masker,
      idPrefix: request.idPrefix,
      ...(request.previous ? { previous: { instances: request.previous, lastSeq: 0 } } : {}),
    });
    nested.start();
    return attemptOf(nested, sink, request);
  };
  return run;
}

/** The parent's sink, telling when the sub-run says it is paused: nothing runs in it any more. */
class QuietSink implements RunSink {
  onQuiet?: () => void;

  constructor(private readonly parent: RunSink) {}

  event(e: EngineEvent): void {
    if (e.type === 'workflow:paused') this.onQuiet?.();
    this.parent.event(e);
  }

  log(instanceId: string, line: LogLine): void {
    this.parent.log(instanceId, line);
  }
}

/** Why a sub-run's node failed: the sub-run's status, and what stopped it when something did (its own timeout). */
function subRunError(nested: Scheduler, status: RunStatus): string {
  const reason = status === 'failed' ? nested.stopReason : undefined;
  return `the sub-workflow ${nested.name} ${status}${reason ? `: ${reason}` : ''}`;
}

/** A started sub-run as the parent's attempt of its node: it ends with the sub-run, and stops, pauses and resumes it. */
function attemptOf(nested: Scheduler, sink: QuietSink, request: SubWorkflowRequest): RunningAttempt {
  let stoppedBy: 'timeout' | 'cancel' | undefined;
  return {
    done: nested.done.then((status) => ({
      exitCode: status === 'completed' ? 0 : 1,
      signal: null,
      outputs: nested.collectOutputs(request.outputs),
      outputProblems: [],
      ...(stoppedBy ? { stoppedBy } : {}),
      ...(status === 'completed' ? {} : { error: subRunError(nested, status) }),
    })),
    stop: (reason, message, hard = false) => {
      if (nested.isFinished) return;
      stoppedBy = reason;
      nested.cancelFor(message ?? `'${request.instanceId}' was stopped`, hard);
    },
    halt: (reason) => {
      if (nested.isFinished) return;
      stoppedBy = 'cancel';
      void nested.halt(reason);
    },
    pause: (onQuiet) => {
      if (nested.isFinished) return;
      sink.onQuiet = onQuiet;
      nested.pause();
    },
    resume: () => {
      sink.onQuiet = undefined;
      if (!nested.isFinished) nested.resume();
    },
    approve: (id, approved, comment, actor) => {
      try {
        nested.approve(id, approved, comment, actor);
      } catch (e) {
        // Its errors name the gate as the sub-run knows it; the run knows it under the node.
        throw new Error((e as Error).message.replace(`'${id}'`, `'${request.instanceId}/${id}'`));
      }
    },
  };
}
