// What expressions see while a run goes: the contexts (inputs, env, nodes, matrix, run, workflow) and the status
// functions of the node they belong to, and how `${{ }}` in a text is filled in.
import type { data } from '@actions/expressions';
import { parseCondition } from '../../expressions/condition';
import type { EvaluationScope, FileReader, Value } from '../../expressions/evaluate';
import { interpolate } from '../../expressions/interpolate';
import { UpstreamNodes } from '../../expressions/upstreamNodes';
import { toData } from '../../expressions/values';
import { upstreamChecker } from '../../graph';
import { resolveMutexNames } from '../../mutexNames';
import type { Scalar, WorkflowSpec } from '../../model';
import { joinPath } from './folders';
import { groupConclusion, groupOutcome, type Group, type Instance, type InstanceTable } from './instances';

/**
 * A name with its expressions evaluated: a workflow's sees `inputs` and `run`, a node's also `matrix` and `workflow`
 * (what is known when the run starts). A name whose expression cannot be evaluated keeps its text.
 */
export function evaluateName(name: string, contexts: Record<string, Value>): string {
  try {
    return interpolate(name, { contexts });
  } catch {
    return name;
  }
}

/**
 * The folder hashFiles() reads below, GitHub's workspace: the one nodes run in unless they name their own (the
 * workflow's `defaults.cwd`, or the workflow file's folder).
 */
export function workspaceOf(workflow: WorkflowSpec, baseDir: string, inputs: Record<string, Scalar>, runId: string): string {
  return workflow.defaultCwd === undefined ? baseDir : joinPath(baseDir, evaluateName(workflow.defaultCwd, { inputs, run: { id: runId } }));
}

/** The run's name: the workflow's, evaluated. */
export function runName(workflow: WorkflowSpec, inputs: Record<string, Scalar>, runId: string): string {
  return evaluateName(workflow.name, { inputs, run: { id: runId } });
}

/** Outputs of the completed instances, later ones in the file winning; only `names` when given. */
export function collectOutputs(instances: readonly Instance[], names?: readonly string[]): Record<string, string> {
  const all: Record<string, string> = {};
  for (const i of instances) if (i.status === 'completed') Object.assign(all, i.outputs);
  return names ? Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]])) : all;
}

/** What `matrix` reads: the instance's values, JSON as a matrix made from JSON has them. */
const matrixContext = (inst: Instance): Value => inst.matrix as Record<string, Value>;

export interface ScopeOptions {
  runId: string;
  workflow: WorkflowSpec;
  inputs: Record<string, Scalar>;
  table: InstanceTable;
  /** Whether the run is being cancelled, for cancelled(). */
  cancelling: () => boolean;
  /** What hashFiles() reads, below the folder nodes run in by default (see workspaceOf). */
  files?: FileReader;
}

/** The contexts of one run: `nodes` fills in as groups end; `env` is the run's, after the workflow's own. */
export class RunScope {
  /** What `nodes.<id>` reads, once a node has ended. */
  private readonly nodes: Record<string, Value> = {};
  /** `nodes` as expression data: made when first read, then added to as nodes end (made again only when one is forgotten). */
  private nodesData: data.Dictionary | undefined;
  /** Made when an expression first reads `nodes`: which nodes are upstream of which, and ids by lower case. */
  private upstream: { isUpstream: (id: string, ancestor: string) => boolean; idOf: (name: string) => string | undefined } | undefined;
  readonly env: Record<string, string>;
  /** The run's name, evaluated; what `workflow.name` reads. */
  readonly name: string;

  constructor(
    private readonly options: ScopeOptions,
    baseEnv: Record<string, string>,
  ) {
    this.name = runName(options.workflow, options.inputs, options.runId);
    this.env = { ...baseEnv };
    const scope = this.of(undefined);
    for (const [k, v] of Object.entries(options.workflow.env)) this.env[k] = interpolate(v, scope);
  }

  /** An instance's name, evaluated. */
  nameOf(inst: Instance): string {
    if (inst.spec.name === undefined) return inst.id;
    return evaluateName(inst.spec.name, {
      inputs: this.options.inputs,
      matrix: matrixContext(inst),
      run: { id: this.options.runId },
      workflow: { name: this.name },
    });
  }

