/**
 * The kinds of spawn helper and how the pool talks to each: the Python helper on Linux (it starts processes without
 * copying itself), the Perl helper on other POSIX systems and where Python cannot start (it forks in a fraction of
 * Node.js's time), the Node.js helper (`dist/spawnHelper.js`) elsewhere and where neither can. The Python and Perl
 * helpers speak one protocol (perlProtocol.ts); all end in the same helper messages.
 */
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { encodePerlEnvironment, encodePerlSpawn, encodePerlStopReading, PerlEventReader, PerlJobs } from './perlProtocol';
import { PERL_SPAWNER, PERL_SPAWNER_VERSION } from './perlSpawner';
import { PYTHON_SPAWNER } from './pythonSpawner';
import { parseHelperMessage, SPAWN_HELPER_PROTOCOL_VERSION, type HelperMessage, type HelperRequest } from './protocol';

export type HelperKind = 'python' | 'perl' | 'node';

export interface HelperTransport {
  kind: HelperKind;
  /** The protocol version the helper must say it speaks when it is ready. */
  version: number;
  /** What the helper is told first: the environment its processes start from, where it does not take its own. */
  hello?(env: Readonly<Record<string, string>>): Buffer;
  /** The request as the helper reads it; undefined when this helper cannot take it (the engine starts it itself). */
  encode(request: HelperRequest): string | Buffer | undefined;
  /** Reads the helper's stdout; `write` sends the helper what the reading itself needs to say. */
  listen(stdout: Readable, on: { message(m: HelperMessage): void; bad(why: string): void }, write: (data: Buffer) => void): void;
}

/**
 * A helper holds little: the lines of the processes it runs, passed on at once. V8's default young generation (tens
 * of megabytes, sized for servers) is most of its memory: a small one keeps it near Node's floor.
 */
const NODE_HELPER_FLAGS = ['--max-semi-space-size=1'];

/** How to start a helper of this kind: the program and its arguments. */
export function helperCommand(kind: HelperKind, nodeScript: string): { file: string; args: string[] } {
  if (kind === 'python') return { file: systemPython() ?? 'python3', args: ['-I', '-S', '-c', PYTHON_SPAWNER] };
  if (kind === 'perl') return { file: 'perl', args: ['-e', PERL_SPAWNER] };
  return { file: process.execPath, args: [...NODE_HELPER_FLAGS, nodeScript] };
}

/**
 * The system's own Python where there is one: a `python3` found first on the PATH may be a version manager's shim,
 * a shell script that takes 100 ms to find the real one, while the engine starts processes itself.
 */
function systemPython(): string | undefined {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : undefined;
}

/** The kind to start instead of a helper of this kind that could not start; undefined after the last. */
export function fallbackKind(kind: HelperKind): HelperKind | undefined {
  return kind === 'python' ? 'perl' : kind === 'perl' ? 'node' : undefined;
}

/**
 * What the pool does when a helper goes. One that never was ready, where another kind can be tried (Python or Perl
 * missing or unfit), is replaced by one of the next kind without a word; where no other kind is wanted, the engine
 * starts processes itself, without a word too. Any other loss is reported: processes were lost, or none can help.
 */
export function whenHelperGoes(o: { kind: HelperKind; wasReady: boolean; closed: boolean; fallBack: boolean }): { replaceWith?: HelperKind; report: boolean } {
  const next = fallbackKind(o.kind);
  if (next === undefined || o.wasReady || o.closed) return { report: true };
  return o.fallBack ? { replaceWith: next, report: false } : { report: false };
}

/** How the pool talks to a helper of this kind. */
export function transportFor(kind: HelperKind): HelperTransport {
  return kind === 'node' ? nodeTransport : framedTransport(kind);
}

export const nodeTransport: HelperTransport = {
  kind: 'node',
  version: SPAWN_HELPER_PROTOCOL_VERSION,
  encode: (request) => JSON.stringify(request) + '\n',
  listen(stdout, on) {
    createInterface({ input: stdout, crlfDelay: Infinity }).on('line', (line) => {
      const m = parseHelperMessage(line);
      if (m) on.message(m);
      else on.bad(`sent something that is not a helper message: ${line.slice(0, 200)}`);
    });
  },
};

/** A transport per Python or Perl helper: it keeps the state of the processes that helper runs. */
function framedTransport(kind: 'python' | 'perl'): HelperTransport {
  let jobs: PerlJobs | undefined;
  return {
    kind,
    version: PERL_SPAWNER_VERSION,
    hello: encodePerlEnvironment,
    encode(request) {
      const frame = encodePerlSpawn(request);
      if (frame) jobs?.sent(request);
      return frame;
    },
    listen(stdout, on, write) {
      const current = new PerlJobs(
        (m) => on.message(m),
        (id) => write(encodePerlStopReading(id)),
      );
      jobs = current;
      const reader = new PerlEventReader(
        (e) => current.handle(e),
        (why) => on.bad(why),
      );
      stdout.on('data', (chunk: Buffer) => reader.push(chunk));
    },
  };
}
