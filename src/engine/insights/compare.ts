// Two runs side by side, node by node: how long each took, what failed that had not, which outputs changed.
import type { NodeStatus } from '../protocol';
import type { RunState } from '../runState';

export interface CompareRow {
  node: string;
  a?: { status: NodeStatus; durationMs?: number };
  b?: { status: NodeStatus; durationMs?: number };
  deltaMs?: number;
  /** Failed in the second run, not in the first. */
  newFailure: boolean;
  /** Names of outputs whose values differ. */
  changedOutputs: string[];
}

const span = (state: RunState, node: string) => {
  const instances = [...state.nodes.values()].filter((n) => n.info.nodeId === node);
  const starts = instances.map((n) => n.startedAt).filter((t): t is number => t !== undefined);
  const ends = instances.map((n) => n.endedAt).filter((t): t is number => t !== undefined);
  const status: NodeStatus = instances.some((n) => n.status === 'failed')
    ? 'failed'
    : instances.every((n) => n.status === 'completed')
      ? 'completed'
      : (instances[0]?.status ?? 'pending');
  return { status, ...(starts.length && ends.length ? { durationMs: Math.max(...ends) - Math.min(...starts) } : {}) };
};

const outputsOf = (state: RunState, node: string): Record<string, string> =>
  Object.assign({}, ...[...state.nodes.values()].filter((n) => n.info.nodeId === node).map((n) => n.outputs)) as Record<string, string>;

export function compareRuns(a: RunState, b: RunState): CompareRow[] {
  const nodes = [...new Set([...a.nodes.values(), ...b.nodes.values()].map((n) => n.info.nodeId))];
  const has = (s: RunState, node: string) => [...s.nodes.values()].some((n) => n.info.nodeId === node);
  return nodes.map((node) => {
    const left = has(a, node) ? span(a, node) : undefined;
    const right = has(b, node) ? span(b, node) : undefined;
    const [oa, ob] = [outputsOf(a, node), outputsOf(b, node)];
    const changedOutputs = [...new Set([...Object.keys(oa), ...Object.keys(ob)])].filter((k) => oa[k] !== ob[k]).sort();
    return {
      node,
      ...(left ? { a: left } : {}),
      ...(right ? { b: right } : {}),
      ...(left?.durationMs !== undefined && right?.durationMs !== undefined ? { deltaMs: right.durationMs - left.durationMs } : {}),
      newFailure: right?.status === 'failed' && left?.status !== 'failed',
      changedOutputs,
    };
  });
}
