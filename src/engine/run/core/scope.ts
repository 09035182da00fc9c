// What expressions see while a run goes: the contexts (inputs, env, nodes, matrix, run, workflow) and the status
// functions of the node they belong to, and how `${{ }}` in a text is filled in.
import type { Value } from '../../expressions/ast';
import { evaluate, toText, type EvaluationScope } from '../../expressions/evaluate';
import { findTemplates } from '../../expressions/template';
import type { Scalar, WorkflowSpec } from '../../model';
import { isEffectivelyOk, type Group, type Instance, type InstanceTable } from './instances';

/** An expression's source as a message quotes it. */
const clip = (source: string): string => (source.length > 80 ? `${source.slice(0, 77)}…` : source);

/** Fills in every `${{ }}` of a text. Throws with the expression quoted when one cannot be evaluated. */
export function interpolate(text: string, scope: EvaluationScope): string {
  if (!text.includes('${{')) return text;
  let out = '';
  let last = 0;
  for (const part of findTemplates(text)) {
    if (part.error) throw new Error(`invalid expression '${clip(part.source.trim())}': ${part.error.message}`);
    let value: string;
    try {
      value = toText(evaluate(part.expr!, scope));
    } catch (e) {
      // A value nested too deeply to walk (fromJSON of a deep document) overflows the stack.
      if (e instanceof RangeError) throw new Error(`expression '${clip(part.source.trim())}': ${e.message} (a value nested too deeply?)`);
      throw e;
    }
    out += text.slice(last, part.span.start) + value;
    last = part.span.end;
  }
  return out + text.slice(last);
}

/** The status `nodes.<id>.status` reads for a group that has ended. */
export function groupStatus(g: Group): string {
  const statuses = g.instances.map((i) => i.status);
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('cancelled')) return 'cancelled';
  return statuses.every((s) => s === 'skipped') ? 'skipped' : 'completed';
}

/** Outputs of the completed instances, later ones in the file winning; only `names` when given. */
export function collectOutputs(instances: readonly Instance[], names?: readonly string[]): Record<string, string> {
  const all: Record<string, string> = {};
  for (const i of instances) if (i.status === 'completed') Object.assign(all, i.outputs);
  return names ? Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]])) : all;
}

export interface ScopeOptions {
  runId: string;
  workflow: WorkflowSpec;
  inputs: Record<string, Scalar>;
  table: InstanceTable;
  /** Whether the run is being cancelled, for cancelled(). */
  cancelling: () => boolean;
}

/** The contexts of one run: `nodes` fills in as groups end; `env` is the run's, after the workflow's own. */
export class RunScope {
  /** What `nodes.<id>` reads, once a node has ended. */
  private readonly nodes: Record<string, Value> = {};
  readonly env: Record<string, string>;

  constructor(
    private readonly options: ScopeOptions,
    baseEnv: Record<string, string>,
  ) {
    this.env = { ...baseEnv };
    const scope = this.of(undefined);
    for (const [k, v] of Object.entries(options.workflow.env)) this.env[k] = interpolate(v, scope);
  }

  /** The scope of an expression of a node (or of the workflow, with no instance). */
  of(inst: Instance | undefined): EvaluationScope {
    const needs = inst?.group.needs ?? [];
    const table = this.options.table;
    return {
      contexts: {
        inputs: this.options.inputs,
        env: inst ? { ...this.env, ...inst.spec.env } : this.env,
        nodes: this.nodes,
        matrix: inst?.matrix ?? {},
        run: { id: this.options.runId },
        workflow: { name: this.options.workflow.name },
      },
      status: {
        success: () => needs.every((g) => g.instances.every(isEffectivelyOk)),
        failure: () => inst !== undefined && table.upstreamFailed(inst.group),
        cancelled: () => this.options.cancelling(),
      },
    };
  }

  /** A group has ended: what `nodes.<id>` reads from now on. A matrix node's outputs are keyed by instance. */
  publish(g: Group): void {
    let outputs: Record<string, Value>;
    if (g.spec.matrix) {
      outputs = {};
      for (const i of g.instances) for (const [k, v] of Object.entries(i.outputs)) ((outputs[k] ??= {}) as Record<string, Value>)[i.id] = v;
    } else outputs = { ...g.instances[0].outputs };
    this.nodes[g.spec.id] = { status: groupStatus(g), outputs };
  }

  /** A group is set back to run again: `nodes.<id>` no longer reads its old results. */
  forget(g: Group): void {
    delete this.nodes[g.spec.id];
  }
}
