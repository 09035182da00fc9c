import { parseDuration } from './duration';
import { isObject, type Json } from './json';
import { hasMatrixExpressions, matrixOf, type MatrixSpec } from './matrix';

/** Whether a node fans out: its matrix is written out, or made when the run reaches it. */
export const hasMatrix = (node: Pick<NodeSpec, 'matrix' | 'matrixTemplate'>): boolean => node.matrix !== undefined || node.matrixTemplate !== undefined;

export { expandMatrix, matrixSize, MAX_MATRIX_INSTANCES, type MatrixInstance, type MatrixSpec } from './matrix';

export type NodeKind = 'run' | 'approval' | 'workflow';

/** The outputs the engine gives an approval gate: `approved`, and who approved it with their comment when known. */
export const APPROVAL_OUTPUTS: readonly string[] = ['approved', 'approvedBy', 'comment'];
export type Backoff = 'fixed' | 'linear' | 'exponential';
export type Scalar = string | number | boolean;
export type InputType = 'string' | 'number' | 'boolean';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  max: number;
  backoff: Backoff;
  delayMs: number;
  maxDelayMs?: number;
}

export interface InputSpec {
  name: string;
  type: InputType;
  default?: Scalar;
  description?: string;
  required: boolean;
  /** Masked wherever it would show, and not kept with the run. */
  secret?: boolean;
}

export interface NodeSpec {
  id: string;
  name?: string;
  phase?: string;
  description?: string;
  kind: NodeKind;
  run?: string;
  approval?: { prompt?: string; timeoutMs?: number };
  workflow?: string;
  with: Record<string, string>;
  needs: string[];
  if?: string;
  env: Record<string, string>;
  cwd?: string;
  shell?: string;
  /** The container image for exports to container engines; not used by the local engine. */
  image?: string;
  timeoutMs?: number;
  retry: RetryPolicy;
  /** True, false, or an expression (`${{ matrix.experimental }}`) each instance decides it by when the run starts. */
  continueOnError: boolean | string;
  /** Declared output names (`stdoutAs` among them); undefined when the node declares none. */
  outputs?: string[];
  /** The output whose value is the node's standard output (Argo's `outputs.result`). */
  stdoutAs?: string;
  artifacts: string[];
  quality?: { min: number };
  matrix?: MatrixSpec;
  /**
   * A matrix written with expressions (`${{ fromJSON(nodes.plan.outputs.matrix) }}`), as written: it is made when the
   * run reaches the node (see matrixAtRunTime), and `matrix` is undefined until then.
   */
  matrixTemplate?: Json | string;
  /** The most instances of the node's matrix that run at once. */
  maxParallel?: number;
  /** An instance's failure cancels the other instances of the node's matrix. */
  failFast: boolean;
  /** Reuse of an earlier run's result when the node would run the same way again (run nodes only). */
  cache?: CacheSpec;
  /** Mutexes an attempt holds while it runs: nodes that name one of them run one at a time (run nodes only). */
  mutex?: string[];
}

export interface CacheSpec {
  /** Paths or globs, relative to `cwd`, whose contents are part of what the node depends on. */
  files: string[];
  /** How long a result may be reused; for ever when undefined. */
  ttlMs?: number;
}

export interface WorkflowSpec {
  version: number;
  name: string;
  description?: string;
  inputs: Record<string, InputSpec>;
  env: Record<string, string>;
  concurrency?: number;
  timeoutMs?: number;
  /** The mutexes the run holds from its first node to its end: runs that name one take turns. */
  mutex?: string[];
  /** `defaults.cwd`: the folder nodes run in unless they name their own, relative to the workflow's. */
  defaultCwd?: string;
  /** Nodes in file order. */
  nodes: NodeSpec[];
}

function cacheOf(v: unknown): CacheSpec | undefined {
  if (v === true) return { files: [] };
  if (!isObject(v)) return undefined;
  return { files: typeof v.files === 'string' ? [v.files] : strings(v.files), ttlMs: parseDuration(v.ttl) };
}

const NO_RETRY: RetryPolicy = { max: 0, backoff: 'fixed', delayMs: 1000 };

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter((s): s is string => s !== undefined) : []);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) out[k] = str(x) ?? '';
  return out;
}

function retryPolicy(v: unknown, fallback: RetryPolicy): RetryPolicy {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return { ...NO_RETRY, max: v };
  if (!isObject(v)) return fallback;
  const max = typeof v.max === 'number' && Number.isInteger(v.max) && v.max >= 0 ? v.max : 0;
  const backoff = v.backoff === 'linear' || v.backoff === 'exponential' ? v.backoff : 'fixed';
  return { max, backoff, delayMs: parseDuration(v.delay) ?? NO_RETRY.delayMs, maxDelayMs: parseDuration(v.maxDelay) };
}

function kindOf(v: Json): NodeKind {
  if ('approval' in v && !('run' in v)) return 'approval';
  if ('workflow' in v && !('run' in v)) return 'workflow';
  return 'run';
}

