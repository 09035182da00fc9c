import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { currentPlatform, type Platform } from '../../platform';

/** One process to start: the program, its arguments, folder and whole environment. */
export interface LaunchSpec {
  file: string;
  args: string[];
  /** The program's name as it sees it (`argv[0]`), when not `file`: a program found on the PATH is told its name as written. */
  argv0?: string;
  cwd: string;
  env: Record<string, string>;
}

export type OutputStream = 'stdout' | 'stderr';

/** How a launched process ended. `spawnError` means it never started. */
export interface LaunchExit {
  code: number | null;
  signal: string | null;
  spawnError?: string;
}

export interface LaunchHandlers {
  /** The process exists, with this pid (also its process group id). */
  onSpawn(pid: number): void;
  /** The process has exited; its output may still be arriving. */
  onProcessGone(): void;
  /**
   * Lines in the order the process wrote them to this stream. With `continues`, the last one is a piece of a line
   * too long to pass on whole (see MAX_LINE_CHARS), and the next call's first line goes on with it.
   */
  onLines(stream: OutputStream, lines: string[], continues: boolean): void;
  /** Called once, after every line of output has been delivered. */
  onExit(exit: LaunchExit): void;
}

/**
 * The longest line passed on. Output without line breaks (a minified file, binary data) is cut into lines of this
 * many characters, so that memory stays bounded and nothing is dropped.
 */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * Splits a byte stream into lines (dropping a trailing CR), keeping a partial last line until more arrives or the
 * stream ends. A line longer than MAX_LINE_CHARS is passed on in pieces: a call whose `continues` is true ends with
 * a piece whose line goes on in the first line of the next call.
 */
export function lineSplitter(onLines: (lines: string[], continues: boolean) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let out: string[] = [];
  const pass = (continues: boolean) => {
    if (out.length === 0) return;
    const lines = out;
    out = [];
    onLines(lines, continues);
  };
  /** Passes on MAX_LINE_CHARS pieces of a long text, never cutting a surrogate pair in two; returns the rest. */
  const cutLong = (text: string): string => {
    while (text.length > MAX_LINE_CHARS) {
      const before = text.charCodeAt(MAX_LINE_CHARS - 1);
      const cut = before >= 0xd800 && before <= 0xdbff ? MAX_LINE_CHARS - 1 : MAX_LINE_CHARS;
      out.push(text.slice(0, cut));
      pass(true);
      text = text.slice(cut);
    }
    return text;
  };
  const addLine = (line: string) => {
    // Not `out.push(cutLong(…))`: cutLong passes `out` on and starts a new one.
    const last = cutLong(line.endsWith('\r') ? line.slice(0, -1) : line);
    out.push(last);
  };
  return {
    push(chunk) {
      const text = rest + decoder.write(chunk);
      const lastBreak = text.lastIndexOf('\n');
      if (lastBreak >= 0) for (const line of text.slice(0, lastBreak).split('\n')) addLine(line);
      rest = cutLong(lastBreak >= 0 ? text.slice(lastBreak + 1) : text);
      pass(false);
    },
    end() {
      const last = rest + decoder.end();
      rest = '';
      if (last !== '') addLine(last);
      pass(false);
    },
  };
}

/**
 * How long output may stay open after the process exited. Its group is killed at exit, so only a process that left
 * the group (`setsid`, a daemon) can hold it open longer; the node does not wait for such a process.
 */
export const OUTPUT_GRACE_MS = 2000;

/** What a node's log says when its output was cut at the end of that grace. */
export const OUTPUT_CUT_NOTE =
  'maestro: the process exited, but a process it started outside its process group still holds its output; the node ends without waiting for it';

/**
 * The program of the same kind to name where one is missing: Debian and Ubuntu have `python3` and no `python` (which
 * GitHub's `shell: python` runs), and Windows has Windows PowerShell where PowerShell 7 is not installed.
 */
const SIBLINGS: Readonly<Record<string, string>> = { python: 'python3', pwsh: 'powershell' };

/**
 * Why a process could not start (by this process or a spawn helper), with the sibling of its program to name instead
 * where the program is missing from the PATH and the sibling is there.
 */
export function withSiblingNamed(spawnError: string, spec: LaunchSpec): string {
  if (!spawnError.endsWith(`${spec.file} was not found on the PATH`)) return spawnError;
  const sibling = siblingOnPath(spec.file, spec.env);
  return sibling ? `${spawnError}; ${sibling} is: name it in the node's shell (shell: ${sibling})` : spawnError;
}

