import { closeSync, existsSync, mkdirSync, readdirSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isEngineEvent, type EngineEvent, type RunStatus } from '../../protocol';
import { isWriting } from './runWriter';
import { readLog } from './runLogs';
import type { LogChunk } from '../../protocol';
import type { Scalar } from '../../model';
import { currentPlatform } from '../../platform';
import { UnreadableFileError } from '../../regularFile';
import { openRunFile, readRunText } from './runFiles';

export interface RunRecord {
  runId: string;
  workflowPath: string;
  workflowName: string;
  workflowHash: string;
  inputs: Record<string, Scalar>;
  /** The inputs kept as `***` (secret ones): absent from records written before it was kept, and rebuilt ones. */
  maskedInputs?: string[];
  startedAt: number;
  endedAt?: number;
  status: RunStatus | 'running';
  /** The engine process that runs it, to tell a live run from an interrupted one. */
  pid: number;
}

export interface StoredRun {
  record: RunRecord;
  events: EngineEvent[];
  /** Lines that could not be read: a torn last line after a crash, or damage. */
  skippedLines: number;
  /** The run says it is running, but no engine process is running it. */
  interrupted: boolean;
  /** Why run.json could not be used, when the record was rebuilt from the event log instead. */
  recordRebuilt?: string;
}

/** A run that is not there, or that nothing can be made of. */
export class RunReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunReadError';
  }
}

const RUN_STATUSES: readonly string[] = ['running', 'completed', 'failed', 'cancelled'];

/** Reads run.json, saying which field is wrong when it is not a run record. */
export function parseRunRecord(text: string): RunRecord {
  const v: unknown = JSON.parse(text);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
  const r = v as Record<string, unknown>;
  for (const key of ['runId', 'workflowPath', 'workflowName', 'workflowHash'] as const)
    if (typeof r[key] !== 'string') throw new Error(`'${key}' is not a string`);
  for (const key of ['startedAt', 'pid'] as const) if (typeof r[key] !== 'number') throw new Error(`'${key}' is not a number`);
  if (r.endedAt !== undefined && typeof r.endedAt !== 'number') throw new Error(`'endedAt' is not a number`);
  if (typeof r.status !== 'string' || !RUN_STATUSES.includes(r.status)) throw new Error(`'status' is not one of ${RUN_STATUSES.join(', ')}`);
  if (typeof r.inputs !== 'object' || r.inputs === null || Array.isArray(r.inputs)) throw new Error(`'inputs' is not an object`);
  if (r.maskedInputs !== undefined && !(Array.isArray(r.maskedInputs) && r.maskedInputs.every((n) => typeof n === 'string')))
    throw new Error(`'maskedInputs' is not a list of input names`);
  return v as RunRecord;
}

/**
 * What run.json would say, from the event log: the engine writes every event before run.json changes, so the log
 * knows the workflow, the inputs and how the run last ended. The engine process is not known (pid 0).
 */
export function recordFromEvents(runId: string, events: readonly EngineEvent[]): RunRecord | undefined {
  const started = events.find((e) => e.type === 'workflow:started');
  if (started?.type !== 'workflow:started') return undefined;
  let status: RunRecord['status'] = 'running';
  let endedAt: number | undefined;
  for (const e of events) {
    if (e.type === 'workflow:completed') [status, endedAt] = [e.status, e.ts];
    else if (e.type === 'workflow:resumed') [status, endedAt] = ['running', undefined];
  }
  return {
    runId,
    workflowPath: started.workflow.path,
    workflowName: started.workflow.name,
    workflowHash: started.workflow.hash,
    inputs: started.inputs,
    startedAt: started.ts,
    ...(endedAt !== undefined ? { endedAt } : {}),
    status,
    pid: 0,
  };
}

/** A run marked running whose engine is gone, or is this process and no longer writes it. */
const isInterrupted = (record: RunRecord, dir: string): boolean =>
  record.status === 'running' && (record.pid === process.pid ? !isWriting(dir) : !currentPlatform.processAlive(record.pid));

function readEvents(dir: string): { events: EngineEvent[]; skippedLines: number } {
  const events: EngineEvent[] = [];
  let skippedLines = 0;
  const path = join(dir, 'events.jsonl');
  if (!existsSync(path)) return { events, skippedLines };
  let text: string;
  try {
    text = readRunText(path);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw new RunReadError(`${path} cannot be read: ${e.message}`);
    throw e;
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const e = parseEventLine(line);
    if (!e) skippedLines++;
    // Runs written before log lines moved out of the events still have them: they are the log files' to serve.
    else if (e.type !== 'node:log') events.push(e);
  }
  return { events, skippedLines };
}

/** The most read of a log's first line (the `workflow:started` event, which lists every node). */
const MAX_FIRST_EVENT_BYTES = 32 * 1024 * 1024;
/** How much of a log's end is read for its last event. */
const LAST_EVENT_WINDOW = 256 * 1024;

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  return buffer.subarray(0, readSync(fd, buffer, 0, length, position));
}

/**
 * The events a run's record can be rebuilt from, read from the ends of its log only: the first event says which
 * workflow and inputs, the last whether and how the run ended. A log of many megabytes costs two small reads.
 */
