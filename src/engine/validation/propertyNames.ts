// What a property written under another tool's name, or mistyped, is called here: `depends_on` (Compose, Airflow's
// upstream), `dependencies` (Argo) and `after` are `needs`; `retries` (Airflow) is `retry`; `jobs` is `nodes`. Only
// names whose value means the same here are listed, so that renaming the key is the whole fix: not
// `timeout-minutes` (a timeout here is in seconds) or `strategy` (GitHub's holds the matrix).
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
};

/**
 * The property of `allowed` that `written` stands for: the one another tool calls so (where it is allowed), else the
 * one it is a likely typo of; undefined when neither.
 */
export function propertyMeant(written: string, allowed: readonly string[]): string | undefined {
  const ours = OTHER_NAMES[written.toLowerCase().replace(/[-_]/g, '')];
  if (ours !== undefined && ours !== written && allowed.includes(ours)) return ours;
  return closest(written, allowed);
}
