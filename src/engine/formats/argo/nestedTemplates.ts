// A task that runs another dag or steps template of the file, put in its place: the template's tasks become tasks
// of the dag, named `<task>-<inner>`, their `{{inputs.parameters.x}}` the task's arguments; the first of them wait
// for what the task waited for, and the tasks that waited for it wait for its last ones; an output parameter of the
// template that is an inner task's output (`valueFrom.parameter: "{{tasks.gen.outputs.parameters.v}}"`) is read from
// that task. Only where nothing is lost: a task with a condition, items, continueOn or anything else of its own, or
// whose other outputs or results are read, stays one node (left behind with a note, as before).
import { isObject, textOf, type Json } from '../../json';
import { entryAsDag, waitedFor, type EntryDag } from './entryDag';
import { unwrapItems } from './itemsWrapper';

type Path = (string | number)[];

/** How many tasks are put in place, and how many tasks they may make: a template may call itself. */
const MAX_INLINED = 64;
const MAX_TASKS = 1000;

const PLAIN_TASK_FIELDS = new Set(['name', 'template', 'arguments', 'dependencies', 'depends']);
const TASK_NAME = /[A-Za-z0-9][A-Za-z0-9-]*/g;

/** The template's input parameters: its defaults, then the task's arguments. */
export function parametersGiven(task: Json, template: Json | undefined): Map<string, string> {
  const params = new Map<string, string>();
  for (const p of isObject(template?.inputs) && Array.isArray(template.inputs.parameters) ? template.inputs.parameters.filter(isObject) : [])
    if (p.value !== undefined) params.set(textOf(p.name), textOf(p.value));
  for (const p of isObject(task.arguments) && Array.isArray(task.arguments.parameters) ? task.arguments.parameters.filter(isObject) : [])
    params.set(textOf(p.name), textOf(p.value ?? ''));
  return params;
}

/** An inner task's output named by a template's output parameter: `{{tasks.gen.outputs.parameters.v}}` (or `steps.`). */
const INNER_OUTPUT = /^\s*\{\{\s*(?:tasks|steps)\.([A-Za-z0-9][A-Za-z0-9-]*)\.outputs\.(parameters\.[A-Za-z0-9_-]+|result)\s*\}\}\s*$/;

/** The template's output parameters that are the output of one of its tasks: by name, that task and which output. */
function innerOutputs(template: Json): Map<string, { task: string; output: string }> {
  const inner = entryAsDag(template, []);
  const tasks = new Set('problem' in inner ? [] : (inner.dag.tasks as Json[]).map((t) => textOf(t.name)));
  const outputs = new Map<string, { task: string; output: string }>();
  for (const p of isObject(template.outputs) && Array.isArray(template.outputs.parameters) ? template.outputs.parameters.filter(isObject) : []) {
    const from = isObject(p.valueFrom) && typeof p.valueFrom.parameter === 'string' ? INNER_OUTPUT.exec(p.valueFrom.parameter) : null;
    if (from && tasks.has(from[1])) outputs.set(textOf(p.name), { task: from[1], output: from[2] });
  }
  return outputs;
}

/** A reader's `{{tasks.<task>.outputs.parameters.<p>}}` of one of the template's inner outputs. */
const outputRead = (task: string, outputs: ReadonlyMap<string, unknown>): RegExp | undefined =>
  outputs.size
    ? new RegExp(`\\{\\{\\s*tasks\\.${escaped(task)}\\.outputs\\.parameters\\.(${[...outputs.keys()].map(escaped).join('|')})\\s*\\}\\}`, 'g')
    : undefined;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** Whether a task can be put in place: nothing of its own beyond what it runs and waits for, nothing read of it but that it succeeded and its inner outputs. */
function canInline(task: Json, template: Json | undefined, others: readonly Json[]): boolean {
  if (!template || (!isObject(template.dag) && template.steps === undefined)) return false;
  // Our export's task of a matrix with maxParallel runs its items in a dag of their own: one node.
  if (unwrapItems(task, template) || 'problem' in entryAsDag(template, [])) return false;
  if (Object.keys(task).some((k) => !PLAIN_TASK_FIELDS.has(k))) return false;
  const name = escaped(textOf(task.name));
  const readOtherwise = new RegExp(`tasks\\.${name}\\.|(^|[^\\w-])${name}\\.(?!Succeeded\\b)`);
  const read = outputRead(textOf(task.name), innerOutputs(template));
  return others.every((t) => t === task || !readOtherwise.test(JSON.stringify({ ...t, name: '' }).replace(read ?? /$^/, '')));
}

/** Another task's reading of the put-in-place task's inner outputs, as reading the inner tasks' own. */
function readingInnerOutputs(task: Json, name: string, template: Json, rename: (inner: string) => string): Json {
  const outputs = innerOutputs(template);
  const read = outputRead(name, outputs);
  if (!read) return task;
  const text = JSON.stringify(task).replace(read, (_, p: string) => {
    const from = outputs.get(p)!;
    return `{{tasks.${rename(from.task)}.outputs.${from.output}}}`;
  });
  return JSON.parse(text) as Json;
}

