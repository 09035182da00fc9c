// One line of the event timeline per engine event. Pure.
import { formatDuration } from '../../engine/duration';
import type { EngineEvent } from '../../engine/protocol';
import { heldMutexText } from '../../engine/mutexHolder';
import { reusedText } from '../../engine/reusedResult';

const by = (actor: string | undefined) => (actor ? ` by ${actor}` : '');

/** `1 running node`, `3 running nodes`. */
const runningNodes = (n: number): string => `${n} running node${n === 1 ? '' : 's'}`;

export function describeEvent(e: EngineEvent): string {
  switch (e.type) {
    case 'workflow:started':
      return `run started: ${e.nodes.length} node instance${e.nodes.length === 1 ? '' : 's'}, ${e.concurrency} at once`;
    case 'workflow:blocked':
      return `run waits for ${heldMutexText(e)}`;
    case 'workflow:pausing':
      return `pause asked${by(e.actor)}: nothing new starts; ${runningNodes(e.running)} to finish first`;
    case 'workflow:paused':
      return `run paused${by(e.actor)}`;
    case 'workflow:resumed':
      return `run resumed${by(e.actor)}${e.reset.length ? `: ${e.reset.length} node${e.reset.length === 1 ? '' : 's'} to run again` : ''}`;
    case 'workflow:completed':
      return `run ${e.status} in ${formatDuration(e.summary.durationMs)}: ${e.summary.completed} completed, ${e.summary.failed} failed, ${e.summary.skipped} skipped, ${e.summary.cancelled} cancelled${e.error ? ` — ${e.error}` : ''}`;
    case 'node:started':
      return e.attempt > 1 ? `started, attempt ${e.attempt}` : 'started';
    case 'node:subrun':
      return `sub-run ${e.continued ? 'continued' : 'started'}: ${e.nodes.length} node${e.nodes.length === 1 ? '' : 's'}`;
    case 'node:matrix':
      return `matrix made: ${e.nodes.length} instance${e.nodes.length === 1 ? '' : 's'}`;
    case 'node:blocked':
      return `waits for ${heldMutexText(e)}`;
    case 'node:progress':
      return `${e.progress}%${e.message ? ` ${e.message}` : ''}`;
    case 'node:log':
      return `${e.lines.length} log line${e.lines.length === 1 ? '' : 's'}`;
    case 'node:retrying':
      return `attempt ${e.attempt} failed: ${e.error}; retrying in ${formatDuration(e.delayMs)}`;
    case 'node:waiting':
      return `waiting for approval: ${e.prompt}`;
    case 'node:completed':
      return `${e.cached ? `completed, ${reusedText(e.cached)}` : `completed in ${formatDuration(e.durationMs)}`}${e.quality !== undefined ? `, quality ${e.quality}` : ''}${Object.keys(e.outputs).length ? `, outputs ${Object.keys(e.outputs).join(', ')}` : ''}`;
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

/** Each event type's label in the timeline's filter; log lines are not in the timeline. The compiler holds it to the union. */
const TIMELINE_LABELS = {
  'workflow:started': 'run started',
  'workflow:blocked': 'run waits for a mutex',
  'node:started': 'node started',
  'node:subrun': 'sub-run started',
  'node:matrix': 'matrix made',
  'node:blocked': 'waits for a mutex',
  'node:progress': 'progress',
  'node:log': null,
  'node:retrying': 'retrying',
  'node:waiting': 'waiting',
  'node:completed': 'completed',
  'node:failed': 'failed',
  'node:skipped': 'skipped',
  'node:cancelled': 'cancelled',
  'node:diagnostic': 'diagnostics',
  'workflow:pausing': 'pausing',
  'workflow:paused': 'paused',
  'workflow:resumed': 'resumed',
  'workflow:completed': 'run ended',
} satisfies Record<EngineEvent['type'], string | null>;

/** The event types a user filters the timeline by, with their labels. */
export const TIMELINE_TYPES: readonly { type: EngineEvent['type']; label: string }[] = Object.entries(TIMELINE_LABELS)
  .filter((e): e is [EngineEvent['type'], string] => e[1] !== null)
  .map(([type, label]) => ({ type, label }));
