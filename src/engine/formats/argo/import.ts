// An Argo Workflows `Workflow` or `WorkflowTemplate` with a `dag` template as ours: its tasks become nodes.
import { entryAsDag, type EntryDag } from './entryDag';
import { unreadSpecFields, unreadTemplateFields } from './unreadFields';
import { withExitHandler } from './exitHandler';
import { parametersGiven, withNestedTemplates } from './nestedTemplates';
import { unwrapItems } from './itemsWrapper';
import { ImportedSecrets } from './secrets';
import { LineCounter, parseAllDocuments } from 'yaml';
import { durationOfCount } from '../../duration';
import { isObject, type Json, textOf } from '../../json';
import { ImportError, notImportedLine, refuseUnreadableData, type ImportResult, type NodeDoc } from '../importTypes';
import { yamlText, type KeyComment } from '../yamlOut';
import { yamlErrorText } from '../../validation/yamlErrors';
import { continuesOnError, mutexOfSynchronization, taskNode } from './importTask';
import type { NeededTasks } from './depends';
import type { ArgoTextScope } from './importText';
import { RESERVED_KEY } from '../../validation/document';
import { INPUT_TYPES_ANNOTATION, NODE_ID_ANNOTATION, STDOUT_AS_ANNOTATION, WORKFLOW_ENV_ANNOTATION, WORKFLOW_NAME_ANNOTATION } from './names';

const KINDS = ['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow'];

/** Whether a text looks like an Argo resource (for choosing the importer of a file). */
export const looksLikeArgo = (text: string): boolean => /^apiVersion:\s*argoproj\.io\//m.test(text);

/**
 * A document's plain value; an alias with no anchor (or one that loops) is an ImportError, not a crash. Aliases may be
 * used any number of times: what they expand to was bounded before (refuseUnreadableData).
 */
function plain(doc: { toJS(options: { maxAliasCount: number }): unknown }, fileName: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: -1 });
  } catch (e) {
    throw new ImportError(fileName, [{ line: 1, column: 1, message: `the YAML cannot be read as data: ${(e as Error).message}` }]);
  }
}

export function fromArgo(content: string, fileName: string): ImportResult {
  const lines = new LineCounter();
  const docs = parseAllDocuments(content, { lineCounter: lines });
  if (!Array.isArray(docs)) throw new ImportError(fileName, [{ line: 1, column: 1, message: 'the file is empty' }]);
  refuseUnreadableData(content, fileName, { docs, lines });
  const broken = docs.find((d) => d.errors.length);
  if (broken) {
    const e = broken.errors[0];
    const at = lines.linePos(e.pos[0]);
    throw new ImportError(fileName, [{ line: at.line, column: at.col, message: `YAML syntax error: ${yamlErrorText(e)}` }]);
  }
  const doc = docs.find((d) => KINDS.includes(textOf((plain(d, fileName) as Json | null)?.kind)));
  if (!doc) throw new ImportError(fileName, [{ line: 1, column: 1, message: `no Argo ${KINDS.join(', ')} in the file` }]);
  const lineAt = (path: (string | number)[]) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lines.linePos(node.range[0]).line : 1;
  };
  const resource = plain(doc, fileName) as Json;
  const spec = resource.kind === 'CronWorkflow' && isObject(resource.spec) ? resource.spec.workflowSpec : resource.spec;
  if (!isObject(spec)) throw new ImportError(fileName, [{ line: lineAt(['kind']), column: 1, message: `the ${textOf(resource.kind)} has no spec` }]);
  return importSpec(resource, spec, fileName, lineAt);
}