function inputSpecs(v: unknown): Record<string, InputSpec> {
  const inputs: Record<string, InputSpec> = {};
  if (!isObject(v)) return inputs;
  for (const [name, spec] of Object.entries(v)) {
    const s = isObject(spec) ? spec : {};
    const type: InputType = s.type === 'number' || s.type === 'boolean' ? s.type : 'string';
    const dflt = typeof s.default === 'string' || typeof s.default === 'number' || typeof s.default === 'boolean' ? s.default : undefined;
    inputs[name] = {
      name,
      type,
      default: dflt,
      description: str(s.description),
      required: s.required === true,
      ...(s.secret === true ? { secret: true } : {}),
    };
  }
  return inputs;
}

/**
 * Builds the normalized model from a parsed document. Tolerant: whatever is malformed is left out or defaulted,
 * so that the editor can still draw the graph of a file the validator rejects.
 */
export function buildWorkflow(doc: unknown): WorkflowSpec {
  const root = isObject(doc) ? doc : {};
  const defaults = isObject(root.defaults) ? root.defaults : {};
  const defaultRetry = retryPolicy(defaults.retry, NO_RETRY);
  const inputs = inputSpecs(root.inputs);
  const nodes: NodeSpec[] = [];
  if (isObject(root.nodes)) {
    for (const [id, raw] of Object.entries(root.nodes)) {
      const n = isObject(raw) ? raw : {};
      const approval = isObject(n.approval) ? { prompt: str(n.approval.prompt), timeoutMs: parseDuration(n.approval.timeout) } : undefined;
      nodes.push({
        id,
        name: str(n.name),
        phase: str(n.phase),
        description: str(n.description),
        kind: kindOf(n),
        run: str(n.run),
        approval,
        workflow: str(n.workflow),
        with: stringMap(n.with),
        needs: typeof n.needs === 'string' ? [n.needs] : strings(n.needs),
        if: typeof n.if === 'boolean' ? String(n.if) : str(n.if),
        env: stringMap(n.env),
        cwd: str(n.cwd) ?? str(defaults.cwd),
        shell: str(n.shell) ?? str(defaults.shell),
        image: str(n.image) ?? str(defaults.image),
        timeoutMs: parseDuration(n.timeout) ?? parseDuration(defaults.timeout),
        retry: n.retry === undefined ? defaultRetry : retryPolicy(n.retry, defaultRetry),
        continueOnError: typeof n.continueOnError === 'string' && n.continueOnError.includes('${{') ? n.continueOnError : n.continueOnError === true,
        ...outputsOf(n),
        artifacts: strings(n.artifacts),
        quality: isObject(n.quality) && typeof n.quality.min === 'number' ? { min: n.quality.min } : undefined,
        ...(hasMatrixExpressions(n.matrix) ? { matrixTemplate: n.matrix as Json | string } : { matrix: matrixOf(n.matrix) }),
        failFast: n.failFast === true,
        maxParallel: typeof n.maxParallel === 'number' && Number.isInteger(n.maxParallel) && n.maxParallel >= 1 ? n.maxParallel : undefined,
        cache: cacheOf(n.cache),
        ...(kindOf(n) === 'run' ? mutexOf(n.mutex) : {}),
      });
    }
  }
  return {
    version: typeof root.version === 'number' ? root.version : 1,
    name: str(root.name) ?? 'Untitled workflow',
    description: str(root.description),
    inputs,
    env: stringMap(root.env),
    concurrency: typeof root.concurrency === 'number' && root.concurrency >= 1 ? Math.floor(root.concurrency) : undefined,
    timeoutMs: parseDuration(root.timeout),
    ...mutexOf(root.mutex),
    ...(str(defaults.cwd) !== undefined ? { defaultCwd: str(defaults.cwd) } : {}),
    nodes,
  };
}

/** The most workflow files one run nests, its own included: a run stops there, and validation says so before. */
export const MAX_SUB_WORKFLOW_DEPTH = 8;

/** The ids of the nodes that name a mutex, in file order. */
export const nodesNamingMutex = (nodes: readonly NodeSpec[], name: string): string[] => nodes.filter((n) => n.mutex?.includes(name)).map((n) => n.id);

/** The mutexes a node (or a workflow) names, each once; none when it names none. */
function mutexOf(v: unknown): Pick<NodeSpec, 'mutex'> {
  const names = [...new Set(typeof v === 'string' ? [v] : strings(v))].filter((name) => name !== '');
  return names.length ? { mutex: names } : {};
}

/** A node's outputs: those it declares, and the one its standard output is, declared with it. */
function outputsOf(n: Json): Pick<NodeSpec, 'outputs' | 'stdoutAs'> {
  const declared = Array.isArray(n.outputs) ? strings(n.outputs) : undefined;
  const stdoutAs = str(n.stdoutAs);
  if (stdoutAs === undefined) return { outputs: declared };
  return { outputs: declared?.includes(stdoutAs) ? declared : [...(declared ?? []), stdoutAs], stdoutAs };
}
