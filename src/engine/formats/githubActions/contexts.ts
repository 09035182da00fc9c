// Context names between our expressions and GitHub Actions': `nodes.X.outputs` is `needs.X.outputs`, `run.id` is
// `github.run_id`, `workflow.name` is `github.workflow`; `inputs`, `env` and `matrix` are the same on both sides.
import type { RefMapper } from '../expressionMap';

/** Our references in GitHub's words; records the nodes read through `needs` (GitHub's has only direct needs). */
export function toGithubContexts(readsNode: (id: string) => string | undefined): RefMapper {
  return (segments) => {
    const [root, second, third] = segments.map((s) => s.toLowerCase());
    if (root === 'nodes') {
      if (second === '*') return { problem: `'nodes.*' has no GitHub Actions equivalent` };
      if (third === 'outputs') {
        const problem = readsNode(segments[1]);
        return problem ? { problem } : { length: 1, text: 'needs' };
      }
      return { problem: `'nodes.${segments[1]}.${segments[2] ?? ''}' has no exact GitHub Actions equivalent (needs.<id>.result has other values)` };
    }
    if (root === 'run' && second === 'id') return { length: 2, text: 'github.run_id' };
    if (root === 'workflow' && second === 'name') return { length: 2, text: 'github.workflow' };
    return undefined;
  };
}

/** Contexts of GitHub Actions with no local counterpart, and what to do instead. */
const NOT_LOCAL: Record<string, string> = {
  secrets: 'pass the secret as an input or an environment variable',
  vars: 'pass the variable as an input or an environment variable',
  github: 'use an input or an environment variable',
  runner: 'use the environment of the machine that runs it',
  steps: 'a node is one script: use shell variables between its steps',
  job: 'use the environment of the machine that runs it',
  strategy: 'use the matrix values',
  jobs: 'read nodes.<id>.outputs',
};

/** GitHub's references in our words; a reference with no local counterpart is reported through `unknown`. */
export function fromGithubContexts(unknown: (reference: string, advice: string) => void): RefMapper {
  return (segments) => {
    const [root, second, third, fourth] = segments.map((s) => s.toLowerCase());
    if (root === 'needs' && third === 'outputs') return { length: 1, text: 'nodes' };
    if (root === 'github' && second === 'run_id') return { length: 2, text: 'run.id' };
    if (root === 'github' && second === 'workflow') return { length: 2, text: 'workflow.name' };
    if (root === 'github' && second === 'event' && third === 'inputs' && fourth) return { length: 3, text: 'inputs' };
    const written = segments.join('.');
    if (root === 'needs') unknown(written, "needs.<id>.result has no local counterpart: use nodes.<id>.status ('completed' for success)");
    else if (NOT_LOCAL[root]) unknown(written, NOT_LOCAL[root]);
    return undefined;
  };
}
