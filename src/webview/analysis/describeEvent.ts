// One line of the event timeline per engine event. Pure.
import { formatDuration } from '../../engine/duration';
import type { EngineEvent } from '../../engine/protocol';

export function describeEvent(e: EngineEvent): string {
  switch (e.type) {
    case 'workflow:started':
      return `run started: ${e.nodes.length} node instance${e.nodes.length === 1 ? '' : 's'}, ${e.concurrency} at once`;
    case 'workflow:paused':
      return 'run paused';
    case 'workflow:resumed':
      return e.reset.length ? `run resumed: ${e.reset.length} node${e.reset.length === 1 ? '' : 's'} to run again` : 'run resumed';
    case 'workflow:completed':
      return `run ${e.status} in ${formatDuration(e.summary.durationMs)}: ${e.summary.completed} completed, ${e.summary.failed} failed, ${e.summary.skipped} skipped, ${e.summary.cancelled} cancelled${e.error ? ` — ${e.error}` : ''}`;
    case 'node:started':
      return e.attempt > 1 ? `started, attempt ${e.attempt}` : 'started';
    case 'node:progress':
      return `${e.progress}%${e.message ? ` ${e.message}` : ''}`;
    case 'node:log':
      return `${e.lines.length} log line${e.lines.length === 1 ? '' : 's'}`;
    case 'node:retrying':
      return `attempt ${e.attempt} failed: ${e.error}; retrying in ${formatDuration(e.delayMs)}`;
    case 'node:waiting':
      return `waiting for approval: ${e.prompt}`;
    case 'node:completed':
      return `completed in ${formatDuration(e.durationMs)}${e.quality !== undefined ? `, quality ${e.quality}` : ''}${Object.keys(e.outputs).length ? `, outputs ${Object.keys(e.outputs).join(', ')}` : ''}`;
    case 'node:failed':
      return `failed after ${formatDuration(e.durationMs)}${e.exitCode !== null ? ` (exit ${e.exitCode})` : ''}: ${e.error}${e.continueOnError ? ' — continuing' : ''}`;
    case 'node:skipped':
      return `skipped: ${e.reason}`;
    case 'node:cancelled':
      return `cancelled: ${e.reason}`;
    case 'node:diagnostic':
      return `${e.severity}${e.file ? ` ${e.file}${e.line ? `:${e.line}` : ''}` : ''}: ${e.message}`;
  }
}

/** The event types a user filters the timeline by, with their labels. */
export const TIMELINE_TYPES: readonly { type: EngineEvent['type']; label: string }[] = [
  { type: 'workflow:started', label: 'run started' },
  { type: 'node:started', label: 'node started' },
  { type: 'node:progress', label: 'progress' },
  { type: 'node:retrying', label: 'retrying' },
  { type: 'node:waiting', label: 'waiting' },
  { type: 'node:completed', label: 'completed' },
  { type: 'node:failed', label: 'failed' },
  { type: 'node:skipped', label: 'skipped' },
  { type: 'node:cancelled', label: 'cancelled' },
  { type: 'node:diagnostic', label: 'diagnostics' },
  { type: 'workflow:paused', label: 'paused' },
  { type: 'workflow:resumed', label: 'resumed' },
  { type: 'workflow:completed', label: 'run ended' },
];
