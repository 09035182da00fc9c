import type { EngineEvent } from '../../engine/protocol';
import { isRunEvent } from '../../engine/runRules';
import type { HostMessage } from '../../webview/protocol';
import { LIVE_EVENTS_EVERY_MS } from '../../webview/state/bigGraph';
import type { RunManager } from '../runs/runManager';

/**
 * The run a DAG panel shows: its snapshot (its events so far, from the window's memory or the engine), then its
 * live events, batched. A snapshot asked for while an older one is on its way replaces it: only the newest shows.
 */
export class ShownRun {
  private shown: string | undefined;
  private lastSentSeq = -1;
  private generation = 0;
  private pending: EngineEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Live events that came while the snapshot was being read (from the engine): sent after it, what it lacks. */
  private held: EngineEvent[] | undefined;
  /** Per instance, the log lines taken to send live since the run was shown (sent, or waiting for the next batch). */
  private readonly linesTaken = new Map<string, number>();

  constructor(
    private readonly runs: RunManager,
    private readonly post: (m: HostMessage) => void,
    private readonly onProblem: (message: string) => void,
    /** How far apart live events go to the webview, in one message: a busy run costs a few posts a second. */
    private readonly batchMs: () => number = () => LIVE_EVENTS_EVERY_MS,
  ) {}

  get runId(): string | undefined {
    return this.shown;
  }

  /** The run to show once the webview listens (nothing is sent now). */
  choose(runId: string | undefined): void {
    this.shown = runId;
  }

  /** Shows a run (or none) from the start: its snapshot now, its live events after. */
  async show(runId: string | undefined, following: boolean): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.shown = runId;
    this.lastSentSeq = Number.MAX_SAFE_INTEGER;
    this.held = undefined;
    this.linesTaken.clear();
    const generation = ++this.generation;
    if (!runId || !this.runs.get(runId)) {
      this.lastSentSeq = -1;
      this.post({ type: 'runSnapshot', following, events: [] });
      return;
    }
    const held: EngineEvent[] = (this.held = []);
    let events: EngineEvent[] = [];
    try {
      events = await this.runs.eventsOf(runId);
    } catch (e) {
      this.onProblem(`cannot read run ${runId}: ${(e as Error).message}`);
    }
    if (generation !== this.generation) return;
    this.held = undefined;
    this.lastSentSeq = events.reduce((max, e) => Math.max(max, e.seq), -1);
    this.post({ type: 'runSnapshot', runId, following, events });
    // Log lines that came meanwhile are not replayed: the panel reads a node's log tail when it shows it.
    for (const e of held) if (e.type !== 'node:log') this.take(e);
  }

  /** A live event: forwarded if it is of the run shown and comes after the snapshot (log lines always do). */
  take(e: EngineEvent): void {
    if (e.runId !== this.shown) return;
    if (this.held) return void this.held.push(e);
    if (e.type !== 'node:log') {
      if (e.seq <= this.lastSentSeq) return;
      this.lastSentSeq = e.seq;
    } else this.linesTaken.set(e.nodeId, this.linesSent(e.nodeId) + e.lines.length);
    this.pending.push(e);
    // The run's own events (its end above all) go at once, with what was waiting.
    if (isRunEvent(e)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.batchMs());
  }

  /** How many log lines of an instance the panel has been sent live since the run was shown (a count that only grows). */
  linesSent(instanceId: string): number {
    return this.linesTaken.get(instanceId) ?? 0;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const events = this.pending;
    this.pending = [];
    if (events.length && this.shown) this.post({ type: 'runEvents', runId: this.shown, events });
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
