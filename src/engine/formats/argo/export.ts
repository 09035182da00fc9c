// A workflow as an Argo Workflows `Workflow` (or `WorkflowTemplate`): one `dag` template whose tasks are the nodes,
// each node a script template run in a container image. What Argo cannot express is a problem (an error, or with
// `lenient` a comment in the output), never a silently different workflow.
import { isPowerShell, withPowershellLines } from '../../platform/powershell';
import { DEFAULT_IMAGE, imageForShell } from './images';
import { isObject } from '../../json';
import { expandMatrix, matrixKeys, matrixValuesOf, type MatrixSpec } from '../../matrix';
import { hasMatrix, type NodeSpec, type WorkflowSpec } from '../../model';
import { isPosixShell, shellWords, wordsBeforeScriptFile } from '../../platform/shells';
import { ProblemList, type ConversionOptions } from '../problems';
import { yamlText, type KeyComment } from '../yamlOut';
import {
  APPROVAL_PROMPT_ANNOTATION,
  argoNames,
  CONTINUE_ON_ERROR_ANNOTATION,
  INPUT_TYPES_ANNOTATION,
  MATRIX_KEY_ANNOTATION,
  NODE_ID_ANNOTATION,
  NODE_NAME_ANNOTATION,
  OUTPUTS_DIR,
  STDOUT_AS_ANNOTATION,
  WORKFLOW_ENV_ANNOTATION,
  WORKFLOW_NAME_ANNOTATION,
  WORK_DIR,
} from './names';
import { wrapItems, wrapperName } from './itemsWrapper';
import { argoSource } from './script';
import { secretHeader, secretNameFor, wholeSecretInput } from './secrets';
import { paramFanOutOf } from './fanOut';
import { argoText, workflowArgoText, argoVariable, type VariableScope } from './variables';
import { argoCondition, dependsFor, type ArgoCondition } from './when';
import { neededNodes, oneDependencyForm, succeededTerm, type NeededNode } from './dependencyForm';
import { hashFilesCommandProblem } from '../scriptVariables';
import { argoEngineEnv } from './engineVariables';

export interface ArgoExportOptions extends ConversionOptions {
  /** A WorkflowTemplate (submitted later by name) rather than a Workflow. */
  template?: boolean;
  /** The image of nodes that name none (default bash:5). */
  image?: string;
}

type Json = Record<string, unknown>;

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50) || 'workflow';

