// The graph the DAG panel draws, from a workflow's index: nodes with their properties as written (for the
// builder's form) and the problems the validator finds in each, in the types of the panel's protocol. Pure: the
// extension host makes it of an open document, the validation worker of a file nobody has open.
import { isMap, isScalar } from 'yaml';
import { isObject, type Json } from './json';
import { isMatrixValue, matrixKeys, matrixTemplateText, writtenMatrixKeys, type MatrixValue } from './matrix';
import { matrixSize, type NodeSpec } from './model';
import type { WorkflowIndex } from './workflowIndex';
import { nodePair, rangeOf } from './edits/yamlText';
import { problemOwner } from './edits/problemFix';
import type { SpanDiagnostic } from './diagnostics';
import type { DagGraph, DagNode, GraphError, NodeFields, NodeProblem, SettingsInput, WorkflowSettings } from '../webview/protocol';

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const textMap = (v: unknown): Record<string, string> =>
  isObject(v) ? Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (text(x) !== undefined || typeof x === 'boolean' ? [[k, String(x)]] : []))) : {};

/** A name, or a list of names (a `mutex`), as a list. */
const namesOf = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.map(String) : []);

/** A matrix's axes, when it is written out (an axis made at run time is written as an expression). */
function axesOf(matrix: unknown): Pick<NodeFields, 'matrixAxes'> {
  if (!isObject(matrix)) return {};
  const axes = Object.entries(matrix).filter(([k]) => k !== 'include' && k !== 'exclude');
  if (!axes.every(([, values]) => Array.isArray(values) && values.every(isMatrixValue))) return {};
  return { matrixAxes: Object.fromEntries(axes) as Record<string, MatrixValue[]> };
}

/** A node's own properties as the file writes them. */
function fieldsOf(raw: unknown): NodeFields {
  const n: Json = isObject(raw) ? raw : {};
  const approval: Json = isObject(n.approval) ? n.approval : {};
  const retry = typeof n.retry === 'number' ? n.retry : isObject(n.retry) && typeof n.retry.max === 'number' ? n.retry.max : undefined;
  return {
    ...(text(n.name) !== undefined ? { name: text(n.name) } : {}),
    ...(text(n.description) !== undefined ? { description: text(n.description) } : {}),
    ...(text(n.phase) !== undefined ? { phase: text(n.phase) } : {}),
    ...(typeof n.run === 'string' ? { run: n.run } : {}),
    ...(text(n.if) !== undefined ? { if: text(n.if) } : {}),
    ...(retry !== undefined ? { retry } : {}),
    ...(text(n.timeout) !== undefined ? { timeout: text(n.timeout) } : {}),
    continueOnError: typeof n.continueOnError === 'string' ? n.continueOnError : n.continueOnError === true,
    ...(typeof n.maxParallel === 'number' ? { maxParallel: n.maxParallel } : {}),
    failFast: n.failFast === true,
    ...axesOf(n.matrix),
    ...(n.cache !== undefined && n.cache !== false ? { cache: true as const } : {}),
    ...(n.mutex !== undefined ? { mutex: namesOf(n.mutex) } : {}),
    outputs: Array.isArray(n.outputs) ? n.outputs.filter((o): o is string => typeof o === 'string') : [],
    env: textMap(n.env),
    ...(Array.isArray(n.artifacts) ? { artifacts: n.artifacts.filter((a): a is string => typeof a === 'string') } : {}),
    ...(text(n.shell) !== undefined ? { shell: text(n.shell) } : {}),
    ...(text(n.cwd) !== undefined ? { cwd: text(n.cwd) } : {}),
    ...(text(n.image) !== undefined ? { image: text(n.image) } : {}),
    ...(text(approval.prompt) !== undefined ? { prompt: text(approval.prompt) } : {}),
    ...(text(approval.timeout) !== undefined ? { approvalTimeout: text(approval.timeout) } : {}),
    ...(typeof n.workflow === 'string' ? { workflow: n.workflow } : {}),
    with: textMap(n.with),
  };
}

/** A problem as the panel lists it, with the titles of its fixes. */
const problemOf = (d: SpanDiagnostic): NodeProblem => ({
  message: d.message,
  severity: d.severity,
  ...(d.fixes?.length ? { fixes: d.fixes.map((f) => f.title) } : {}),
});

/** The problems inside each node's definition, with the property each is in. */
function problemsByNode(index: WorkflowIndex): Map<string, NodeProblem[]> {
  const { diagnostics, parsed } = index.result;
  const out = new Map<string, NodeProblem[]>();
  for (const d of diagnostics) {
    const owner = problemOwner(index, d.span.start);
    if (owner === undefined) continue;
    const pair = nodePair(parsed, owner);
    const field = isMap(pair?.value)
      ? pair.value.items.find((p) => {
          const key = rangeOf(p.key);
          const end = rangeOf(p.value)?.[1] ?? key?.[1];
          return key && end !== undefined && key[0] <= d.span.start && d.span.start <= end;
        })
      : undefined;
    const list = out.get(owner) ?? [];
    list.push({ ...problemOf(d), ...(field && isScalar(field.key) ? { field: String(field.key.value) } : {}) });
    out.set(owner, list);
  }
  return out;
}

function dagNode(spec: NodeSpec, ids: Set<string>, raw: unknown, problems: NodeProblem[]): DagNode {
  return {
    id: spec.id,
    label: spec.name ?? spec.id,
    ...(spec.phase !== undefined ? { phase: spec.phase } : {}),
    kind: spec.kind,
    needs: [...new Set(spec.needs)].filter((d) => d !== spec.id && ids.has(d)),
    ...matrixOfNode(spec),
    outputs: spec.outputs ?? [],
    artifacts: spec.artifacts.length,
    ...(spec.quality ? { quality: spec.quality } : {}),
    ...(spec.if !== undefined ? { condition: spec.if } : {}),
    retries: spec.retry.max,
    ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    fields: fieldsOf(raw),
    problems,
  };
}