function importSpec(resource: Json, spec: Json, fileName: string, lineAt: (path: (string | number)[]) => number): ImportResult {
  const specPath = resource.kind === 'CronWorkflow' ? ['spec', 'workflowSpec'] : ['spec'];
  const templates = Array.isArray(spec.templates) ? spec.templates.filter(isObject) : [];
  const byName = new Map(templates.map((t) => [textOf(t.name), t]));
  const templatePath = (name: string) => [...specPath, 'templates', (spec.templates as unknown[]).findIndex((t) => isObject(t) && t.name === name)];
  const main = withNestedTemplates(entryOf(spec, specPath, fileName, lineAt), byName, templatePath);
  const { dag, paths, stepsBefore, afterAll, exitFrom } = withExitHandler(main, spec, specPath);
  const metadata = isObject(resource.metadata) ? resource.metadata : {};
  const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
  const tasks = (dag.tasks as Json[]) ?? [];
  const ids = new Map(tasks.map((t) => [textOf(t.name), idOf(t, byName)]));
  refuseLostTasks(tasks, byName, fileName, (i) => lineAt(paths[i]));
  const notes: string[] = [];
  const comments: KeyComment[] = [];
  const env = workflowEnvOf(annotations);
  const inputs = inputsOf(spec, annotations);
  const secrets = new ImportedSecrets(new Set(Object.keys(inputs.inputs ?? {})));
  const booleanInputs = booleanInputsOf(inputs);
  const results = resultsRead(dag, byName);
  const neededTasks = { ...neededTasksOf(tasks, byName), stepsBefore, afterAll };
  const nodes: Record<string, NodeDoc> = {};
  tasks.forEach((given, i) => {
    const unwrapped = unwrapItems(given, byName.get(textOf(given.template)));
    const task = unwrapped?.task ?? given;
    const line = lineAt(paths[i]);
    const template = byName.get(textOf(task.template));
    const params = parametersGiven(task, template);
    const scope: ArgoTextScope = { ids, arguments: params, notes: [], booleanInputs, secrets, results, neededTasks };
    const id = ids.get(textOf(task.name))!;
    nodes[id] = taskNode({ id, task, template, line, scope, workflowEnv: env });
    if (unwrapped) nodes[id] = withMaxParallel(nodes[id], unwrapped.maxParallel);
    notes.push(...scope.notes);
    const run = nodes[id].run;
    const commented = scope.notes.filter((n) => !(typeof run === 'string' && run.includes(notImportedLine(n))));
    if (commented.length) comments.push({ path: ['nodes', id], comment: commented.map((n) => notImportedLine(n).slice(2)).join('\n') });
  });
  const settings = workflowSettings(spec, dag, tasks.length, exitFrom);
  const pod = podSettingsNote(tasks, byName);
  if (pod) settings.notes.push(pod);
  const out: Json = {
    version: 1,
    name:
      typeof annotations[WORKFLOW_NAME_ANNOTATION] === 'string'
        ? annotations[WORKFLOW_NAME_ANNOTATION]
        : textOf(metadata.name ?? metadata.generateName ?? 'Imported workflow').replace(/-$/, ''),
    ...withSecrets(inputs, secrets),
    ...(Object.keys(env).length ? { env } : {}),
    ...settings.values,
    nodes,
  };
  const header = [
    `Imported from the Argo ${textOf(resource.kind)} ${fileName}.`,
    ...scheduleLine(resource),
    ...settings.notes.map((n) => notImportedLine(n).slice(2)),
  ];
  return { text: yamlText(out, { header: header.join('\n'), comments }), notImported: [...settings.notes, ...notes] };
}

/** The settings of the pods the tasks' templates give (resources, mounts…), said once: nothing runs in a pod here. */
function podSettingsNote(tasks: readonly Json[], byName: ReadonlyMap<string, Json>): string | undefined {
  const fields = new Set(tasks.flatMap((t) => unreadTemplateFields(byName.get(textOf(t.template)) ?? {}).pod));
  return fields.size ? `the templates' ${[...fields].join(', ')}: settings of the pods, which have no meaning on this machine` : undefined;
}

/** A CronWorkflow's schedule, said in the header as the GitHub import says a workflow's triggers. */
function scheduleLine(resource: Json): string[] {
  const cron = isObject(resource.spec) && resource.kind === 'CronWorkflow' ? resource.spec : undefined;
  const schedules = [cron?.schedule, ...(Array.isArray(cron?.schedules) ? (cron.schedules as unknown[]) : [])].filter(
    (s): s is string => typeof s === 'string',
  );
  return schedules.length ? [`Its schedule (${schedules.join(', ')}) is Argo's: run this one with Run Workflow or maestro-dag run.`] : [];
}

