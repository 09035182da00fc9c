import type { LogLine } from '../../protocol';
import type { Clock, TimerHandle } from './ports';

/** Gathers log lines per node and hands them on in batches: by count, by age, or when asked to flush. */
export class LogBatcher {
  private readonly pending = new Map<string, LogLine[]>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly limits: { lines: number; ms: number },
    private readonly deliver: (nodeId: string, lines: LogLine[]) => void,
  ) {}

  add(nodeId: string, line: LogLine): void {
    let lines = this.pending.get(nodeId);
    if (!lines) this.pending.set(nodeId, (lines = []));
    lines.push(line);
    if (lines.length >= this.limits.lines) this.flush(nodeId);
    else
      this.timer ??= this.clock.setTimeout(() => {
        this.timer = undefined;
        this.flushAll();
      }, this.limits.ms);
  }

  flush(nodeId: string): void {
    const lines = this.pending.get(nodeId);
    if (!lines || lines.length === 0) return;
    this.pending.delete(nodeId);
    this.deliver(nodeId, lines);
  }

  flushAll(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const id of [...this.pending.keys()]) this.flush(id);
  }
}
