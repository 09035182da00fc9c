// How the tasks of the exported dag name the tasks they need. Argo refuses a dag template in which some tasks write
// `depends` and others `dependencies`, and one that writes `depends` beside a `continueOn`: where one task needs
// `depends`, every task writes it. And Argo runs a task after one its `when` skipped (a bare name is
// `Succeeded || Skipped || Daemoned`), where a node after a skipped one is skipped here: a needed node with a
// condition is named as `.Succeeded`.
import type { NodeSpec } from '../../model';

type Json = Record<string, unknown>;

/** What the dag needs to know of a node another one needs. */
export interface NeededNode {
  /** Its task's name. */
  task: string;
  /** It has a condition, so Argo may skip it. */
  mayBeSkipped: boolean;
  /** It fails under continueOnError: the nodes after it run, as they do after it completed. */
  continuesOnError: boolean;
  /** Some node needs it. */
  isNeeded: boolean;
}

export const neededNodes = (nodes: readonly NodeSpec[], names: ReadonlyMap<string, string>): Map<string, NeededNode> =>
  new Map(
    nodes.map((n) => [
      names.get(n.id)!,
      {
        task: names.get(n.id)!,
        mayBeSkipped: n.if !== undefined,
        continuesOnError: n.continueOnError === true,
        isNeeded: nodes.some((m) => m.needs.includes(n.id)),
      },
    ]),
  );

/** A needed task in a `depends` that asks of it what our default condition asks: that it completed. */
export function neededTerm(node: NeededNode | undefined, task: string): string {
  const base = node?.mayBeSkipped ? `${task}.Succeeded` : task;
  return node?.continuesOnError ? `(${base} || ${task}.Failed)` : base;
}

/** The same, where the task names it as succeeded in any case (beside a condition on how others ended). */
export const succeededTerm = (node: NeededNode | undefined, task: string): string =>
  node?.continuesOnError ? `(${task}.Succeeded || ${task}.Failed)` : `${task}.Succeeded`;

/** What giving the dag one form changed: the tasks whose `continueOn` it left out, and what cannot be kept, by task name. */
export interface DependencyForm {
  withoutContinueOn: string[];
  problems: Map<string, string>;
}

/**
 * Gives the main dag's tasks one form: `dependencies` where no task needs more (with `continueOn` as it is), else
 * `depends` for all, a task's plain needs as `neededTerm`s and `continueOn` left out (its failure is named in the
 * `depends` of the tasks after it). A node under continueOnError that no node needs would fail the workflow in
 * Argo: a problem.
 */
export function oneDependencyForm(tasks: Json[], needed: ReadonlyMap<string, NeededNode>): DependencyForm {
  const dependenciesOf = (task: Json) => (Array.isArray(task.dependencies) ? (task.dependencies as string[]) : []);
  const asDepends = (task: Json) => {
    task.depends = dependenciesOf(task)
      .map((t) => neededTerm(needed.get(t), t))
      .join(' && ');
    delete task.dependencies;
  };
  for (const task of tasks) if (dependenciesOf(task).some((t) => needed.get(t)?.mayBeSkipped)) asDepends(task);
  const form: DependencyForm = { withoutContinueOn: [], problems: new Map() };
  if (!tasks.some((t) => typeof t.depends === 'string')) return form;
  for (const task of tasks) {
    if (dependenciesOf(task).length) asDepends(task);
    if (task.continueOn === undefined) continue;
    delete task.continueOn;
    form.withoutContinueOn.push(String(task.name));
    if (!needed.get(String(task.name))?.isNeeded)
      form.problems.set(
        String(task.name),
        'continueOnError: Argo takes no continueOn in a dag whose tasks name how the tasks they need ended (depends), and no node needs this one to carry its failure on: in Argo it would fail the workflow',
      );
  }
  return form;
}
