// The entrypoint of an Argo workflow as a dag, which the import reads task by task. A `steps` template runs its
// groups one after the other, the steps of a group side by side: each step is a task that depends on the steps of
// the group before it (`dependencies`, which Argo reads as it moves from one group to the next: a step its `when`
// skipped lets the next group start, one that failed stops the template unless it continues on failure), and
// `{{steps.X…}}` is `{{tasks.X…}}`. A container, script or suspend template is one task.
import { isObject, textOf, type Json } from '../../json';

type Path = (string | number)[];

/** A value in a message, cut short: a file may hold anything there. */
const brief = (v: unknown): string => {
  const text = textOf(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/** The entrypoint's tasks, with where each is written in the file. */
export interface EntryDag {
  dag: Json;
  paths: Path[];
  /** For each step of a steps template, the steps of every group before its own (none for a dag). */
  stepsBefore: Map<string, string[]>;
}

/** The entrypoint as a dag, or why it cannot be one. */
export function entryAsDag(entry: Json, entryPath: Path): EntryDag | { problem: string } {
  if (isObject(entry.dag)) {
    const tasks = Array.isArray(entry.dag.tasks) ? entry.dag.tasks : [];
    return {
      dag: { ...entry.dag, tasks: tasks.filter(isObject) },
      paths: tasks.flatMap((t, i) => (isObject(t) ? [[...entryPath, 'dag', 'tasks', i]] : [])),
      stepsBefore: new Map(),
    };
  }
  if (entry.steps !== undefined) return stepsAsDag(entry.steps, entryPath);
  // One template: the whole workflow is its one task.
  return { dag: { failFast: false, tasks: [{ name: textOf(entry.name), template: textOf(entry.name) }] }, paths: [entryPath], stepsBefore: new Map() };
}

function stepsAsDag(steps: unknown, entryPath: Path): EntryDag | { problem: string } {
  if (!Array.isArray(steps)) return { problem: `its steps are ${brief(steps)}, not a list of groups of steps` };
  const tasks: Json[] = [];
  const paths: Path[] = [];
  const stepsBefore = new Map<string, string[]>();
  let before: string[] = [];
  const all: string[] = [];
  for (const [g, group] of steps.entries()) {
    if (!Array.isArray(group)) return { problem: `its step group ${g + 1} is ${brief(group)}, not a list of steps run side by side` };
    const names: string[] = [];
    for (const [j, step] of group.entries()) {
      if (!isObject(step)) continue;
      tasks.push({ ...withTaskReferences(step), ...(before.length ? { dependencies: before } : {}) });
      paths.push([...entryPath, 'steps', g, j]);
      names.push(textOf(step.name));
      stepsBefore.set(textOf(step.name), [...all]);
    }
    if (names.length) before = names;
    all.push(...names);
  }
  // A group waits for the whole group before it, whatever failed: no dag's fail fast to speak of.
  return { dag: { failFast: false, tasks }, paths, stepsBefore };
}

/** A step's `{{steps.X.…}}` (its arguments, `when`, items) as a task's `{{tasks.X.…}}`. */
function withTaskReferences(step: Json): Json {
  const text = JSON.stringify(step).replace(/\{\{[^{}]*\}\}/g, (variable) => variable.replace(/\bsteps\.(?=[A-Za-z0-9][A-Za-z0-9-]*\.)/g, 'tasks.'));
  const { dependencies: _none, depends: _neither, ...task } = JSON.parse(text) as Json;
  return task;
}

/** The names a task waits for: its dependencies, or those its depends names (with the results' words among them). */
export const waitedFor = (task: Json): string[] =>
  Array.isArray(task.dependencies)
    ? task.dependencies.map(String)
    : typeof task.depends === 'string'
      ? (task.depends.match(/[A-Za-z0-9][A-Za-z0-9-]*/g) ?? [])
      : [];