/** The entrypoint template (the first dag where none is named) as a dag of tasks (see entryAsDag). */
function entryOf(spec: Json, specPath: string[], fileName: string, lineAt: (path: (string | number)[]) => number): EntryDag {
  const templates: unknown[] = Array.isArray(spec.templates) ? spec.templates : [];
  const entry = templates.find((t) => isObject(t) && t.name === spec.entrypoint) ?? templates.find((t) => isObject(t) && isObject(t.dag));
  if (!isObject(entry)) {
    const what =
      spec.entrypoint === undefined ? 'it names no entrypoint and has no dag template' : `its entrypoint '${textOf(spec.entrypoint)}' is not a template of it`;
    throw new ImportError(fileName, [{ line: lineAt(spec.entrypoint === undefined ? specPath : [...specPath, 'entrypoint']), column: 1, message: what }]);
  }
  const entryPath = [...specPath, 'templates', templates.indexOf(entry)];
  const asDag = entryAsDag(entry, entryPath);
  if ('problem' in asDag)
    throw new ImportError(fileName, [{ line: lineAt(entryPath), column: 1, message: `the entrypoint '${textOf(entry.name)}': ${asDag.problem}` }]);
  return asDag;
}

const booleanInputsOf = (inputs: Json): Set<string> =>
  new Set(
    Object.entries((inputs.inputs ?? {}) as Record<string, Json>)
      .filter(([, i]) => i.type === 'boolean')
      .map(([n]) => n),
  );

/** The tasks Argo may skip (a `when`, the wrapper's task's for maxParallel) and those under continueOn, by name. */
function neededTasksOf(tasks: readonly Json[], byName: ReadonlyMap<string, Json>): Pick<NeededTasks, 'skippable' | 'continuing'> {
  const skippable = new Set<string>();
  const continuing = new Set<string>();
  for (const given of tasks) {
    const task = unwrapItems(given, byName.get(textOf(given.template)))?.task ?? given;
    if (typeof task.when === 'string') skippable.add(textOf(given.name));
    if (continuesOnError(task, byName.get(textOf(task.template)))) continuing.add(textOf(given.name));
  }
  return { skippable, continuing };
}

/**
 * The spec's parallelism and deadline as the workflow's concurrency and timeout; what cannot be, as notes, and the
 * dag's fail fast (Argo's default), which has no counterpart here.
 */
function workflowSettings(spec: Json, dag: Json, taskCount: number, exitFrom: string | undefined): { values: Json; notes: string[] } {
  const values: Json = {};
  const notes: string[] = [];
  if (dag.failFast !== false && taskCount > 1)
    notes.push(
      "the dag fails fast (Argo's default): once a task fails, Argo starts no other, where here the tasks that do not need it run on (make a task need the ones it must not run after)",
    );
  const { parallelism, activeDeadlineSeconds: deadline } = spec;
  if (typeof parallelism === 'number' && Number.isInteger(parallelism) && parallelism > 0) values.concurrency = parallelism;
  else if (parallelism !== undefined) notes.push(`the workflow's parallelism ${textOf(parallelism)} is not a positive whole number`);
  const timeout = durationOfCount(deadline, 1000);
  if (timeout !== undefined) values.timeout = timeout;
  else if (deadline !== undefined) notes.push(`the workflow's activeDeadlineSeconds ${textOf(deadline)} is not a positive number of seconds`);
  // The workflow's own mutexes: its runs take turns, as Argo's workflows of one lock do.
  if (spec.synchronization !== undefined) Object.assign(values, mutexOfSynchronization(spec.synchronization, notes, "the workflow's"));
  return { values, notes: [...notes, ...unreadSpecFields(spec, exitFrom)] };
}

/** Tasks whose nodes would be lost: two of one name (the later would replace the earlier), or named `__proto__`. */
function refuseLostTasks(tasks: Json[], byName: Map<string, Json>, fileName: string, lineOf: (index: number) => number): void {
  const seen = new Set<string>();
  const problems = tasks.flatMap((task, i) => {
    const id = idOf(task, byName);
    const known = seen.has(id);
    seen.add(id);
    if (id === RESERVED_KEY)
      return [
        {
          line: lineOf(i),
          column: 1,
          message: `a node cannot be named '${RESERVED_KEY}' (JavaScript gives the name a meaning of its own); rename the task, nothing is imported`,
        },
      ];
    if (known) return [{ line: lineOf(i), column: 1, message: `a second task gives the node '${id}'; rename one, nothing is imported` }];
    return [];
  });
  if (problems.length) throw new ImportError(fileName, problems);
}