  /**
   * Whether an instance's failure leaves the run going: its node's `continueOnError`, an expression evaluated over
   * `inputs` and `matrix` (false when it cannot be).
   */
  continuesOnError(inst: Instance): boolean {
    const setting = inst.spec.continueOnError;
    if (typeof setting !== 'string') return setting;
    try {
      return parseCondition(setting).holds({ contexts: { inputs: this.options.inputs, matrix: matrixContext(inst) } });
    } catch {
      return false;
    }
  }

  /** The mutexes an instance names, filled in from `inputs` and its `matrix` (none: it names none). */
  mutexOf(inst: Instance): { names?: readonly string[] } | { error: string } {
    if (inst.spec.mutex === undefined) return {};
    if (inst.mutex) return { names: inst.mutex };
    const resolved = resolveMutexNames(inst.spec.mutex, { contexts: { inputs: this.options.inputs, matrix: matrixContext(inst) } });
    if ('names' in resolved) inst.mutex = resolved.names;
    return resolved;
  }

  /** The workflow's own mutexes, filled in from `inputs` (none: it names none). */
  runMutex(): { names?: readonly string[] } | { error: string } {
    const { mutex } = this.options.workflow;
    return mutex === undefined ? {} : resolveMutexNames(mutex, { contexts: { inputs: this.options.inputs } });
  }

  /** The scope of an expression of a node (or of the workflow, with no instance). */
  of(inst: Instance | undefined): EvaluationScope {
    const needs = inst?.group.needs ?? [];
    const table = this.options.table;
    return {
      contexts: {
        inputs: this.options.inputs,
        env: inst ? { ...this.env, ...inst.spec.env } : this.env,
        nodes: this.nodesSeenBy(inst),
        matrix: inst ? matrixContext(inst) : {},
        run: { id: this.options.runId },
        workflow: { name: this.name },
      },
      status: {
        success: () => !this.options.cancelling() && needs.every((g) => groupConclusion(g) === 'completed'),
        failure: () => inst !== undefined && table.upstreamFailed(inst.group),
        cancelled: () => this.options.cancelling(),
      },
      ...(this.options.files ? { files: oneReading(this.options.files) } : {}),
    };
  }

  /** `nodes` as an instance sees it: the nodes upstream of it (all of them, for the workflow's own expressions). */
  private nodesSeenBy(inst: Instance | undefined): data.Dictionary {
    const all = () => (this.nodesData ??= toData(this.nodes) as data.Dictionary);
    if (!inst) return all();
    this.upstream ??= upstreamIndex(this.options.workflow);
    const { isUpstream, idOf } = this.upstream;
    return new UpstreamNodes(all, (id) => isUpstream(inst.spec.id, id), idOf);
  }

  /** A group has ended: what `nodes.<id>` reads from now on. A matrix node's outputs are keyed by instance. */
  publish(g: Group): void {
    let outputs: Record<string, Value>;
    if (g.spec.matrix) {
      outputs = {};
      for (const i of g.instances) for (const [k, v] of Object.entries(i.outputs)) ((outputs[k] ??= {}) as Record<string, Value>)[i.id] = v;
    } else outputs = { ...g.instances[0].outputs };
    const id = g.spec.id;
    const again = id in this.nodes;
    this.nodes[id] = { status: groupConclusion(g), outcome: groupOutcome(g), outputs };
    // A node ending the first time is added to what was made (a thousand-node run would otherwise make it a thousand times).
    if (again) this.nodesData = undefined;
    else this.nodesData?.add(id, toData(this.nodes[id]));
  }

  /** A group is set back to run again: `nodes.<id>` no longer reads its old results. */
  forget(g: Group): void {
    delete this.nodes[g.spec.id];
    this.nodesData = undefined;
  }
}

/**
 * The files as one scope reads them (a node's values as it starts, the workflow's env as the run does): the same
 * patterns are read once, so that a node's run and env cannot see two states of the files, nor walk them twice.
 */
function oneReading(files: FileReader): FileReader {
  const read = new Map<string, string>();
  return {
    hashFiles: (args) => {
      const key = JSON.stringify(args);
      let hash = read.get(key);
      if (hash === undefined) read.set(key, (hash = files.hashFiles(args)));
      return hash;
    },
  };
}

function upstreamIndex(workflow: WorkflowSpec) {
  const ids = new Map<string, string>();
  for (const n of workflow.nodes) if (!ids.has(n.id.toLowerCase())) ids.set(n.id.toLowerCase(), n.id);
  return { isUpstream: upstreamChecker(workflow.nodes), idOf: (name: string) => ids.get(name.toLowerCase()) };
}
