// An Argo workflow's exit handler (`onExit`, or `hooks.exit`): a template that runs once the workflow has ended, whatever happened.
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
  /** The spec's field the exit handler was imported from, if it was. */
  exitFrom?: 'onExit' | 'hooks';
}

/**
 * The template the spec names to run at the end: `onExit`, or the newer `hooks: { exit: { template } }` where that is
 * its only hook and it asks nothing more (an expression, arguments, a templateRef).
 */
function exitTemplate(spec: Json): { name: string; from: 'onExit' | 'hooks' } | undefined {
  if (typeof spec.onExit === 'string') return { name: spec.onExit, from: 'onExit' };
  const hooks = isObject(spec.hooks) ? spec.hooks : undefined;
  const exit = hooks && Object.keys(hooks).length === 1 && isObject(hooks.exit) ? hooks.exit : undefined;
  return exit && typeof exit.template === 'string' && Object.keys(exit).length === 1 ? { name: exit.template, from: 'hooks' } : undefined;
}

/** The entrypoint's dag with the exit handler's tasks after it, where the spec has one the file defines. */
export function withExitHandler(main: EntryDag, spec: Json, specPath: Path): WithExitHandler {
  const none = { ...main, afterAll: { tasks: new Set<string>(), leaves: [] } };
  const templates: unknown[] = Array.isArray(spec.templates) ? spec.templates : [];
  const exit = exitTemplate(spec);
  const index = exit ? templates.findIndex((t) => isObject(t) && t.name === exit.name) : -1;
  if (!exit || index < 0) return none;
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
    exitFrom: exit.from,
  };
}