/** The sibling of a program missing from the PATH of `env`, where it is there itself. */
function siblingOnPath(program: string, env: Record<string, string>): string | undefined {
  const sibling = Object.hasOwn(SIBLINGS, program) ? SIBLINGS[program] : undefined;
  // Windows names it Path, and reads names without regard to case.
  const path = Object.entries(env).find(([name]) => name.toUpperCase() === 'PATH')?.[1];
  if (sibling === undefined || !path) return undefined;
  const names = process.platform === 'win32' ? [`${sibling}.exe`, `${sibling}.cmd`] : [sibling];
  for (const folder of path.split(delimiter).filter(Boolean))
    for (const name of names) {
      try {
        accessSync(join(folder, name), constants.X_OK);
        return sibling;
      } catch {
        // Not in this folder, or not one this process may run.
      }
    }
  return undefined;
}

/** Why a process could not start, in words: Node.js says `spawn bash ENOENT` also when the folder is missing. */
export function spawnErrorText(e: NodeJS.ErrnoException, spec: LaunchSpec): string {
  // Node.js names the argument, variable or option by its place ('args[2]'), which the workflow does not show.
  if (e.code === 'ERR_INVALID_ARG_VALUE' && /null bytes/.test(e.message)) {
    const where = spec.args.some((a) => a.includes('\0'))
      ? "the node's script"
      : Object.entries(spec.env).some(([k, v]) => `${k}${v}`.includes('\0'))
        ? "a variable of the node's environment"
        : "the node's working folder";
    return `${where} holds a NUL character, which no process can be given (an output or input put into it with \${{ }} may have brought it)`;
  }
  if (e.code === 'E2BIG')
    return `${e.message}: the environment is larger than the system lets a process start with (each value at most 128 KiB on Linux); pass big values through files`;
  if (e.code === 'ENOENT' || e.code === 'ENOTDIR') {
    let folder: string | undefined;
    try {
      if (!statSync(spec.cwd).isDirectory()) folder = 'is not a folder';
    } catch {
      folder = 'does not exist';
    }
    if (folder) return `${e.message}: the working folder ${spec.cwd} ${folder}`;
    if (e.code === 'ENOENT') return `${e.message}: ${spec.file} was not found${spec.file.includes('/') ? '' : ' on the PATH'}`;
  }
  return e.message;
}

/**
 * Starts a process at the head of a tree of its own (its own process group on POSIX systems), so that ending the
 * tree ends everything it started, with stdin closed and stdout/stderr read line by line. When the process exits,
 * whatever it left running in its tree is killed.
 */
export function launchProcess(spec: LaunchSpec, handlers: LaunchHandlers, platform: Platform = currentPlatform): void {
  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    child = spawn(spec.file, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: platform.detached,
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(spec.argv0 !== undefined ? { argv0: spec.argv0 } : {}),
    });
  } catch (e) {
    // Arguments that no process can take, such as a NUL byte in the script.
    handlers.onExit({ code: null, signal: null, spawnError: spawnErrorText(e as Error, spec) });
    return;
  }
  const out = lineSplitter((lines, continues) => handlers.onLines('stdout', lines, continues));
  const err = lineSplitter((lines, continues) => handlers.onLines('stderr', lines, continues));
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  let exit: { code: number | null; signal: string | null } | undefined;
  let spawnError: string | undefined;
  let ended = false;
  let outputGrace: NodeJS.Timeout | undefined;
  const finish = (note?: string) => {
    if (ended) return;
    ended = true;
    if (outputGrace) clearTimeout(outputGrace);
    out.end();
    err.end();
    if (note) handlers.onLines('stderr', [note], false);
    handlers.onExit({ code: exit?.code ?? null, signal: exit?.signal ?? null, ...(spawnError ? { spawnError } : {}) });
  };
  child.on('error', (e) => {
    spawnError = spawnErrorText(e, spec);
    if (child.pid === undefined) finish();
  });
  child.on('exit', (code, signal) => {
    exit = { code, signal };
    if (child.pid !== undefined) platform.killTree(child.pid, 'SIGKILL');
    handlers.onProcessGone();
    outputGrace = setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
      finish(OUTPUT_CUT_NOTE);
    }, OUTPUT_GRACE_MS);
  });
  child.on('close', () => finish());
  if (child.pid !== undefined) handlers.onSpawn(child.pid);
}
