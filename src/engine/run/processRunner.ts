import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseOutputsFile } from './outputsFile';
import type { AttemptRequest, AttemptResult, ProcessRunner, RunningAttempt } from './ports';

const DEFAULT_SHELL = existsSync('/bin/bash') || existsSync('/usr/bin/bash') ? 'bash' : 'sh';

/** Signals a whole process group, ignoring one that is already gone. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}

/** Splits a byte stream into lines, keeping a partial last line until more arrives or the stream ends. */
function lineSplitter(onLine: (text: string) => void): { push(chunk: Buffer): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      const text = rest + chunk.toString('utf8');
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) onLine(l.endsWith('\r') ? l.slice(0, -1) : l);
    },
    end() {
      if (rest !== '') onLine(rest);
      rest = '';
    },
  };
}

/** Runs attempts as real processes, each in its own process group so that ending it ends everything it started. */
export class ShellProcessRunner implements ProcessRunner {
  private readonly outputsDir: string;
  private attempts = 0;

  constructor(
    scratchDir: string,
    private readonly killGraceMs = 5000,
  ) {
    this.outputsDir = join(scratchDir, 'outputs');
    mkdirSync(this.outputsDir, { recursive: true });
  }

  start(request: AttemptRequest, onLine: (stream: 'stdout' | 'stderr', text: string) => void): RunningAttempt {
    // One file per attempt in a shared folder: cheaper than a folder per attempt, and names never collide.
    const outputFile = join(this.outputsDir, `${++this.attempts}-${request.instanceId.replace(/[^A-Za-z0-9_.=,-]/g, '_').slice(0, 80)}`);
    writeFileSync(outputFile, '');
    const shell = request.shell ?? DEFAULT_SHELL;
    // `-e` stops the script at the first failing command, as CI runners do.
    const args = shell === 'bash' || shell === 'sh' || shell === 'zsh' ? ['-e', '-c', request.script] : ['-c', request.script];
    let stoppedBy: AttemptResult['stoppedBy'];
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(shell, args, {
      cwd: request.cwd,
      env: { ...request.env, MAESTRO_OUTPUT: outputFile },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = lineSplitter((t) => onLine('stdout', t));
    const err = lineSplitter((t) => onLine('stderr', t));
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));

    const done = new Promise<AttemptResult>((resolve) => {
      let exit: { code: number | null; signal: string | null } | undefined;
      let spawnError: string | undefined;
      const finish = () => {
        if (killTimer) clearTimeout(killTimer);
        out.end();
        err.end();
        let outputs: Record<string, string> = {};
        let outputProblems: string[] = [];
        try {
          ({ outputs, problems: outputProblems } = parseOutputsFile(readFileSync(outputFile, 'utf8')));
        } catch (e) {
          outputProblems = [`could not be read: ${(e as Error).message}`];
        }
        rmSync(outputFile, { force: true });
        resolve({ exitCode: exit?.code ?? null, signal: exit?.signal ?? null, ...(stoppedBy ? { stoppedBy } : {}), outputs, outputProblems, ...(spawnError ? { spawnError } : {}) });
      };
      child.on('error', (e) => {
        spawnError = e.message;
        if (child.pid === undefined) finish();
      });
      child.on('exit', (code, signal) => {
        exit = { code, signal };
        // The shell is gone: whatever it left running in its group must not outlive the node.
        if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      });
      child.on('close', finish);
    });

    return {
      pid: child.pid,
      done,
      stop: (reason) => {
        if (stoppedBy || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
        stoppedBy = reason;
        const pid = child.pid;
        killGroup(pid, 'SIGTERM');
        killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), this.killGraceMs);
      },
    };
  }

  findArtifacts(cwd: string, patterns: readonly string[]): string[] {
    const found = new Set<string>();
    for (const pattern of patterns) {
      if (!/[*?[]/.test(pattern)) {
        if (existsSync(join(cwd, pattern))) found.add(pattern);
        continue;
      }
      const re = globToRegExp(pattern);
      for (const file of walk(cwd, 10_000)) if (re.test(file)) found.add(file);
    }
    return [...found].sort();
  }
}

/** `**` spans folders, `*` and `?` stay within one. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^(?:\\./)?${re}$`);
}

function* walk(root: string, limit: number): Generator<string> {
  const stack = [''];
  let seen = 0;
  while (stack.length) {
    const dir = stack.pop()!;
    let entries: string[];
    try {
      entries = readdirSync(join(root, dir));
    } catch {
      continue;
    }
    for (const name of entries) {
      if (++seen > limit) return;
      if (name === 'node_modules' || name === '.git' || name === '.maestro') continue;
      const rel = dir ? `${dir}/${name}` : name;
      let isDir = false;
      try {
        isDir = statSync(join(root, rel)).isDirectory();
      } catch {
        continue;
      }
      if (isDir) stack.push(rel);
      else yield relative('.', rel);
    }
  }
}
