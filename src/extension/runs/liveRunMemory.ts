import type { EngineEvent, LogLine } from '../../engine/protocol';

/** How many lines of each node's log are kept for a run followed live. */
export const TAIL_LINES = 200;
/** How many runs started in this window keep their events in memory. */
const RUNS_KEPT = 3;

interface Kept {
  events: EngineEvent[];
  tails: Map<string, LogLine[]>;
}

/**
 * What the window keeps of the runs it started, as their events come: the events (log lines aside) and the last
 * lines of each node's log, so that showing a run just started costs no read. Older runs are asked of the engine.
 */
export class LiveRunMemory {
  private readonly runs = new Map<string, Kept>();

  take(e: EngineEvent): void {
    if (e.type === 'workflow:started') {
      this.runs.set(e.runId, { events: [], tails: new Map() });
      for (const id of [...this.runs.keys()].slice(0, Math.max(0, this.runs.size - RUNS_KEPT))) this.runs.delete(id);
    }
    const kept = this.runs.get(e.runId);
    if (!kept) return;
    if (e.type !== 'node:log') {
      kept.events.push(e);
      return;
    }
    let tail = kept.tails.get(e.nodeId);
    if (!tail) kept.tails.set(e.nodeId, (tail = []));
    tail.push(...e.lines);
    if (tail.length > 2 * TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
  }

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  /** The run's events so far, if it is kept. */
  events(runId: string): EngineEvent[] | undefined {
    return this.runs.get(runId)?.events.slice();
  }

  /** A node's last log lines, if its run is kept ([] for a node that printed nothing). */
  tail(runId: string, nodeId: string): LogLine[] | undefined {
    const kept = this.runs.get(runId);
    return kept ? (kept.tails.get(nodeId) ?? []).slice(-TAIL_LINES) : undefined;
  }

  drop(runId: string): void {
    this.runs.delete(runId);
  }

  clear(): void {
    this.runs.clear();
  }
}
