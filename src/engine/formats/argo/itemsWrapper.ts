// A matrix node with `maxParallel` in Argo: a template's `parallelism` bounds all its tasks, so the node's task runs
// a dag template of its own whose one task fans out over the items, `parallelism` at a time. The values the task
// took from outside (other tasks' outputs) come in as that template's inputs. Written by the export, read back by
// the import: the shape has one home.
import { isObject, textOf, type Json } from '../../json';

interface Parameter {
  name: string;
  value: string;
}

const parametersOf = (task: Json): Parameter[] =>
  isObject(task.arguments) && Array.isArray(task.arguments.parameters)
    ? task.arguments.parameters.filter(isObject).map((p) => ({ name: textOf(p.name), value: textOf(p.value ?? '') }))
    : [];

const argumentsOf = (parameters: readonly Parameter[]): Json => (parameters.length ? { arguments: { parameters } } : {});

/** The wrapper's input parameter that brings in the list a `withParam` fans out over. */
const ITEMS_PARAMETER = 'items';

/** The name of the wrapper template of the task `name`: `<name>-items`, or with a number where that is taken. */
export function wrapperName(name: string, taken: ReadonlySet<string>): string {
  let candidate = `${name}-items`;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${name}-items-${n}`;
  return candidate;
}

/**
 * The node's task as one that runs the wrapper template `wrapper`, and that template. `annotations` are the node
 * template's, so that an import finds the node's id on the template its task names.
 */
export function wrapItems(task: Json, wrapper: string, maxParallel: number, annotations: Json | undefined): { task: Json; template: Json } {
  const { name, template, withItems, withParam, arguments: _given, when, ...placement } = task;
  const parameters = parametersOf(task);
  // withParam reads another task's output or a workflow parameter: it comes in as the wrapper's `items`.
  const items = withParam !== undefined ? [{ name: ITEMS_PARAMETER, value: textOf(withParam) }] : [];
  const fromOutside = [...parameters.filter((p) => !/\{\{item[.}]/.test(p.value)), ...items];
  const fanOut = withParam !== undefined ? { withParam: `{{inputs.parameters.${ITEMS_PARAMETER}}}` } : { withItems };
  const inner = parameters.map((p) => (fromOutside.includes(p) ? { name: p.name, value: `{{inputs.parameters.${p.name}}}` } : p));
  // A condition on an item's values is the items' own (the caller refuses one that reads other tasks too).
  const perItem = typeof when === 'string' && /\{\{item[.}]/.test(when);
  return {
    task: { name, template: wrapper, ...placement, ...(when !== undefined && !perItem ? { when } : {}), ...argumentsOf(fromOutside) },
    template: {
      name: wrapper,
      ...(annotations ? { metadata: { annotations } } : {}),
      ...(fromOutside.length ? { inputs: { parameters: fromOutside.map((p) => ({ name: p.name })) } } : {}),
      parallelism: maxParallel,
      dag: { failFast: false, tasks: [{ name, template, ...(perItem ? { when } : {}), ...fanOut, ...argumentsOf(inner) }] },
    },
  };
}

/**
 * A task that runs a wrapper as `wrapItems` writes it, as the one task it stands for (its items, the node's own
 * template, the arguments passed through filled in) and the `maxParallel` it bounds them to; undefined for any other.
 */
export function unwrapItems(task: Json, wrapper: Json | undefined): { task: Json; maxParallel: number } | undefined {
  const tasks = isObject(wrapper?.dag) && Array.isArray(wrapper.dag.tasks) ? wrapper.dag.tasks.filter(isObject) : [];
  const parallelism = wrapper?.parallelism;
  if (tasks.length !== 1 || typeof parallelism !== 'number' || !Number.isInteger(parallelism) || parallelism < 1) return undefined;
  const [inner] = tasks;
  if ((!Array.isArray(inner.withItems) && typeof inner.withParam !== 'string') || textOf(inner.name) !== textOf(task.name)) return undefined;
  const given = new Map(parametersOf(task).map((p) => [p.name, p.value]));
  const passedIn = (value: string): string => {
    const passed = /^\{\{inputs\.parameters\.([\w-]+)\}\}$/.exec(value);
    return passed && given.has(passed[1]) ? given.get(passed[1])! : value;
  };
  const filled = parametersOf(inner).map((p) => ({ name: p.name, value: passedIn(p.value) }));
  const { template: _wrapper, arguments: _outer, ...placement } = task;
  const when = inner.when !== undefined ? { when: inner.when } : {};
  const fanOut = typeof inner.withParam === 'string' ? { withParam: passedIn(inner.withParam) } : { withItems: inner.withItems };
  return { task: { ...placement, ...when, template: inner.template, ...fanOut, ...argumentsOf(filled) }, maxParallel: parallelism };
}
