// A task's `dependencies` or `depends` as our needs and status function. `depends` is an expression over the
// results of tasks; the forms our export writes (and the plain `A && B`) have a counterpart, others are a problem.
import type { Json } from '../../json';

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

type Needs = { needs: string[]; status?: string; problem?: string };

/** The needs of a task, each once (Argo takes `dependencies: [a, a]` and `a && a`; our needs list a node once). */
export function dependsToNeeds(task: Json, ids: Map<string, string>): Needs {
  const found = neededTasks(task, ids);
  return { ...found, needs: [...new Set(found.needs)] };
}

function neededTasks(task: Json, ids: Map<string, string>): Needs {
  const idOf = (name: string) => ids.get(name) ?? name;
  if (Array.isArray(task.dependencies)) return { needs: task.dependencies.map((d) => idOf(String(d))) };
  if (typeof task.depends !== 'string') return { needs: [] };
  const depends = task.depends.trim();
  const plain = depends.split('&&').map((t) => /^\s*([A-Za-z0-9-]+)(\.Succeeded)?\s*$/.exec(t));
  if (plain.every(Boolean)) return { needs: plain.map((m) => idOf(m![1])) };
  for (const [status, results, joiner] of [
    ['always()', ALWAYS, '&&'],
    ['failure()', FAILURE, '||'],
  ] as const) {
    const groups = splitTop(depends, joiner).map(groupOf);
    if (groups.every((g) => g && same(g.results, [...results]))) return { needs: groups.map((g) => idOf(g!.task)), status };
  }
  const mentioned = [...new Set([...depends.matchAll(/([A-Za-z0-9-]+)(?:\.\w+)?/g)].map((m) => m[1]).filter((n) => ids.has(n)))];
  return { needs: mentioned.map(idOf), problem: `depends '${depends}' has no counterpart: the node needs those tasks to succeed` };
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