/** `maxParallel` written after the node's matrix, where a reader looks for it. */
const withMaxParallel = (node: NodeDoc, maxParallel: number): NodeDoc =>
  Object.fromEntries(
    Object.entries(node).flatMap(([k, v]) =>
      k === 'matrix'
        ? [
            [k, v],
            ['maxParallel', maxParallel],
          ]
        : [[k, v]],
    ),
  );

function idOf(task: Json, byName: Map<string, Json>): string {
  const template = byName.get(textOf(task.template));
  const annotations = isObject(template?.metadata) && isObject(template.metadata.annotations) ? template.metadata.annotations : {};
  const own = annotations[NODE_ID_ANNOTATION];
  return typeof own === 'string' ? own : textOf(task.name);
}

/** The workflow's inputs, and after them the secret ones its scripts read from Secrets. */
function withSecrets(inputs: Json, secrets: ImportedSecrets): Json {
  const all = { ...((inputs.inputs ?? {}) as Json), ...secrets.declarations() };
  return Object.keys(all).length ? { inputs: all } : {};
}

function inputsOf(spec: Json, annotations: Json): Json {
  const parameters = isObject(spec.arguments) && Array.isArray(spec.arguments.parameters) ? spec.arguments.parameters.filter(isObject) : [];
  if (!parameters.length) return {};
  let types: Record<string, string> = {};
  try {
    types = typeof annotations[INPUT_TYPES_ANNOTATION] === 'string' ? (JSON.parse(annotations[INPUT_TYPES_ANNOTATION]) as Record<string, string>) : {};
  } catch {
    types = {};
  }
  const inputs: Json = {};
  for (const p of parameters) {
    const name = textOf(p.name);
    const declared = types[name] ?? 'string';
    const type = declared.replace(/!$/, '');
    const value =
      p.value === undefined ? undefined : type === 'boolean' ? p.value === 'true' || p.value === true : type === 'number' ? Number(p.value) : textOf(p.value);
    inputs[name] = {
      type,
      ...(value !== undefined ? { default: value } : {}),
      ...(typeof p.description === 'string' ? { description: p.description } : {}),
      ...(declared.endsWith('!') ? { required: true } : {}),
    };
  }
  return { inputs };
}

/** The workflow's env, which the export wrote into every script and kept whole in an annotation. */
function workflowEnvOf(annotations: Json): Record<string, string> {
  const kept = annotations[WORKFLOW_ENV_ANNOTATION];
  if (typeof kept !== 'string') return {};
  try {
    const env = JSON.parse(kept) as unknown;
    return isObject(env) ? Object.fromEntries(Object.entries(env).map(([k, v]) => [k, textOf(v)])) : {};
  } catch {
    return {};
  }
}

/**
 * The tasks whose standard output is read (`{{tasks.gen.outputs.result}}`), or was an output of ours (the export's
 * annotation), with the output it is: `result`, or the name the annotation keeps.
 */
function resultsRead(dag: Json, templates: ReadonlyMap<string, Json>): Map<string, string> {
  const read = new Set([...JSON.stringify(dag).matchAll(/tasks\.([A-Za-z0-9][A-Za-z0-9-]*)\.outputs\.result\b/g)].map((m) => m[1]));
  const results = new Map<string, string>();
  for (const task of Array.isArray(dag.tasks) ? dag.tasks.filter(isObject) : []) {
    const template = templates.get(textOf(task.template));
    const annotations = isObject(template?.metadata) && isObject(template.metadata.annotations) ? template.metadata.annotations : {};
    const named = annotations[STDOUT_AS_ANNOTATION];
    if (typeof named === 'string') results.set(textOf(task.name), named);
    else if (read.has(textOf(task.name))) results.set(textOf(task.name), 'result');
  }
  return results;
}
