// A task's `dependencies` or `depends` as our needs and condition. `depends` is an expression over the results of
// tasks: the forms our export writes (and the plain `A && B`) are needs and a status function; another is a
// condition over the needed nodes' statuses, with a note of the results it merges; one with a term that has no
// counterpart is a problem.
import { parseExpression } from '../../expressions/parser';
import { textOf, type Json } from '../../json';
import type { AfterAll } from './exitHandler';

const ALWAYS = ['Succeeded', 'Skipped', 'Failed', 'Errored', 'Omitted'];
const FAILURE = ['Failed', 'Errored', 'Omitted'];

function groupOf(term: string): { task: string; results: string[] } | undefined {
  const inner = term.trim().replace(/^\((.*)\)$/, '$1');
  const parts = inner.split('||').map((p) => p.trim());
  const m = parts.map((p) => /^([A-Za-z0-9-]+)\.(\w+)$/.exec(p));
  if (m.some((x) => !x) || new Set(m.map((x) => x![1])).size !== 1) return undefined;
  return { task: m[0]![1], results: m.map((x) => x![2]) };
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * The needed nodes; `status`: the condition on how they ended (a status function, or an expression over their
 * statuses) that replaces the default `success()`; `problem`: what has no counterpart (or is read with a caveat).
 */
type Needs = { needs: string[]; status?: string; problem?: string };

/** Argo's task results as our node statuses: one that errored failed, and one skipped or omitted was skipped. */
const STATUSES: Record<string, string[]> = {
  Succeeded: ['completed'],
  Failed: ['failed'],
  Errored: ['failed'],
  Skipped: ['skipped'],
  Omitted: ['skipped'],
};
/**
 * A task named without a result: it succeeded or its `when` skipped it (or is a daemon, which has no counterpart
 * here); one without a `when` only succeeded, as ours is skipped only when a node before it did not complete, where
 * Argo omits it.
 */
const bareStatuses = (task: string, known: NeededTasks) => (known.skippable.has(task) ? ['completed', 'skipped'] : ['completed']);

/** A task and results of it: `b.Failed` alone, or `(b.Failed || b.Errored)` as one term; a bare name has none. */
type ResultTerm = { task: string; results?: string[] };

/** The most tokens between the parentheses of one task's alternative results: seven results and their `||`. */
const MAX_GROUP = 13;

/**
 * Operators and parentheses as they are, and each task's results as a term: parenthesized alternatives of one
 * task's results, `(b.Failed || b.Errored)`, are one term (our export writes a status so).
 */
function termsOf(tokens: string[]): (string | ResultTerm)[] {
  const out: (string | ResultTerm)[] = [];
  const result = (t: string) => /^([A-Za-z0-9-]+)(?:\.(\w+))?$/.exec(t);
  for (let i = 0; i < tokens.length; i++) {
    const close = tokens[i] === '(' ? tokens.slice(i + 1, i + 2 + MAX_GROUP).indexOf(')') + i + 1 : -1;
    const inner = close > i ? tokens.slice(i + 1, close) : [];
    const alternatives = inner.filter((_, k) => k % 2 === 0).map(result);
    const joined = inner.length % 2 === 1 && inner.every((t, k) => k % 2 === 0 || t === '||');
    if (joined && alternatives.every((m) => m?.[2] && m[1] === alternatives[0]![1])) {
      out.push({ task: alternatives[0]![1], results: alternatives.map((m) => m![2]) });
      i = close;
    } else if (['&&', '||', '!', '(', ')'].includes(tokens[i])) out.push(tokens[i]);
    else {
      const m = result(tokens[i]);
      out.push(m ? { task: m[1], ...(m[2] ? { results: [m[2]] } : {}) } : tokens[i]);
    }
  }
  return out;
}

/**
 * An enhanced `depends` (results, `&&`, `||`, `!`, parentheses) as a condition over the needed nodes' statuses:
 * the same operators with the same precedence, each term a comparison. Not while the run is cancelled, where Argo
 * starts no task. Undefined where a term has no counterpart (`Daemoned`, `AnySucceeded`, a task the file lacks).
 */
function dependsCondition(depends: string, ids: Map<string, string>, known: NeededTasks): string | undefined {
  const tokens = depends.match(/&&|\|\||[!()]|[^\s&|!()]+/g) ?? [];
  const out: string[] = [];
  for (const term of termsOf(tokens)) {
    if (typeof term === 'string') {
      if (!['&&', '||', '!', '(', ')'].includes(term)) return undefined;
      out.push(term);
      continue;
    }
    const results = term.results?.every((r) => STATUSES[r]);
    if (!ids.has(term.task) || results === false) return undefined;
    const statuses = term.results ? [...new Set(term.results.flatMap((r) => STATUSES[r]))] : bareStatuses(term.task, known);
    const terms = statuses.map((status) => `nodes.${ids.get(term.task)}.status == '${status}'`);
    // After '!', which binds tighter than '==', a comparison takes parentheses too.
    out.push(terms.length === 1 && out.at(-1) !== '!' ? terms[0] : `(${terms.join(' || ')})`);
  }
  const text = out
    .join(' ')
    .replace(/([(!]) /g, '$1')
    .replace(/ \)/g, ')');
  // One term is in parentheses already where it is more than one comparison.
  const condition = out.length === 1 && text.startsWith('(') ? `!cancelled() && ${text}` : `!cancelled() && (${text})`;
  // What is not an expression Argo takes (a lone '&', unbalanced parentheses, an operator missing its operand).
  if (tokens.join('') !== depends.replace(/\s+/g, '')) return undefined;
  try {
    parseExpression(condition);
  } catch {
    return undefined;
  }
  return condition;
}

/** What the dag says of the tasks a task may need, by task name. */
export interface NeededTasks {
  /** Tasks with a `when`, which Argo may skip (a task after one skipped runs there, not here). */
  skippable: ReadonlySet<string>;
  /** Tasks under continueOn (or our export's annotation of it): their failure lets the tasks after them run. */
  continuing: ReadonlySet<string>;
  /** For a step of a steps template, the steps of the groups before its own. */
  stepsBefore: ReadonlyMap<string, readonly string[]>;
  /** The exit handler's first tasks, which run once all the others have ended (see exitHandler). */
  afterAll: AfterAll;
}

/** The needs of a task, each once (Argo takes `dependencies: [a, a]` and `a && a`; our needs list a node once). */
export function dependsToNeeds(task: Json, ids: Map<string, string>, known: NeededTasks): Needs {
  const found = neededTasks(task, ids, known);
  return { ...found, needs: [...new Set(found.needs)] };
}

/**
 * A term of a `depends` that asks of a task what our default condition asks of a need, or undefined: a task that
 * Argo cannot skip (`A`), or succeeded (`A.Succeeded`); for one under continueOn, either or-failed (`(A || A.Failed)`).
 */
function plainNeed(term: string, known: NeededTasks): string | undefined {
  const m = /^(?:([A-Za-z0-9-]+)(\.Succeeded)?|\(\s*([A-Za-z0-9-]+)(\.Succeeded)?\s*\|\|\s*([A-Za-z0-9-]+)\.Failed\s*\))$/.exec(term.trim());
  if (!m) return undefined;
  const [task, succeeded] = m[1] !== undefined ? [m[1], m[2]] : [m[3], m[4]];
  const orFailed = m[1] === undefined;
  if (orFailed && (m[5] !== task || !known.continuing.has(task))) return undefined;
  if (!orFailed && succeeded && known.continuing.has(task)) return undefined;
  return succeeded || !known.skippable.has(task) ? task : undefined;
}

function neededTasks(task: Json, ids: Map<string, string>, known: NeededTasks): Needs {
  const idOf = (name: string) => ids.get(name) ?? name;
  const listed = Array.isArray(task.dependencies) ? task.dependencies.map(String) : undefined;
  if (known.afterAll.tasks.has(textOf(task.name))) return { needs: known.afterAll.leaves.map(idOf), status: 'always()' };
  const earlier = known.stepsBefore.get(textOf(task.name)) ?? [];
  // A step runs once no step before it failed: those a when skipped let it run, as in Argo, and a failure stops all after it.
  if (listed && earlier.some((d) => known.skippable.has(d)))
    return { needs: listed.map(idOf), status: `!cancelled() && ${earlier.map((d) => `nodes.${idOf(d)}.status != 'failed'`).join(' && ')}` };
  // `dependencies` are `depends` of the bare names; continueOn counts for them.
  if (listed && !listed.some((d) => known.skippable.has(d))) return { needs: listed.map(idOf) };
  if (listed) {
    const status = dependsCondition(listed.join(' && '), ids, known);
    if (!status) return { needs: listed.map(idOf) };
    const skippable = listed.filter((d) => known.skippable.has(d)).map((d) => `'${d}'`);
    const problem = `it runs after ${skippable.join(' and ')} completed or was skipped by a when, as in Argo; where one is skipped here because a node before it did not complete, this one runs too, where Argo runs neither`;
    return { needs: listed.map(idOf), status, problem };
  }
  const given = task.depends;
  if (typeof given !== 'string') return { needs: [] };
  const depends = given.trim();
  const plain = conjuncts(depends).map((t) => plainNeed(t, known));
  if (plain.every((t) => t !== undefined)) return { needs: plain.map(idOf) };
  for (const [status, results, joiner] of [
    ['always()', ALWAYS, '&&'],
    ['failure()', FAILURE, '||'],
  ] as const) {
    const groups = splitTop(depends, joiner).map(groupOf);
    if (groups.every((g) => g && same(g.results, [...results]))) return { needs: groups.map((g) => idOf(g!.task)), status };
  }
  const mentioned = [...new Set([...depends.matchAll(/([A-Za-z0-9-]+)(?:\.\w+)?/g)].map((m) => m[1]).filter((n) => ids.has(n)))];
  const condition = dependsCondition(depends, ids, known);
  if (condition) {
    // Said, as the results it merges may matter to the workflow.
    const problem = `depends '${depends}' is read as a condition on how those tasks ended, where Argo's Skipped and Omitted are both 'skipped', and its Failed and Errored both 'failed'`;
    return { needs: mentioned.map(idOf), status: condition, problem };
  }
  return { needs: mentioned.map(idOf), problem: `depends '${depends}' has no counterpart: the node needs those tasks to succeed` };
}

/** The terms joined by `&&`, those of a parenthesized `&&` among them too: `A && (B && C)` is A, B and C. */
function conjuncts(depends: string): string[] {
  return splitTop(depends, '&&').flatMap((term) => {
    const inner = term.startsWith('(') && term.endsWith(')') ? term.slice(1, -1) : undefined;
    const whole = inner !== undefined && balanced(inner) && splitTop(inner, '||').length === 1;
    return whole ? conjuncts(inner.trim()) : [term];
  });
}

/** Whether parentheses close in order: `(a) && (b)` taken apart at its ends is not one group. */
function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/** Splits at a top-level operator (outside parentheses). */
function splitTop(text: string, op: '&&' | '||'): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (depth === 0 && text.startsWith(op, i)) {
      out.push(text.slice(from, i));
      from = i + 2;
      i++;
    }
  }
  out.push(text.slice(from));
  return out.map((s) => s.trim());
}