/**
 * The workflow's graph, best effort, and the first YAML syntax error when the text does not parse: with an error,
 * the panel keeps the graph it last drew and uses this one only when it has none.
 */
export function dagGraphOf(index: WorkflowIndex): { graph: DagGraph; graphError?: GraphError } {
  const { workflow, parsed, diagnostics } = index.result;
  const ids = new Set(workflow.nodes.map((n) => n.id));
  const rawNodes: Json = isObject(parsed.value) && isObject(parsed.value.nodes) ? parsed.value.nodes : {};
  const problems = problemsByNode(index);
  const nodes = workflow.nodes.map((spec) => dagNode(spec, ids, rawNodes[spec.id], problems.get(spec.id) ?? []));
  const syntax = diagnostics.find((d) => d.code === 'yaml-syntax');
  const graph = { name: workflow.name, settings: settingsOf(index), nodes };
  if (!syntax) return { graph };
  const at = parsed.lines.position(syntax.span.start);
  return { graph, graphError: { message: syntax.message, line: at.line, column: at.column } };
}

/** The workflow's own settings as the file writes them, with the problems in each top-level property but `nodes`. */
function settingsOf(index: WorkflowIndex): WorkflowSettings {
  const { parsed, diagnostics } = index.result;
  const raw: Json = isObject(parsed.value) ? parsed.value : {};
  const root = parsed.doc.contents;
  const problems: NodeProblem[] = [];
  const placed = new Set<SpanDiagnostic>();
  for (const pair of isMap(root) ? root.items : []) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined || key === 'nodes') continue;
    // A problem in an input or a default is that entry's.
    const inner = (key === 'inputs' || key === 'defaults') && isMap(pair.value) ? pair.value.items : [];
    for (const d of diagnostics) {
      if (d.ofFile || !spans(pair, d.span.start)) continue;
      const entry = inner.find((p) => spans(p, d.span.start));
      const field = entry && isScalar(entry.key) ? `${key}.${String(entry.key.value)}` : key;
      problems.push({ ...problemOf(d), field });
      placed.add(d);
    }
  }
  // The file's own (a missing key, a comment line, `nodes:` itself): listed with no field. A syntax error is the
  // graph's, shown over it.
  for (const d of diagnostics)
    if (!placed.has(d) && d.code !== 'yaml-syntax' && (d.ofFile || problemOwner(index, d.span.start) === undefined)) problems.push(problemOf(d));
  return {
    ...(text(raw.name) !== undefined ? { name: text(raw.name) } : {}),
    ...(text(raw.description) !== undefined ? { description: text(raw.description) } : {}),
    ...(text(raw.concurrency) !== undefined ? { concurrency: text(raw.concurrency) } : {}),
    ...(text(raw.timeout) !== undefined ? { timeout: text(raw.timeout) } : {}),
    ...(raw.mutex !== undefined ? { mutex: namesOf(raw.mutex) } : {}),
    ...(isObject(raw.env) ? { env: textMap(raw.env) } : {}),
    ...(isObject(raw.defaults) ? { defaults: defaultsOf(raw.defaults) } : {}),
    inputs: isObject(raw.inputs) ? Object.entries(raw.inputs).map(([name, spec]) => inputOf(name, spec)) : [],
    problems,
  };
}

/** The defaults as the file writes them: a retry as its count, as a node's form has it. */
function defaultsOf(raw: Json): Record<string, string> {
  const { retry, ...rest } = raw;
  const count = typeof retry === 'number' ? retry : isObject(retry) && typeof retry.max === 'number' ? retry.max : undefined;
  return { ...textMap(rest), ...(count !== undefined ? { retry: String(count) } : {}) };
}

/** Whether an offset lies in a pair, from its key to the end of its value. */
function spans(pair: { key: unknown; value: unknown }, offset: number): boolean {
  const start = rangeOf(pair.key)?.[0];
  const end = rangeOf(pair.value)?.[1] ?? rangeOf(pair.key)?.[1];
  return start !== undefined && end !== undefined && start <= offset && offset <= end;
}

/** An input as the file writes it; what is not of its type is left out (the validator says why). */
function inputOf(name: string, raw: unknown): SettingsInput {
  const spec: Json = isObject(raw) ? raw : {};
  const type = spec.type === 'string' || spec.type === 'number' || spec.type === 'boolean' ? spec.type : undefined;
  const value = spec.default;
  return {
    name,
    ...(type ? { type } : {}),
    ...(spec.required === true ? { required: true } : {}),
    ...(spec.secret === true ? { secret: true } : {}),
    ...(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? { default: value } : {}),
    ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
  };
}

/** What a card says of a node's matrix: how many instances, or for one made at run time, what makes it. */
function matrixOfNode(spec: NodeSpec): Pick<DagNode, 'matrix'> {
  const atOnce = spec.maxParallel !== undefined ? { maxParallel: spec.maxParallel } : {};
  if (spec.matrix) return { matrix: { keys: matrixKeys(spec.matrix), count: matrixSize(spec.matrix), ...atOnce } };
  if (spec.matrixTemplate === undefined) return {};
  const madeFrom = matrixTemplateText(spec.matrixTemplate);
  return { matrix: { keys: writtenMatrixKeys(spec.matrixTemplate), madeFrom, ...atOnce } };
}