/** The inner tasks under the task's name, its arguments in place of the template's inputs, their references renamed. */
function innerTasks(task: Json, template: Json, inner: EntryDag): { tasks: Json[]; names: Map<string, string> } {
  const prefix = `${textOf(task.name)}-`;
  const names = new Map((inner.dag.tasks as Json[]).map((t) => [textOf(t.name), `${prefix}${textOf(t.name)}`]));
  const rename = (n: string) => names.get(n) ?? n;
  let text = JSON.stringify(inner.dag.tasks);
  for (const [param, value] of parametersGiven(task, template)) text = text.split(`{{inputs.parameters.${param}}}`).join(JSON.stringify(value).slice(1, -1));
  text = text.replace(/\{\{tasks\.([A-Za-z0-9][A-Za-z0-9-]*)\./g, (whole, n: string) => (names.has(n) ? `{{tasks.${rename(n)}.` : whole));
  const tasks = (JSON.parse(text) as Json[]).map((t) => ({
    ...t,
    name: rename(textOf(t.name)),
    ...(Array.isArray(t.dependencies) ? { dependencies: t.dependencies.map((d) => rename(String(d))) } : {}),
    ...(typeof t.depends === 'string' ? { depends: t.depends.replace(TASK_NAME, rename) } : {}),
  }));
  return { tasks, names };
}

/**
 * The task put in place: its inner tasks, the first waiting for what it waited for, and its last ones by name. Where
 * the task is a step, the steps before it are before each inner task, and it stands for all of them to the steps
 * after it (see stepsBefore in depends.ts).
 */
function inlined(
  task: Json,
  template: Json,
  inner: EntryDag,
  stepsBefore: ReadonlyMap<string, string[]>,
): { tasks: Json[]; last: string[]; stepsBefore: Map<string, string[]> } {
  const { tasks, names } = innerTasks(task, template, inner);
  const waited = new Set(tasks.flatMap(waitedFor));
  const outer = {
    ...(task.dependencies !== undefined ? { dependencies: task.dependencies } : {}),
    ...(task.depends !== undefined ? { depends: task.depends } : {}),
  };
  const firsts = new Set(tasks.filter((t) => t.dependencies === undefined && t.depends === undefined).map((t) => textOf(t.name)));
  const placed = tasks.map((t) => (firsts.has(textOf(t.name)) ? { ...t, ...outer } : t));
  const rename = (n: string) => names.get(n) ?? n;
  const all = [...names.values()];
  const name = textOf(task.name);
  const before = stepsBefore.get(name);
  const steps = new Map<string, string[]>();
  const standsFor = (n: string) => (n === name ? all : [n]);
  for (const [k, v] of stepsBefore) if (k !== name) steps.set(k, v.flatMap(standsFor));
  if (before) for (const first of firsts) steps.set(first, before);
  for (const [k, v] of inner.stepsBefore) steps.set(rename(k), [...(before ?? []), ...v.map(rename)]);
  return { tasks: placed, last: placed.map((t) => textOf(t.name)).filter((n) => !waited.has(n)), stepsBefore: steps };
}

/** Another task's waiting for `name` as waiting for its last tasks (`name` or `name.Succeeded`, each of them). */
function waitingForLast(task: Json, name: string, last: readonly string[]): Json {
  if (Array.isArray(task.dependencies) && task.dependencies.includes(name))
    return { ...task, dependencies: task.dependencies.flatMap((d) => (d === name ? last : [d])) };
  if (typeof task.depends !== 'string') return task;
  const depends = task.depends.replace(
    new RegExp(`(^|[^\\w-])${name.replace(/-/g, '\\-')}(\\.Succeeded)?(?![\\w-])`, 'g'),
    (_, before: string, result?: string) => {
      const terms = last.map((l) => `${l}${result ?? ''}`);
      return `${before}${terms.length === 1 ? terms[0] : `(${terms.join(' && ')})`}`;
    },
  );
  return { ...task, depends };
}

/** The dag with every task that runs a dag or steps template that can be put in place, put in place. */
export function withNestedTemplates(dag: EntryDag, byName: ReadonlyMap<string, Json>, templatePath: (name: string) => Path): EntryDag {
  let current = dag;
  for (let n = 0; n < MAX_INLINED; n++) {
    const tasks = current.dag.tasks as Json[];
    const index = tasks.findIndex((t) => canInline(t, byName.get(textOf(t.template)), tasks));
    if (index < 0 || tasks.length >= MAX_TASKS) return current;
    current = inlineOne(current, index, byName, templatePath);
  }
  return current;
}

function inlineOne(dag: EntryDag, index: number, byName: ReadonlyMap<string, Json>, templatePath: (name: string) => Path): EntryDag {
  const tasks = dag.dag.tasks as Json[];
  const task = tasks[index];
  const template = byName.get(textOf(task.template))!;
  // canInline made sure the template reads as a dag.
  const inner = entryAsDag(template, templatePath(textOf(template.name))) as EntryDag;
  const put = inlined(task, template, inner, dag.stepsBefore);
  const rename = (n: string) => `${textOf(task.name)}-${n}`;
  const others = tasks.map((t) => readingInnerOutputs(waitingForLast(t, textOf(task.name), put.last), textOf(task.name), template, rename));
  return {
    dag: { ...dag.dag, tasks: [...others.slice(0, index), ...put.tasks, ...others.slice(index + 1)] },
    paths: [...dag.paths.slice(0, index), ...inner.paths, ...dag.paths.slice(index + 1)],
    stepsBefore: put.stepsBefore,
  };
}
