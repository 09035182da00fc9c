/**
 * The engine's side of the protocol of the Perl and Python spawn helpers (described in perlSpawner.ts): requests
 * framed as they read them, and what they say turned into the helper messages the pool handles, the same as the
 * Node.js helper's. Output arrives as bytes and is split into lines here, as `launchProcess` splits a process's own.
 */
import { constants } from 'node:os';
import { lineSplitter, OUTPUT_CUT_NOTE, OUTPUT_GRACE_MS, spawnErrorText, type OutputStream } from '../launch';
import type { HelperMessage, HelperRequest } from './protocol';

/** What the Perl helper says, one event at a time. */
export type PerlEvent =
  | { kind: 'ready'; version: number }
  | { kind: 'started'; id: number; pid: number }
  | { kind: 'failed'; id: number; errno: number }
  | { kind: 'output'; id: number; stream: OutputStream; bytes: Buffer }
  | { kind: 'closed'; id: number; stream: OutputStream }
  | { kind: 'reaped'; id: number; status: number };

const frame = (fields: string[]): Buffer => {
  const payload = Buffer.from(fields.join('\0'));
  return Buffer.concat([Buffer.from(`${payload.length}\n`), payload]);
};

/** A spawn request as the Perl helper reads it; undefined when it holds a NUL, which no process can be given. */
export function encodePerlSpawn(r: HelperRequest): Buffer | undefined {
  const unset = r.unset;
  const set = Object.entries(r.set).flat();
  const fields = ['S', String(r.id), r.file, r.argv0 ?? r.file, r.cwd, String(r.args.length), ...r.args, String(unset.length), ...unset, ...set];
  return fields.some((f) => f.includes('\0')) ? undefined : frame(fields);
}

/** The environment the helper's processes start from, sent before any request; names or values with a NUL left out. */
export function encodePerlEnvironment(env: Readonly<Record<string, string>>): Buffer {
  const pairs = Object.entries(env).filter(([name, value]) => !name.includes('\0') && !value.includes('\0'));
  return frame(['E', ...pairs.flat()]);
}

/** Asks the helper to stop reading a process's output. */
export const encodePerlStopReading = (id: number): Buffer => frame(['K', String(id)]);

const STREAMS: Record<string, OutputStream> = { '1': 'stdout', '2': 'stderr' };
const HEADER = /^(?:R (\d+)|S (\d+) (\d+)|F (\d+) (\d+)|O (\d+) ([12]) (\d+)|C (\d+) ([12])|G (\d+) (\d+))$/;

/** Reads the helper's stdout: header lines, and after an `O` header, that many bytes of output. */
export class PerlEventReader {
  private pending = Buffer.alloc(0);

  constructor(
    private readonly onEvent: (e: PerlEvent) => void,
    private readonly onBad: (why: string) => void,
  ) {}

  push(chunk: Buffer): void {
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const nl = data.indexOf(10);
      if (nl < 0) break;
      const header = data.toString('latin1', 0, nl);
      const m = HEADER.exec(header);
      if (!m) return this.onBad(`sent something that is not a spawn helper message: ${header.slice(0, 200)}`);
      if (m[6] !== undefined) {
        const length = Number(m[8]);
        if (data.length < nl + 1 + length) break;
        this.onEvent({ kind: 'output', id: Number(m[6]), stream: STREAMS[m[7]], bytes: data.subarray(nl + 1, nl + 1 + length) });
        data = data.subarray(nl + 1 + length);
        continue;
      }
      this.onEvent(eventOf(m));
      data = data.subarray(nl + 1);
    }
    this.pending = Buffer.from(data);
  }
}