export function toArgo(spec: WorkflowSpec, options: ArgoExportOptions = {}): string {
  const problems = new ProblemList();
  const names = argoNames(spec.nodes.map((n) => n.id));
  const secretName = secretNameFor(slug(spec.name));
  const tasks: Json[] = [];
  const templates: Json[] = [];
  const taken = new Set(['main', ...[...names.values()].map((n) => n.toLowerCase())]);
  const needed = neededNodes(spec.nodes, names);
  for (const node of spec.nodes) {
    const scope: VariableScope = { spec, node, names, parameters: new Map(), secretName };
    const nodeProblems: string[] = [];
    const template = templateOf(node, scope, options, nodeProblems);
    const task = taskOf(node, scope, nodeProblems, needed);
    const wrapper = hasMatrix(node) && node.maxParallel !== undefined ? itemsDag(task, template, node.maxParallel, taken, nodeProblems) : undefined;
    tasks.push(wrapper?.task ?? task);
    templates.push(template, ...(wrapper ? [wrapper.template] : []));
    nodeProblems.forEach((p) => problems.add(node.id, p));
  }
  const taskNodes = new Map([...names].map(([id, task]) => [task, id]));
  const form = oneDependencyForm(tasks, needed);
  for (const [task, problem] of form.problems) problems.add(taskNodes.get(task), problem);
  // The node's own template keeps it for an import (a wrapper's task runs that template too).
  for (const task of form.withoutContinueOn) {
    const i = templates.findIndex((t) => t.name === task);
    templates[i] = annotated(templates[i], { [CONTINUE_ON_ERROR_ANNOTATION]: 'true' });
  }
  if (Object.values(spec.env).some((v) => v.includes('${{') && !wholeSecretInput(v, spec)))
    problems.add(undefined, "the workflow's env uses expressions: Argo sets plain values");
  const mutexProblems: string[] = [];
  const runMutexes = spec.mutex?.map((m) => ({ name: workflowArgoText(m, spec, mutexProblems) }));
  for (const p of mutexProblems) problems.add(undefined, `the workflow's mutex: ${p}`);
  problems.settle('Argo Workflows', options);
  const kind = options.template ? 'WorkflowTemplate' : 'Workflow';
  // A parameter is shown in Argo's UI and kept with the workflow: a secret input is a key of the Secret instead.
  const parameters = Object.values(spec.inputs)
    .filter((i) => !i.secret)
    .map((i) => ({
      name: i.name,
      ...(i.default !== undefined ? { value: String(i.default) } : {}),
      ...(i.description ? { description: i.description } : {}),
    }));
  const doc = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind,
    metadata: { ...(options.template ? { name: slug(spec.name) } : { generateName: `${slug(spec.name)}-` }), annotations: workflowAnnotations(spec) },
    spec: {
      entrypoint: 'main',
      ...(spec.concurrency ? { parallelism: spec.concurrency } : {}),
      ...(spec.timeoutMs !== undefined ? { activeDeadlineSeconds: Math.ceil(spec.timeoutMs / 1000) } : {}),
      ...(runMutexes ? { synchronization: { mutexes: runMutexes } } : {}),
      ...(parameters.length ? { arguments: { parameters } } : {}),
      // Argo's dag stops starting tasks once one fails; here the branches that do not need it run on.
      templates: [{ name: 'main', dag: { failFast: false, tasks } }, ...templates],
    },
  };
  const comments: KeyComment[] = problems.items.map((p) => ({ path: ['spec'], comment: `NOT TRANSLATED: ${p.node ? `node '${p.node}': ` : ''}${p.message}` }));
  comments.push(...notes(spec, options).map((note) => ({ path: ['spec'], comment: `NOTE: ${note}` })));
  const header = [`Exported from a Maestro workflow: ${spec.name}`, ...(spec.description ? [spec.description] : []), ...secretHeader(spec, secretName)].join(
    '\n',
  );
  return yamlText(doc, { header, comments });
}

/** What Argo does otherwise with the same results: notes, not problems. */
function notes(spec: WorkflowSpec, options: ArgoExportOptions): string[] {
  const cached = spec.nodes.filter((n) => n.cache);
  const imageless = options.image ? [] : spec.nodes.filter((n) => n.kind === 'run' && n.image === undefined && !imageForShell(n.shell));
  return [
    ...imageless.map(
      (node) =>
        `node '${node.id}': its shell '${node.shell}' runs a program that the image ${DEFAULT_IMAGE} may not have: set the node's image (or defaults.image) to one that has it`,
    ),
    ...cached.map(
      (node) =>
        `node '${node.id}': cache: Argo runs this task every time; its memoize reuses a result by a key of your choosing, not by the script and its files: add one by hand if a result may be reused`,
    ),
    ...(spec.mutex || spec.nodes.some((n) => n.mutex)
      ? ["a mutex (synchronization.mutexes, Argo 3.6 and later) is shared by every workflow of the namespace in Argo, by the runs of this machine's user here"]
      : []),
  ];
}

/** A template with more annotations, its metadata after its name as the others have it. */
function annotated(template: Json, annotations: Record<string, string>): Json {
  const { name, metadata, ...rest } = template;
  const given = isObject(metadata) ? metadata : {};
  return { name, metadata: { ...given, annotations: { ...(isObject(given.annotations) ? given.annotations : {}), ...annotations } }, ...rest };
}

