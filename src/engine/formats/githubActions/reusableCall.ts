// A job that calls a reusable workflow of the same repository (`uses: ./.github/workflows/build.yml`) as a node
// that runs that workflow's import as a sub-workflow: `with:` as its inputs, `secrets:` as the secret inputs the
// import of the called workflow makes of them (`secrets_NAME`), and the outputs other jobs read of it collected from
// its run. A workflow of another repository (`org/repo/.github/workflows/x.yml@v1`) cannot be run from here.
import { dirname, join, posix } from 'node:path';
import { isObject, type Json, textOf } from '../../json';
import type { CalledWorkflow, NodeDoc } from '../importTypes';
import { fromGithubValue, type ValueSink, valueInputName } from './contexts';
import { lineOf } from './tokens';

/** The import of a called workflow, as the node names it: beside this one, named as an import names it. */
export function calledImportPath(uses: string): string | undefined {
  const m = /^\.\/\.github\/workflows\/([^/@]+)\.ya?ml$/.exec(uses.trim());
  return m ? `./${m[1]}.workflow.yaml` : undefined;
}

/** The secret input the called workflow's import reads a secret as. */
const secretInput = (name: string): string => valueInputName(['secrets', name]);

/**
 * The node of a job calling a local reusable workflow; `note` hears what it cannot carry. `line`: where the job is.
 */
export function reusableCallNode(id: string, job: Json, path: string, sink: ValueSink, line: number, note: (what: string) => void): NodeDoc {
  const node: NodeDoc = { workflow: path };
  const withs: Record<string, string> = {};
  if (isObject(job.with)) for (const [k, v] of Object.entries(job.with)) withs[k] = fromGithubValue(textOf(v), false, sink, lineOf(job.with, k) || line);
  if (job.secrets === 'inherit')
    note(
      `job '${id}' (line ${line}) passes its secrets with 'secrets: inherit': give each secret the called workflow reads in 'with:' (${secretInput('NAME')}: \${{ inputs.${secretInput('NAME')} }})`,
    );
  else if (isObject(job.secrets)) for (const [k, v] of Object.entries(job.secrets)) withs[secretInput(k)] = fromGithubValue(textOf(v), false, sink, line);
  if (Object.keys(withs).length) node.with = withs;
  for (const key of ['strategy', 'timeout-minutes', 'continue-on-error'])
    if (job[key] !== undefined)
      note(`job '${id}' (line ${line}) has '${key}', which a call of a reusable workflow keeps on GitHub: set it on the nodes of ${posix.basename(path)}`);
  return node;
}

/** The names of the outputs of node `id` that the other nodes read (`nodes.<id>.outputs.<name>`). */
export function outputsRead(nodes: Readonly<Record<string, NodeDoc>>, id: string): string[] {
  const pattern = new RegExp(`nodes\\.${id.replace(/[-]/g, '\\-')}\\.outputs\\.([A-Za-z_][A-Za-z0-9_-]*)`, 'g');
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') for (const m of value.matchAll(pattern)) names.add(m[1]);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (isObject(value)) Object.values(value).forEach(walk);
  };
  for (const [other, node] of Object.entries(nodes)) if (other !== id) walk(node);
  return [...names];
}

/**
 * Where each called workflow is and where its import goes: the source from the root of the repository that holds the
 * imported file (the folder above its `.github/workflows`), the import beside the new file.
 */
export function calledFiles(sourceFile: string, targetFile: string, calls: readonly CalledWorkflow[]): { source: string; target: string }[] {
  const m = /^(.*?)[\\/]\.github[\\/]workflows[\\/][^\\/]+$/.exec(sourceFile);
  if (!m) return [];
  return calls.map((c) => ({ source: join(m[1], c.uses), target: join(dirname(targetFile), c.path) }));
}
