// What a run continued from its log keeps: the instances it reached, in the run and in its sub-runs.
import { upstreamChecker } from '../graph';
import type { WorkflowSpec } from '../model';
import { subRunNodeNotRetried } from '../runRules';
import type { RunState } from '../runState';
import type { PreviousInstances } from './core/instances';
import { RunSetupError } from './setup';

/**
 * What a continued run keeps of its instances: all they reached, but for `fromNode` and what comes after it. A
 * sub-run's completed nodes are kept under their ids in the run (`deploy/build`), so that a `workflow` node that
 * runs again continues its sub-run rather than starting it over.
 */
/** The id of the node a run is continued from, given as a node or one of its instances; throws when there is none. */
export function fromNodeOf(state: RunState | undefined, workflow: WorkflowSpec, fromNode: string, path: string): string {
  const from = workflow.nodes.find((n) => n.id === fromNode || state?.nodes.get(fromNode)?.info.nodeId === n.id);
  if (!from) throw new RunSetupError(subRunNodeNotRetried(fromNode, (id) => state?.nodes.has(id) ?? false) ?? `no node '${fromNode}' in ${path}`);
  return from.id;
}

export function instancesToKeep(state: RunState | undefined, workflow: WorkflowSpec, fromNode: string | undefined, path: string): PreviousInstances {
  const instances: PreviousInstances = new Map();
  for (const [id, n] of state?.nodes ?? [])
    instances.set(id, { status: n.status, outputs: n.outputs, attempt: n.attempt, nodeId: n.info.nodeId, ...(n.info.matrix ? { matrix: n.info.matrix } : {}) });
  // A sub-run's node that ran again after it completed (its workflow node retried) is no longer completed in the fold.
  for (const [id, n] of Object.entries(state?.nestedNodes ?? {}))
    if (n.status === 'completed') instances.set(id, { status: n.status, outputs: n.outputs, attempt: n.attempt });
  if (fromNode === undefined) return instances;
  const from = fromNodeOf(state, workflow, fromNode, path);
  const isUpstream = upstreamChecker(workflow.nodes);
  const rerun = new Set([from, ...workflow.nodes.filter((n) => isUpstream(n.id, from)).map((n) => n.id)]);
  for (const [id, n] of state?.nodes ?? []) {
    if (!rerun.has(n.info.nodeId)) continue;
    instances.delete(id);
    for (const nested of instances.keys()) if (nested.startsWith(`${id}/`)) instances.delete(nested);
  }
  return instances;
}