/**
 * A task's `depends`: the results of its needed tasks its status function lets it run on, and what its condition
 * asks of how some of them ended. Argo waits for the tasks `depends` names: those it asks nothing of are named with
 * every result (always()), or as succeeded (the default success()); undefined where `dependencies` say it all.
 */
function dependsOf(condition: ArgoCondition, needs: readonly string[], needed: ReadonlyMap<string, NeededNode>): string | undefined {
  if (!condition.depends) return condition.status && needs.length ? dependsFor(condition.status, needs) : undefined;
  const named = (task: string) => new RegExp(`(^|[^\\w-])${task.replace(/[-]/g, '\\-')}\\.`).test(condition.depends!);
  const waited = condition.status === 'always' ? needs.filter((t) => !named(t)) : needs;
  const base = condition.status ? (waited.length ? dependsFor(condition.status, waited) : '') : waited.map((t) => succeededTerm(needed.get(t), t)).join(' && ');
  return base ? `${base} && (${condition.depends})` : condition.depends;
}

function taskOf(node: NodeSpec, scope: VariableScope, problems: string[], needed: ReadonlyMap<string, NeededNode>): Json {
  const name = scope.names.get(node.id)!;
  const needs = node.needs.map((id) => scope.names.get(id) ?? id);
  let depends: string | undefined;
  let when: string | undefined;
  if (node.if !== undefined) {
    const condition = argoCondition(node.if, scope);
    if ('problem' in condition) problems.push(condition.problem);
    else {
      when = condition.when;
      depends = dependsOf(condition, needs, needed);
      if (condition.status === 'failure' && !needs.length) problems.push('failure() on a node that needs nothing is never true');
    }
  }
  if (typeof node.continueOnError === 'string')
    problems.push(`continueOnError ${node.continueOnError}: Argo's continueOn is one setting for all of a task's items; write true or false`);
  const items = node.matrix ? itemsOf(node.matrix) : undefined;
  const nested = node.matrix ? matrixKeys(node.matrix).find((k) => matrixValuesOf(node.matrix!, k).some((v) => typeof v === 'object')) : undefined;
  if (nested !== undefined)
    problems.push(
      `matrix '${nested}' has lists or maps as values: an item of Argo's withItems is a map of plain values (write its parts as keys of their own)`,
    );
  const param = node.matrixTemplate !== undefined ? withParamOf(node, scope) : undefined;
  if (param && 'problem' in param) problems.push(param.problem);
  const parameters = [...scope.parameters].map(([p, value]) => ({ name: p, value }));
  return {
    name,
    template: name,
    ...(depends ? { depends } : needs.length ? { dependencies: needs } : {}),
    ...(when ? { when } : {}),
    ...(node.continueOnError === true ? { continueOn: { failed: true } } : {}),
    ...(items ? { withItems: items } : {}),
    ...(param && 'withParam' in param ? { withParam: param.withParam } : {}),
    ...(parameters.length ? { arguments: { parameters } } : {}),
  };
}

/**
 * A matrix as `withItems`: one item per instance, each with every key of the matrix, since Argo fails a task whose
 * `{{item.k}}` its item lacks; a key an instance has not is empty, as `matrix.k` is in it here.
 */
function itemsOf(matrix: MatrixSpec): Json[] {
  const keys = matrixKeys(matrix);
  return expandMatrix({ id: '', matrix }).map(({ values }) => Object.fromEntries(keys.map((k) => [k, values[k] ?? ''])));
}

/** The task's `withParam` for a node whose matrix is made at run time, or why Argo has none. */
export function withParamOf(node: NodeSpec, scope: VariableScope): { withParam: string } | { problem: string } {
  const fanOut = paramFanOutOf(node.matrixTemplate);
  if (!fanOut)
    return {
      problem:
        "a matrix made at run time is Argo's withParam only as one list read with fromJSON from an output or an input, as `include` (a list of maps) or as one key (a list of values): `matrix: { include: ${{ fromJSON(nodes.plan.outputs.list) }} }`",
    };
  const variable = argoVariable(fanOut.segments, scope, true);
  return 'problem' in variable ? { problem: `withParam: ${variable.problem}` } : { withParam: variable.text };
}

