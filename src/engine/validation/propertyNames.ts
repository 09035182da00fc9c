// What a property written under another tool's name, or mistyped, is called here: `depends_on` (Compose, Airflow's
// upstream), `dependencies` (Argo) and `after` are `needs`; `retries` (Airflow) is `retry`; `jobs` is `nodes`. Names
// whose value means the same here where it is of a type ours takes (the schema check renames only such a value:
// Compose's `command` may be a list), and GitHub's `timeout-minutes` (Azure's `timeoutInMinutes`), whose number of
// minutes is written as a duration. Not `strategy` (GitHub's holds the matrix, one level down).
import { closest } from '../suggest';

/** Other tools' property names, written in lower case without `-` and `_`, and ours. */
const OTHER_NAMES: Readonly<Record<string, string>> = {
  retries: 'retry',
  dependson: 'needs',
  depends: 'needs',
  dependencies: 'needs',
  after: 'needs',
  requires: 'needs',
  command: 'run',
  cmd: 'run',
  script: 'run',
  condition: 'if',
  when: 'if',
  environment: 'env',
  variables: 'env',
  workingdirectory: 'cwd',
  workingdir: 'cwd',
  workdir: 'cwd',
  timeoutseconds: 'timeout',
  activedeadlineseconds: 'timeout',
  jobs: 'nodes',
  tasks: 'nodes',
  maxparallel: 'concurrency',
  parallelism: 'concurrency',
  title: 'name',
  displayname: 'name',
  timeoutminutes: 'timeout',
  timeoutinminutes: 'timeout',
  allowfailure: 'continueOnError',
};

/** The names above whose value is a number of minutes, where ours is a duration. */
const IN_MINUTES = new Set(['timeoutminutes', 'timeoutinminutes']);

const key = (written: string): string => written.toLowerCase().replace(/[-_]/g, '');

/**
 * The property of `allowed` that `written` stands for: the one another tool calls so (where it is allowed), else the
 * one it is a likely typo of; undefined when neither.
 */
export function propertyMeant(written: string, allowed: readonly string[]): string | undefined {
  const ours = OTHER_NAMES[key(written)];
  if (ours !== undefined && ours !== written && allowed.includes(ours)) return ours;
  return closest(written, allowed);
}

/**
 * The value of a property written under another tool's name as ours would say it: the same value (`same`), its text
 * in our units (`rewritten`: 10 minutes are `10m`), or none that says the same (`none`: minutes given by an expression).
 */
export function valueAsOurs(written: string, value: unknown): { kind: 'same' } | { kind: 'rewritten'; text: string } | { kind: 'none' } {
  if (!IN_MINUTES.has(key(written))) return { kind: 'same' };
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return { kind: 'none' };
  const seconds = Math.round(value * 60);
  return seconds === 0 ? { kind: 'none' } : { kind: 'rewritten', text: seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s` };
}
