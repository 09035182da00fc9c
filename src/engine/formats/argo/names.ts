// Argo's names: templates, tasks and parameters are DNS-like (letters, digits, '-'); our node ids may hold '_'.

/** An Argo name for a node id: '_' becomes '-', and a name must start with a letter or digit. */
export function argoName(id: string): string {
  const name = id.replace(/_/g, '-').replace(/[^A-Za-z0-9-]/g, '-');
  return /^[A-Za-z0-9]/.test(name) ? name : `n${name}`;
}

/** Argo names for every node id, distinct even when two ids differ only by '_' and '-'. */
export function argoNames(ids: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>(['main']);
  for (const id of ids) {
    let name = argoName(id);
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${argoName(id)}-${n}`;
    taken.add(name.toLowerCase());
    names.set(id, name);
  }
  return names;
}

/** The annotation that keeps a node's own id (and name) on its template, for an import to give them back. */
export const NODE_ID_ANNOTATION = 'maestro.dev/node-id';
export const NODE_NAME_ANNOTATION = 'maestro.dev/node-name';
export const APPROVAL_PROMPT_ANNOTATION = 'maestro.dev/approval-prompt';
/** The matrix key of the plain values a `withParam` fans out over (Argo's `{{item}}` has none). */
export const MATRIX_KEY_ANNOTATION = 'maestro.dev/matrix-key';
/** The output a node's standard output is (`stdoutAs`), where it is not named `result` as Argo's is. */
export const STDOUT_AS_ANNOTATION = 'maestro.dev/stdout-as';
/** A node under continueOnError in a dag that names results (`depends`), where Argo takes no `continueOn`. */
export const CONTINUE_ON_ERROR_ANNOTATION = 'maestro.dev/continue-on-error';
export const WORKFLOW_NAME_ANNOTATION = 'maestro.dev/workflow-name';
export const WORKFLOW_ENV_ANNOTATION = 'maestro.dev/workflow-env';
export const INPUT_TYPES_ANNOTATION = 'maestro.dev/input-types';
export const OUTPUTS_DIR = '/tmp/maestro-outputs';

/** Where the scripts run in the container; a node's `cwd` is relative to it. */
export const WORK_DIR = '/workspace';
