// The variables the engine gives every node's script (`$MAESTRO_RUN_ID`, `$MAESTRO_ATTEMPT`…: see "How a node reports
// back" in docs/workflow-format.md), as a script template's env in Argo, for those the script reads: Argo's own
// values where it has them, so that the script reads what it reads here. `$MAESTRO_OUTPUT` is the template's source's
// (script.ts). An import leaves these entries out: the engine sets them itself.
import { hasMatrix, type NodeSpec } from '../../model';
import { variablesRead } from '../scriptVariables';
import { WORK_DIR } from './names';

/** Each variable's value in Argo for a node; a text where it has none, which is the problem. */
const ARGO_VALUES: Readonly<Record<string, (node: NodeSpec) => string | { problem: string }>> = {
  MAESTRO_RUN_ID: () => '{{workflow.uid}}',
  // Argo's retries count from 0 and exist under a retryStrategy only.
  MAESTRO_ATTEMPT: (node) => (node.retry.max > 0 ? '{{=asInt(retries) + 1}}' : '1'),
  MAESTRO_NODE_ID: (node) =>
    hasMatrix(node) ? { problem: "its run reads $MAESTRO_NODE_ID, an instance's id (build[os=linux]), which Argo names otherwise" } : node.id,
  MAESTRO_TEMP: () => '/tmp',
  MAESTRO_WORKSPACE: () => WORK_DIR,
};

/** The env entries a node's template needs for the engine's variables its script reads. */
export function argoEngineEnv(node: NodeSpec, problems: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  const read = variablesRead(node.run ?? '');
  for (const [name, valueOf] of Object.entries(ARGO_VALUES)) {
    if (!read.has(name)) continue;
    const value = valueOf(node);
    if (typeof value === 'string') env[name] = value;
    else problems.push(value.problem);
  }
  return env;
}

/** Whether an env entry of a template is one of the engine's variables, which the engine sets itself. */
export const isEngineVariable = (name: string): boolean => Object.hasOwn(ARGO_VALUES, name);