function eventOf(m: RegExpExecArray): PerlEvent {
  if (m[1] !== undefined) return { kind: 'ready', version: Number(m[1]) };
  if (m[2] !== undefined) return { kind: 'started', id: Number(m[2]), pid: Number(m[3]) };
  if (m[4] !== undefined) return { kind: 'failed', id: Number(m[4]), errno: Number(m[5]) };
  if (m[9] !== undefined) return { kind: 'closed', id: Number(m[9]), stream: STREAMS[m[10]] };
  return { kind: 'reaped', id: Number(m[11]), status: Number(m[12]) };
}

const errnoNames = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));
const signalNames = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/** A wait status as Node.js reports an exit: the code, or the signal that ended it. */
export function exitOfStatus(status: number): { code: number | null; signal: string | null } {
  const signal = status & 0x7f;
  return signal === 0 ? { code: status >> 8, signal: null } : { code: null, signal: signalNames.get(signal) ?? `signal ${signal}` };
}

interface Job {
  request: HelperRequest;
  split: Record<OutputStream, ReturnType<typeof lineSplitter>>;
  open: number;
  exit?: { code: number | null; signal: string | null };
  grace?: NodeJS.Timeout;
}

/**
 * Turns the Perl helper's events into the messages of the Node.js helper, with the same order and ends: lines as
 * they come, `gone` when the process is reaped, `exited` once its output has ended or the grace after its exit
 * is over (then the helper is asked to stop reading it, and the node is told why its output was cut).
 */
export class PerlJobs {
  private readonly jobs = new Map<number, Job>();

  constructor(
    private readonly emit: (m: HelperMessage) => void,
    private readonly stopReading: (id: number) => void,
  ) {}

  sent(request: HelperRequest): void {
    const lines = (stream: OutputStream) =>
      lineSplitter((lines, continues) => this.emit({ type: 'lines', id: request.id, stream, lines, ...(continues ? { continues: true as const } : {}) }));
    this.jobs.set(request.id, { request, split: { stdout: lines('stdout'), stderr: lines('stderr') }, open: 2 });
  }

  handle(e: PerlEvent): void {
    if (e.kind === 'ready') return this.emit({ type: 'ready', protocolVersion: e.version });
    const job = this.jobs.get(e.id);
    if (!job) return;
    switch (e.kind) {
      case 'started':
        return this.emit({ type: 'spawned', id: e.id, pid: e.pid });
      case 'failed':
        return this.failed(job, e.errno);
      case 'output':
        return job.split[e.stream].push(e.bytes);
      case 'closed':
        job.split[e.stream].end();
        job.open--;
        return this.finishIfDone(job);
      case 'reaped':
        job.exit = exitOfStatus(e.status);
        this.emit({ type: 'gone', id: e.id });
        // Most processes' output has ended by the time they are reaped: no grace to wait for.
        if (job.open > 0) job.grace = setTimeout(() => this.outlived(job), OUTPUT_GRACE_MS);
        return this.finishIfDone(job);
    }
  }

  private failed(job: Job, errno: number): void {
    this.jobs.delete(job.request.id);
    const code = errnoNames.get(errno) ?? `errno ${errno}`;
    const error = Object.assign(new Error(`spawn ${job.request.file} ${code}`), { code });
    const { request } = job;
    const spawnError = spawnErrorText(error, { file: request.file, args: request.args, cwd: request.cwd, env: {} });
    this.emit({ type: 'exited', id: request.id, code: null, signal: null, spawnError });
  }

  private finishIfDone(job: Job): void {
    if (job.open > 0 || !job.exit) return;
    clearTimeout(job.grace);
    this.jobs.delete(job.request.id);
    this.emit({ type: 'exited', id: job.request.id, ...job.exit });
  }

  private outlived(job: Job): void {
    if (!this.jobs.delete(job.request.id)) return;
    this.stopReading(job.request.id);
    job.split.stdout.end();
    job.split.stderr.end();
    this.emit({
      type: 'lines',
      id: job.request.id,
      stream: 'stderr',
      lines: [OUTPUT_CUT_NOTE],
    });
    this.emit({ type: 'exited', id: job.request.id, ...job.exit! });
  }
}
