// What the Runs and Diagnostics trees show, as plain data: pure, so that it is tested without VS Code.
import { basename } from 'node:path';
import { formatDuration } from '../../engine/duration';
import type { HeldMutex, NodeStatus, RunListStatus } from '../../engine/protocol';
import { isActiveRun, isBusyNode, isEndedNode, shownRunStatus } from '../../engine/runRules';
import type { NodeRunState, RunState } from '../../engine/runState';
import { heldMutexText } from '../../engine/mutexHolder';
import { reusedText } from '../../engine/reusedResult';
import { mutexChoices } from '../commands/mutexChoices';

export type DisplayStatus = NodeStatus | RunListStatus | 'pausing';

export interface ItemModel {
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id and a theme colour id. */
  icon: { id: string; color?: string };
  contextValue: string;
  collapsible: boolean;
}

export const STATUS_ICON: Record<DisplayStatus, { id: string; color?: string }> = {
  pending: { id: 'circle-large-outline', color: 'disabledForeground' },
  waiting: { id: 'bell', color: 'charts.yellow' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  retrying: { id: 'debug-restart', color: 'charts.orange' },
  completed: { id: 'pass-filled', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  skipped: { id: 'circle-slash', color: 'disabledForeground' },
  cancelled: { id: 'circle-slash', color: 'charts.orange' },
  paused: { id: 'debug-pause', color: 'charts.yellow' },
  pausing: { id: 'debug-pause', color: 'charts.blue' },
  interrupted: { id: 'warning', color: 'charts.orange' },
};

export interface RunLike {
  runId: string;
  workflowName: string;
  status: RunListStatus;
  pausing?: boolean;
  startedAt: number;
  endedAt?: number;
  state?: RunState;
}

const when = (ts: number, now: number): string => {
  const ago = now - ts;
  if (ago < 60_000) return 'just now';
  if (ago < 3_600_000) return `${Math.floor(ago / 60_000)} min ago`;
  if (ago < 86_400_000) return `${Math.floor(ago / 3_600_000)} h ago`;
  return new Date(ts).toISOString().slice(0, 10);
};

export function progressOf(state: RunState | undefined): { done: number; total: number } {
  if (!state) return { done: 0, total: 0 };
  let done = 0;
  for (const n of state.nodes.values()) if (isEndedNode(n.status)) done++;
  return { done, total: state.nodes.size };
}

/** The nodes a run has failed on, with their errors (`'test': exited with code 1`), the first `max` of them. */
export function failedNodesText(state: RunState | undefined, max = 3): string | undefined {
  const failed = state ? [...state.nodes.values()].filter((n) => n.status === 'failed') : [];
  if (failed.length === 0) return undefined;
  const named = failed.slice(0, max).map((n) => `'${n.info.id}'${n.error ? `: ${n.error}` : ''}`);
  return `failed: ${named.join('; ')}${failed.length > max ? ` (and ${failed.length - max} more)` : ''}`;
}

/** The inputs a run started with (`channel=stable, token=***`): the first `max`, each value cut at 40 characters. */
export function inputsText(state: RunState | undefined, max = 6): string | undefined {
  const inputs = Object.entries(state?.inputs ?? {});
  if (inputs.length === 0) return undefined;
  const cut = (v: string) => (v.length > 40 ? `${v.slice(0, 39)}…` : v);
  const named = inputs.slice(0, max).map(([name, value]) => `${name}=${cut(String(value))}`);
  return `inputs: ${named.join(', ')}${inputs.length > max ? ` (and ${inputs.length - max} more)` : ''}`;
}

export function runItem(run: RunLike, now: number): ItemModel {
  const duration = formatDuration((run.endedAt ?? now) - run.startedAt);
  const { done, total } = progressOf(run.state);
  const active = isActiveRun(run.status);
  const status = shownRunStatus(run);
  const blocked = active ? run.state?.blockedBy : undefined;
  const going = active && total ? `${status} ${done}/${total} · ${duration}${blocked ? ` · waits for ${blocked.mutex}` : ''}` : undefined;
  const description = going ?? `${status} · ${duration} · ${when(run.startedAt, now)}`;
  const tooltip = [
    `${run.workflowName} — run ${run.runId}`,
    `status: ${status}`,
    `started ${new Date(run.startedAt).toLocaleString()}`,
    `duration ${duration}`,
  ];
  if (blocked) tooltip.push(`waits for ${heldMutexText(blocked)}`);
  const inputs = inputsText(run.state);
  if (inputs) tooltip.push(inputs);
  if (run.state?.error) tooltip.push(run.state.error);
  const failed = failedNodesText(run.state);
  if (failed) tooltip.push(failed);
  if (run.status === 'interrupted') tooltip.push('The engine that ran it stopped: Resume continues it from its log.');
  if (status === 'pausing') tooltip.push('Pausing: nothing new starts; the running nodes finish first. Resume calls the pause off.');
  return {
    label: new Date(run.startedAt).toLocaleTimeString(),
    description,
    tooltip: tooltip.join('\n'),
    icon: STATUS_ICON[status],
    contextValue: `run-${status}${blocked ? '-blocked' : ''}`,
    collapsible: true,
  };
}

/** A node of a run, or of one of its sub-runs (`nested`); `children`: its sub-run's nodes are known. */
export function nodeItem(node: NodeRunState, now: number, where: { nested?: boolean; children?: boolean } = {}): ItemModel {
  const parts: string[] = [node.status];
  if (node.status === 'running' && node.progress !== undefined) parts[0] = `${Math.round(node.progress)}%`;
  if (node.attempt > 1) parts.push(`attempt ${node.attempt}`);
  const duration = node.durationMs ?? (node.startedAt !== undefined && isBusyNode(node.status) ? now - node.startedAt : undefined);
  if (node.cached) parts.push('reused');
  else if (duration !== undefined) parts.push(formatDuration(duration));
  if (node.status === 'running' && node.message) parts.push(node.message);
  if (node.blockedBy) parts.push(`waits for ${node.blockedBy.mutex}`);
  const tooltip = [node.info.name !== node.info.id ? `${node.info.name} (${node.info.id})` : node.info.id, `status: ${node.status}`];
  if (node.error) tooltip.push(`error: ${node.error}`);
  if (node.reason) tooltip.push(node.reason);
  if (node.cached) tooltip.push(reusedText(node.cached));
  if (node.prompt && node.status === 'waiting') tooltip.push(`asks: ${node.prompt}`);
  if (node.blockedBy) tooltip.push(`waits for ${heldMutexText(node.blockedBy)}`);
  for (const [k, v] of Object.entries(node.outputs)) tooltip.push(`${k} = ${v.length > 80 ? v.slice(0, 80) + '…' : v}`);
  return {
    label: where.nested ? node.info.name : node.info.id,
    description: parts.join(' · '),
    tooltip: tooltip.join('\n'),
    icon: STATUS_ICON[node.status],
    // A sub-run's node is not retried by itself (its workflow node is), but its log opens and its gate is answered.
    contextValue: `${where.nested ? 'subnode' : 'node'}-${node.status}${node.blockedBy ? '-blocked' : ''}`,
    collapsible: where.children ?? false,
  };
}

export function workflowItem(path: string, name: string, runs: RunLike[]): ItemModel {
  const latest = runs[0];
  return {
    label: name,
    description: `${basename(path)} · ${runs.length} run${runs.length === 1 ? '' : 's'}`,
    tooltip: path,
    icon: latest ? STATUS_ICON[shownRunStatus(latest)] : { id: 'file' },
    contextValue: 'workflow',
    collapsible: true,
  };
}

export function diagnosticsFileItem(path: string, errors: number, warnings: number): ItemModel {
  const counts = [errors ? `${errors} error${errors === 1 ? '' : 's'}` : '', warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '']
    .filter(Boolean)
    .join(', ');
  return {
    label: basename(path),
    description: counts || 'no problems',
    tooltip: path,
    icon: errors
      ? { id: 'error', color: 'problemsErrorIcon.foreground' }
      : warnings
        ? { id: 'warning', color: 'problemsWarningIcon.foreground' }
        : { id: 'pass', color: 'testing.iconPassed' },
    contextValue: 'workflow-file',
    collapsible: errors + warnings > 0,
  };
}

/** The section of the mutexes held on the engine's machine, shown while any is. */
export function mutexesItem(held: readonly HeldMutex[]): ItemModel {
  const others = held.filter((m) => !m.here).length;
  return {
    label: 'Held mutexes',
    description: `${held.length}${others ? ` · ${others} by other processes` : ''}`,
    tooltip: 'The mutexes held on the engine’s machine: by this window’s runs, and by other processes (the CLI’s, a served engine’s).',
    icon: { id: 'lock' },
    contextValue: 'mutexes',
    collapsible: true,
  };
}

/** A held mutex: who holds it, since when, and whether its holder still runs; another process's may be released. */
export function mutexItem(held: HeldMutex, now: number): ItemModel {
  const [choice] = mutexChoices([held], now);
  return {
    label: choice.label,
    description: choice.description,
    tooltip: choice.detail,
    icon: held.live ? { id: 'lock', color: 'charts.yellow' } : { id: 'unlock', color: 'disabledForeground' },
    contextValue: held.here ? 'mutex-here' : 'mutex',
    collapsible: false,
  };
}
