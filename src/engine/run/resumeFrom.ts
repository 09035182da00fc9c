// What a run continued from its log keeps: the instances it reached, in the run and in its sub-runs.
import { upstreamChecker } from '../graph';
import type { WorkflowSpec } from '../model';
import type { EngineEvent } from '../protocol';
import { subRunNodeNotRetried } from '../runRules';
import type { RunState } from '../runState';
import type { PreviousInstances } from './core/instances';
import { RunSetupError } from './setup';

/**
 * What a continued run keeps of its instances: all they reached, but for `fromNode` and what comes after it. A
 * sub-run's completed nodes are kept under their ids in the run (`deploy/build`), so that a `workflow` node that
 * runs again continues its sub-run rather than starting it over.
 */
export function instancesToKeep(
  state: RunState | undefined,
  events: readonly EngineEvent[],
  workflow: WorkflowSpec,
  fromNode: string | undefined,
  path: string,
): PreviousInstances {
  const instances: PreviousInstances = new Map();
  for (const [id, n] of state?.nodes ?? []) instances.set(id, { status: n.status, outputs: n.outputs, attempt: n.attempt });
  for (const [id, kept] of completedInSubRuns(events)) instances.set(id, kept);
  if (fromNode === undefined) return instances;
  const from = workflow.nodes.find((n) => n.id === fromNode || state?.nodes.get(fromNode)?.info.nodeId === n.id);
  if (!from) throw new RunSetupError(subRunNodeNotRetried(fromNode, (id) => state?.nodes.has(id) ?? false) ?? `no node '${fromNode}' in ${path}`);
  const isUpstream = upstreamChecker(workflow.nodes);
  const rerun = new Set([from.id, ...workflow.nodes.filter((n) => isUpstream(n.id, from.id)).map((n) => n.id)]);
  for (const [id, n] of state?.nodes ?? []) {
    if (!rerun.has(n.info.nodeId)) continue;
    instances.delete(id);
    for (const nested of instances.keys()) if (nested.startsWith(`${id}/`)) instances.delete(nested);
  }
  return instances;
}

/**
 * The sub-runs' nodes whose last word in the log is that they completed, with their outputs. A node retried since
 * (Retry Node resets the `workflow` node that holds it) is not among them.
 */
export function completedInSubRuns(events: readonly EngineEvent[]): PreviousInstances {
  const completed: PreviousInstances = new Map();
  for (const e of events) {
    if (e.type === 'workflow:resumed') {
      for (const id of e.reset) for (const nested of completed.keys()) if (nested.startsWith(`${id}/`)) completed.delete(nested);
      continue;
    }
    if (!('nodeId' in e) || e.parentNodeId === undefined || e.type === 'node:log' || e.type === 'node:progress' || e.type === 'node:diagnostic') continue;
    if (e.type === 'node:completed') completed.set(e.nodeId, { status: 'completed', outputs: e.outputs, attempt: e.attempt });
    else completed.delete(e.nodeId);
  }
  return completed;
}