/** The key a `withParam` of plain values stands for, kept for an import where it is not `item`. */
function plainItemsKey(node: NodeSpec): Json {
  const key = paramFanOutOf(node.matrixTemplate)?.key;
  return key !== undefined && key !== 'item' ? { [MATRIX_KEY_ANNOTATION]: key } : {};
}

/** A matrix node's task with `maxParallel`, as a task that runs a dag of its items (see itemsWrapper). */
function itemsDag(task: Json, template: Json, maxParallel: number, taken: Set<string>, problems: string[]): { task: Json; template: Json } {
  const name = wrapperName(String(task.name), taken);
  taken.add(name.toLowerCase());
  if (typeof task.when === 'string' && /\{\{item[.}]/.test(task.when) && task.when.includes('{{tasks.'))
    problems.push("with maxParallel, a condition reads a matrix value and another task's output at once, which no one task of Argo can");
  const annotations = isObject(template.metadata) && isObject(template.metadata.annotations) ? template.metadata.annotations : undefined;
  return wrapItems(task, name, maxParallel, annotations);
}

function templateOf(node: NodeSpec, scope: VariableScope, options: ArgoExportOptions, problems: string[]): Json {
  const name = scope.names.get(node.id)!;
  const annotations = {
    ...(name !== node.id ? { [NODE_ID_ANNOTATION]: node.id } : {}),
    ...(node.name !== undefined ? { [NODE_NAME_ANNOTATION]: argoText(node.name, scope, problems) } : {}),
    ...plainItemsKey(node),
    ...(node.stdoutAs !== undefined && node.stdoutAs !== 'result' ? { [STDOUT_AS_ANNOTATION]: node.stdoutAs } : {}),
  };
  const common = {
    name,
    ...(Object.keys(annotations).length ? { metadata: { annotations } } : {}),
  };
  if (node.kind === 'workflow')
    problems.push(`a sub-workflow ('${node.workflow}') has no Argo counterpart here: export it as a WorkflowTemplate and call it with templateRef`);
  if (node.quality) problems.push('a quality gate (quality.min) has no Argo counterpart');
  if (node.failFast && node.matrix)
    problems.push("failFast has no Argo counterpart (a dag's failFast only stops starting tasks, where here the running instances are stopped too)");
  if (node.artifacts.length) problems.push('artifacts need an artifact repository in Argo: declare them as output artifacts by hand');
  const commandProblem = hashFilesCommandProblem(node.run ?? '', 'an Argo container');
  if (commandProblem) problems.push(`${commandProblem}: hash the files with the image's own tools`);
  if (node.kind === 'approval') {
    if (node.approval?.timeoutMs !== undefined) problems.push("an approval timeout has no Argo counterpart (a suspend's duration resumes, it does not reject)");
    // A suspend has no prompt: the annotation keeps ours, for people reading the template and for an import.
    const prompt = node.approval?.prompt !== undefined ? { [APPROVAL_PROMPT_ANNOTATION]: node.approval.prompt } : {};
    const metadata = { annotations: { ...annotations, ...prompt } };
    return { name, ...(Object.keys(metadata.annotations).length ? { metadata } : {}), suspend: {} };
  }
  const words = wordsBeforeScriptFile(node.shell);
  if (!words) problems.push(`Argo gives the script's file after the command: the shell '${node.shell}', with {0} elsewhere, cannot be written`);
  // The standard output is Argo's `result`, not a file.
  const outputs = (node.outputs ?? []).filter((o) => o !== node.stdoutAs);
  if (outputs.length && !isPosixShell(node.shell)) problems.push(`outputs are collected by a shell trap, and the shell '${node.shell}' is not a POSIX shell`);
  const env = { ...scope.spec.env, ...node.env, ...argoEngineEnv(node, problems) };
  const script = {
    image: node.image ?? options.image ?? imageForShell(node.shell) ?? DEFAULT_IMAGE,
    command: words ?? shellWords(node.shell),
    ...(node.cwd !== undefined ? { workingDir: `${WORK_DIR}/${node.cwd}`.replace(/\/\.?$/, '') } : {}),
    ...(Object.keys(env).length ? { env: Object.entries(env).map(([k, v]) => envEntry(k, v, scope, problems)) } : {}),
    source: argoSource(inShellLines(node.shell, argoText(node.run ?? '', scope, problems)), outputs),
  };
  const retry = retryOf(node, problems);
  if (node.timeoutMs !== undefined && node.timeoutMs % 1000 !== 0) problems.push('a timeout of a fraction of a second: Argo counts whole seconds');
  const mutexes = node.mutex?.map((m) => ({ name: argoText(m, scope, problems) }));
  const inputs = [...scope.parameters.keys()].map((p) => ({ name: p }));
  return {
    ...common,
    ...(inputs.length ? { inputs: { parameters: inputs } } : {}),
    ...(retry ? { retryStrategy: retry } : {}),
    ...(node.timeoutMs !== undefined ? { activeDeadlineSeconds: String(Math.ceil(node.timeoutMs / 1000)) } : {}),
    ...(mutexes ? { synchronization: { mutexes } } : {}),
    script,
    ...(outputs.length ? { outputs: { parameters: outputs.map((o) => ({ name: o, valueFrom: { path: `${OUTPUTS_DIR}/${o}` } })) } } : {}),
  };
}

/** A script's env entry: a secret input from the workflow's Secret, any other value as text with Argo's variables. */
function envEntry(name: string, value: string, scope: VariableScope, problems: string[]): Json {
  const secret = wholeSecretInput(value, scope.spec);
  if (secret) return { name, valueFrom: { secretKeyRef: { name: scope.secretName, key: secret.name } } };
  return { name, value: argoText(value, scope, problems) };
}

function retryOf(node: NodeSpec, problems: string[]): Json | undefined {
  const r = node.retry;
  if (r.max === 0) return undefined;
  if (r.backoff === 'linear') problems.push('linear backoff has no Argo counterpart (Argo multiplies the delay by a factor)');
  return {
    limit: String(r.max),
    retryPolicy: 'Always',
    backoff: {
      duration: goDuration(r.delayMs),
      ...(r.backoff === 'exponential' ? { factor: '2' } : {}),
      ...(r.maxDelayMs !== undefined ? { cap: goDuration(r.maxDelayMs) } : {}),
    },
  };
}

/** A duration as Go writes it (Argo parses Go's durations: no days): `1h30m`, `1.5s`. */
export function goDuration(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const parts = [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('');
  return parts || '0s';
}

/** What Argo's fields cannot hold of the workflow, kept for an import: its name, its env, its inputs' types. */
function workflowAnnotations(spec: WorkflowSpec): Record<string, string> {
  const types = Object.fromEntries(Object.values(spec.inputs).map((i) => [i.name, i.required ? `${i.type}!` : i.type]));
  return {
    [WORKFLOW_NAME_ANNOTATION]: spec.name,
    ...(Object.keys(spec.env).length ? { [WORKFLOW_ENV_ANNOTATION]: JSON.stringify(spec.env) } : {}),
    ...(Object.keys(types).length ? { [INPUT_TYPES_ANNOTATION]: JSON.stringify(types) } : {}),
  };
}

/** A PowerShell script between the lines that make it stop at the first error, as the engine runs it. */
const inShellLines = (shell: string | undefined, script: string): string => (isPowerShell(shellWords(shell)[0]) ? withPowershellLines(script) : script);
