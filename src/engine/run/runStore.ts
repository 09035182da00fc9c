import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { isEngineEvent, type EngineEvent, type LogLine, type RunStatus } from '../protocol';
import type { Scalar } from '../model';

export interface RunRecord {
  runId: string;
  workflowPath: string;
  workflowName: string;
  workflowHash: string;
  inputs: Record<string, Scalar>;
  startedAt: number;
  endedAt?: number;
  status: RunStatus | 'running';
  /** The engine process that runs it, to tell a live run from an interrupted one. */
  pid: number;
}

export const logFileName = (instanceId: string): string => `${instanceId.replace(/[^A-Za-z0-9_.=,[\]-]/g, '_')}.log`;

/** Writes one run to disk: run.json, events.jsonl (each event before anyone sees it), logs/<node>.log. */
export class RunWriter {
  private readonly eventsFd: number;
  private readonly logBuffers = new Map<string, string[]>();
  private bufferedLines = 0;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly dir: string,
    private record: RunRecord,
    append = false,
  ) {
    mkdirSync(join(dir, 'logs'), { recursive: true });
    this.writeRecord();
    this.eventsFd = openSync(join(dir, 'events.jsonl'), append ? 'a' : 'w');
  }

  event(e: EngineEvent): void {
    writeSync(this.eventsFd, JSON.stringify(e) + '\n');
  }

  log(instanceId: string, line: LogLine): void {
    let buffer = this.logBuffers.get(instanceId);
    if (!buffer) this.logBuffers.set(instanceId, (buffer = []));
    buffer.push(line.text);
    if (++this.bufferedLines >= 1000) this.flushLogs();
    else this.flushTimer ??= setTimeout(() => this.flushLogs(), 100);
  }

  flushLogs(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const [id, lines] of this.logBuffers) appendFileSync(join(this.dir, 'logs', logFileName(id)), lines.join('\n') + '\n');
    this.logBuffers.clear();
    this.bufferedLines = 0;
  }

  update(change: Partial<RunRecord>): void {
    this.record = { ...this.record, ...change };
    this.writeRecord();
  }

  close(): void {
    this.flushLogs();
    closeSync(this.eventsFd);
  }

  private writeRecord(): void {
    // Write-then-rename, so that a reader never sees half a run.json.
    const tmp = join(this.dir, 'run.json.tmp');
    writeFileSync(tmp, JSON.stringify(this.record, null, 2) + '\n');
    renameSync(tmp, join(this.dir, 'run.json'));
  }
}

export interface StoredRun {
  record: RunRecord;
  events: EngineEvent[];
  /** Lines that could not be read: a torn last line after a crash, or damage. */
  skippedLines: number;
  /** The run says it is running, but no engine process is running it. */
  interrupted: boolean;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Reads a run back; everything before a torn or damaged line is kept. */
export function readRun(runsDir: string, runId: string): StoredRun {
  const dir = join(runsDir, runId);
  if (!existsSync(join(dir, 'run.json'))) throw new Error(`no run '${runId}' in ${runsDir}`);
  const record = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunRecord;
  const events: EngineEvent[] = [];
  let skippedLines = 0;
  const path = join(dir, 'events.jsonl');
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const e: unknown = JSON.parse(line);
        if (isEngineEvent(e)) events.push(e);
        else skippedLines++;
      } catch {
        skippedLines++;
      }
    }
  }
  const interrupted = record.status === 'running' && (record.pid === process.pid ? false : !isAlive(record.pid));
  return { record, events, skippedLines, interrupted };
}

/** Every run in a runs folder, newest first. Unreadable entries are skipped. */
export function listRuns(runsDir: string): (RunRecord & { interrupted: boolean })[] {
  if (!existsSync(runsDir)) return [];
  const runs: (RunRecord & { interrupted: boolean })[] = [];
  for (const name of readdirSync(runsDir)) {
    try {
      const record = JSON.parse(readFileSync(join(runsDir, name, 'run.json'), 'utf8')) as RunRecord;
      const interrupted = record.status === 'running' && record.pid !== process.pid && !isAlive(record.pid);
      runs.push({ ...record, interrupted });
    } catch {
      // Not a run folder, or one being created.
    }
  }
  return runs.sort((a, b) => b.startedAt - a.startedAt || b.runId.localeCompare(a.runId));
}

export function readLog(runsDir: string, runId: string, instanceId: string): string {
  const path = join(runsDir, runId, 'logs', logFileName(instanceId));
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

export function deleteRun(runsDir: string, runId: string): void {
  rmSync(join(runsDir, runId), { recursive: true, force: true });
}

export function newRunId(now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}