function edgeEvents(dir: string): EngineEvent[] {
  const path = join(dir, 'events.jsonl');
  let fd: number;
  let size: number;
  try {
    ({ fd, size } = openRunFile(path));
  } catch {
    return [];
  }
  try {
    const chunks: Buffer[] = [];
    for (let at = 0; at < Math.min(size, MAX_FIRST_EVENT_BYTES); at += 64 * 1024) {
      chunks.push(readAt(fd, at, 64 * 1024));
      if (chunks[chunks.length - 1].includes(0x0a)) break;
    }
    const first = Buffer.concat(chunks).toString('utf8');
    const tail = readAt(fd, Math.max(0, size - LAST_EVENT_WINDOW), Math.min(size, LAST_EVENT_WINDOW))
      .toString('utf8')
      .split('\n');
    const events: EngineEvent[] = [];
    for (const line of [first.split('\n')[0], ...tail.slice(size > LAST_EVENT_WINDOW ? 1 : 0).reverse()]) {
      const e = parseEventLine(line);
      if (!e) continue;
      events.push(e);
      // The first event, and the last one that can be read.
      if (events.length === 2) break;
    }
    return events.length === 2 ? [events[0], events[1]] : events;
  } finally {
    closeSync(fd);
  }
}

function parseEventLine(line: string): EngineEvent | undefined {
  if (line.trim() === '') return undefined;
  try {
    const e: unknown = JSON.parse(line);
    return isEngineEvent(e) ? e : undefined;
  } catch {
    return undefined;
  }
}

/** run.json, or else what the event log says; `rebuilt` says why run.json was not used. */
function readRecord(dir: string, runId: string, events?: readonly EngineEvent[]): { record: RunRecord; rebuilt?: string } {
  let damage: string;
  try {
    return { record: parseRunRecord(readRunText(join(dir, 'run.json'))) };
  } catch (e) {
    damage = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `unreadable (${(e as Error).message})`;
  }
  const record = recordFromEvents(runId, events ?? edgeEvents(dir));
  if (!record) throw new RunReadError(`run '${runId}': run.json is ${damage}, and events.jsonl does not say which workflow the run was of`);
  return { record, rebuilt: `run.json is ${damage}` };
}

/**
 * What a run id looks like: `newRunId`'s form, or anything of letters, digits, `.`, `_` and `-` that is not a path
 * (starts with a letter or digit, at most 128 characters, no `..`). As a pattern too, for the schemas of boundaries.
 */
export const RUN_ID_PATTERN = '^(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';
const RUN_ID = new RegExp(RUN_ID_PATTERN);

export const isRunId = (runId: string): boolean => RUN_ID.test(runId);

/** A run's folder; a run id that could name anything else (`../x`, an absolute path) is refused. */
export function runDir(runsDir: string, runId: string): string {
  if (!isRunId(runId))
    throw new RunReadError(`'${runId.slice(0, 80)}' is not a run id (run ids are letters, digits, '.', '_' and '-', as 'maestro-dag runs' lists them)`);
  return join(runsDir, runId);
}

/** Reads a run back; everything before a torn or damaged line is kept, and a damaged run.json is rebuilt from the events. */
export function readRun(runsDir: string, runId: string): StoredRun {
  const dir = runDir(runsDir, runId);
  if (!existsSync(join(dir, 'run.json')) && !existsSync(join(dir, 'events.jsonl'))) throw new RunReadError(`no run '${runId}' in ${runsDir}`);
  const { events, skippedLines } = readEvents(dir);
  const { record, rebuilt } = readRecord(dir, runId, events);
  return { record, events, skippedLines, interrupted: isInterrupted(record, dir), ...(rebuilt ? { recordRebuilt: rebuilt } : {}) };
}

/** Every run in a runs folder, newest first. Folders that are not runs, or of which nothing can be read, are left out. */
export function listRuns(runsDir: string): (RunRecord & { interrupted: boolean })[] {
  if (!existsSync(runsDir)) return [];
  const runs: (RunRecord & { interrupted: boolean })[] = [];
  for (const name of readdirSync(runsDir)) {
    if (!isRunId(name)) continue;
    const dir = join(runsDir, name);
    if (!existsSync(join(dir, 'run.json')) && !existsSync(join(dir, 'events.jsonl'))) continue;
    try {
      const { record } = readRecord(dir, name);
      runs.push({ ...record, interrupted: isInterrupted(record, dir) });
    } catch {
      // A run being created (no event yet), or one of which nothing is left.
    }
  }
  return runs.sort((a, b) => b.startedAt - a.startedAt || b.runId.localeCompare(a.runId));
}

/** A piece of a node's log (see readLog). */
export function readLogChunk(runsDir: string, runId: string, instanceId: string, o: Parameters<typeof readLog>[2] = {}): LogChunk {
  return readLog(runDir(runsDir, runId), instanceId, o);
}

/** A node's whole log, read a piece at a time; for a log of any size, loop over readLogChunk instead. */
export function readLogText(runsDir: string, runId: string, instanceId: string): string {
  const pieces: string[] = [];
  for (let offset = 0; ;) {
    const piece = readLogChunk(runsDir, runId, instanceId, { offset });
    pieces.push(piece.text);
    if (piece.end >= piece.size || piece.end === offset) return pieces.join('');
    offset = piece.end;
  }
}

export function deleteRun(runsDir: string, runId: string): void {
  rmSync(runDir(runsDir, runId), { recursive: true, force: true });
}

/**
 * Picks a new run id and creates its folder, which no other run can then take: runs started in the same second
 * (parallel CI jobs) could otherwise draw the same id and write over each other.
 */
export function reserveRunId(runsDir: string, nextId: () => string = newRunId): string {
  for (let tries = 0; ; tries++) {
    const runId = nextId();
    try {
      mkdirSync(join(runsDir, runId));
      return runId;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 100) throw e;
    }
  }
}

export function newRunId(now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}
