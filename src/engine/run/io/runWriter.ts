import { closeSync, mkdirSync, readSync, statSync, writeSync } from 'node:fs';
import { appendToFile, openToWrite, writeFileAtomically } from './atomicFile';
import { join, resolve } from 'node:path';
import type { EngineEvent, LogLine } from '../../protocol';
import { openRunFile } from './runFiles';
import { logFileName } from './runLogs';
import type { RunRecord } from './runStore';

/**
 * Whether a file ends in the middle of a line: an engine that died while writing it left a torn last line, which
 * what is appended must not join.
 */
function endsTorn(path: string): boolean {
  let fd: number | undefined;
  try {
    let size: number;
    ({ fd, size } = openRunFile(path));
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The folders of the runs this process writes. */
const writing = new Set<string>();

/** Whether this process writes the run in that folder. */
export const isWriting = (dir: string): boolean => writing.has(resolve(dir));

/**
 * Writes one run to disk: run.json, events.jsonl (each event before anyone sees it; log lines are not events there),
 * logs/<node>.log (each line once, batched). Once a write fails (a full disk), it writes nothing more and says so
 * through `onWriteError`, once. `onLogsWritten` hears each node's log size after each write.
 */
export class RunWriter {
  private readonly eventsFd: number;
  private readonly logBuffers = new Map<string, string[]>();
  private bufferedLines = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private broken = false;
  /** The size of each log file written to, by instance id. */
  private readonly logSizes = new Map<string, number>();
  onWriteError: ((e: Error) => void) | undefined;
  onLogsWritten: ((sizes: ReadonlyMap<string, number>) => void) | undefined;

  /** Throws when the run's folder cannot be made: the run should not start. */
  constructor(
    readonly dir: string,
    private record: RunRecord,
    append = false,
  ) {
    mkdirSync(join(dir, 'logs'), { recursive: true });
    this.writeRecord();
    const events = join(dir, 'events.jsonl');
    const torn = append && endsTorn(events);
    this.eventsFd = openToWrite(events, append ? 'append' : 'truncate');
    if (torn) writeSync(this.eventsFd, '\n');
    writing.add(resolve(dir));
  }

  event(e: EngineEvent): void {
    if (this.broken || e.type === 'node:log') return;
    try {
      writeSync(this.eventsFd, JSON.stringify(e) + '\n');
    } catch (err) {
      this.fail(err as Error);
    }
  }

  log(instanceId: string, line: LogLine): void {
    if (this.broken) return;
    let buffer = this.logBuffers.get(instanceId);
    if (!buffer) this.logBuffers.set(instanceId, (buffer = []));
    buffer.push(line.text);
    if (++this.bufferedLines >= 1000) this.flushLogs();
    else this.flushTimer ??= setTimeout(() => this.flushLogs(), 100);
  }

  flushLogs(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const written = new Map<string, number>();
    try {
      if (!this.broken) for (const [id, lines] of this.logBuffers) written.set(id, this.appendLog(id, lines.join('\n') + '\n'));
    } catch (err) {
      this.fail(err as Error);
    }
    this.logBuffers.clear();
    this.bufferedLines = 0;
    if (written.size) this.onLogsWritten?.(written);
  }

  /** Appends to a node's log; returns the file's size after. */
  private appendLog(id: string, text: string): number {
    const file = join(this.dir, 'logs', logFileName(id));
    let size = this.logSizes.get(id);
    if (size === undefined) {
      try {
        size = statSync(file).size;
      } catch {
        size = 0;
      }
      if (size > 0 && endsTorn(file)) text = `\n${text}`;
    }
    appendToFile(file, text);
    size += Buffer.byteLength(text);
    this.logSizes.set(id, size);
    return size;
  }

  update(change: Partial<RunRecord>): void {
    this.record = { ...this.record, ...change };
    if (this.broken) return;
    try {
      this.writeRecord();
    } catch (err) {
      this.fail(err as Error);
    }
  }

  close(): void {
    this.flushLogs();
    closeSync(this.eventsFd);
    writing.delete(resolve(this.dir));
  }

  private fail(e: Error): void {
    this.broken = true;
    writing.delete(resolve(this.dir));
    this.onWriteError?.(e);
  }

  private writeRecord(): void {
    writeFileAtomically(join(this.dir, 'run.json'), JSON.stringify(this.record, null, 2) + '\n');
  }
}
