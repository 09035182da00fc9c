// What the DAG panel gets first when it shows a run: its events so far without the log lines, and the last lines
// of each node's log. Pure: no vscode import.
import type { EngineEvent, LogLine } from '../../engine/protocol';

/** How many lines of each node's log a snapshot carries (the panel shows the end of a log, the log view the rest). */
export const SNAPSHOT_LOG_LINES = 200;

export interface RunSnapshot {
  events: EngineEvent[];
  logTails: Record<string, LogLine[]>;
  /** The seq of the last event read, log events included: live events after it follow the snapshot. */
  lastSeq: number;
}

export function snapshotOf(events: readonly EngineEvent[]): RunSnapshot {
  const kept: EngineEvent[] = [];
  const tails = new Map<string, LogLine[]>();
  let lastSeq = -1;
  for (const e of events) {
    lastSeq = Math.max(lastSeq, e.seq);
    if (e.type !== 'node:log') {
      kept.push(e);
      continue;
    }
    let tail = tails.get(e.nodeId);
    if (!tail) tails.set(e.nodeId, (tail = []));
    tail.push(...e.lines);
    if (tail.length > 2 * SNAPSHOT_LOG_LINES) tail.splice(0, tail.length - SNAPSHOT_LOG_LINES);
  }
  const logTails: Record<string, LogLine[]> = {};
  for (const [id, tail] of tails) logTails[id] = tail.slice(-SNAPSHOT_LOG_LINES);
  return { events: kept, logTails, lastSeq };
}
