// An Argo workflow's exit handler (`onExit`): a template that runs once the workflow has ended, whatever happened.
// Its tasks become nodes after the others: those it starts with need every node no other node needs, and run
// always(); `{{workflow.status}}` in their conditions is how the run went (see importText).
import { isObject, textOf, type Json } from '../../json';
import { entryAsDag, waitedFor, type EntryDag } from './entryDag';

type Path = (string | number)[];

/** The exit handler's first tasks, which run once all the others have ended, and the tasks they wait for. */
export interface AfterAll {
  tasks: ReadonlySet<string>;
  leaves: readonly string[];
}

export interface WithExitHandler extends EntryDag {
  afterAll: AfterAll;
  /** Whether the spec's onExit was imported. */
  exitImported: boolean;
}

/** The entrypoint's dag with the exit handler's tasks after it, where the spec has one the file defines. */
export function withExitHandler(main: EntryDag, spec: Json, specPath: Path): WithExitHandler {
  const none = { ...main, afterAll: { tasks: new Set<string>(), leaves: [] }, exitImported: false };
  const templates: unknown[] = Array.isArray(spec.templates) ? spec.templates : [];
  const index = typeof spec.onExit === 'string' ? templates.findIndex((t) => isObject(t) && t.name === spec.onExit) : -1;
  if (index < 0) return none;
  const handler = entryAsDag(templates[index] as Json, [...specPath, 'templates', index]);
  if ('problem' in handler) return none;
  const mainTasks = main.dag.tasks as Json[];
  const handlerTasks = handler.dag.tasks as Json[];
  const names = new Set(mainTasks.map((t) => textOf(t.name)));
  const waited = new Set(mainTasks.flatMap(waitedFor));
  const starts = handlerTasks.filter((t) => t.dependencies === undefined && t.depends === undefined).map((t) => textOf(t.name));
  return {
    dag: { ...main.dag, tasks: [...mainTasks, ...handlerTasks] },
    paths: [...main.paths, ...handler.paths],
    stepsBefore: new Map([...main.stepsBefore, ...handler.stepsBefore]),
    afterAll: { tasks: new Set(starts), leaves: [...names].filter((n) => !waited.has(n)) },
    exitImported: true,
  };
}
