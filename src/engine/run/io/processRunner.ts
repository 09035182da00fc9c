import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentPlatform, type Platform, type ProcessGuard } from '../../platform';
import { launchProcess, withSiblingNamed, type LaunchExit, type LaunchHandlers, type LaunchSpec } from './launch';
import { setLongTimeout, type LongTimeout } from '../core/longTimeout';
import { parseOutputsFile } from '../core/outputsFile';
import { readRegularText } from '../../regularFile';
import type { AttemptRequest, AttemptResult, ProcessRunner, RunningAttempt } from '../core/ports';
import type { SpawnHelperPool } from './spawnHelper/pool';
import { directCommand, simpleCommandWords } from '../core/simpleCommand';
import { fileProbe } from './fileProbe';
import { matchFiles } from './fileGlobs';
import { scriptFileExtension, takesScriptFile } from '../../platform/shells';

/** Scripts longer than this (in bytes) run from a file. */
export const SCRIPT_ARGUMENT_LIMIT = 100 * 1024;

export interface ShellProcessRunnerOptions {
  /** How long a process group has between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /** Spawn helpers to start processes through when one is ready; without them the engine starts every process. */
  helpers?: SpawnHelperPool;
  /** For tests: another platform than this one. */
  platform?: Platform;
  /** Whether a script that is one simple command is executed without a shell (default: yes; tests compare both). */
  directExec?: boolean;
}

/** Handlers that, when the process could not start at all, start another instead of reporting it. */
function withFallback(handlers: LaunchHandlers, instead: () => void): LaunchHandlers {
  let spawned = false;
  return {
    ...handlers,
    onSpawn: (pid) => {
      spawned = true;
      handlers.onSpawn(pid);
    },
    onExit: (exit) => (!spawned && exit.spawnError ? instead() : handlers.onExit(exit)),
  };
}

/** Runs attempts as real processes, each in its own process group so that ending it ends everything it started. */
export class ShellProcessRunner implements ProcessRunner {
  private readonly outputsDir: string;
  private readonly killGraceMs: number;
  private attempts = 0;
  /** The process groups of attempts that have not exited. */
  private readonly live = new Set<number>();
  private killingAll = false;
  private readonly platform: Platform;
  private guard: ProcessGuard | undefined | null = null;
  private defaultShell: ReturnType<Platform['defaultShell']> | undefined;
  /** Attempts started without a shell (for tests and measurements). */
  launchedDirectly = 0;

  constructor(
    scratchDir: string,
    private readonly o: ShellProcessRunnerOptions = {},
  ) {
    this.killGraceMs = o.killGraceMs ?? 5000;
    this.platform = o.platform ?? currentPlatform;
    this.outputsDir = join(scratchDir, 'outputs');
    mkdirSync(this.outputsDir, { recursive: true });
  }

  start(request: AttemptRequest, onLine: (stream: 'stdout' | 'stderr', text: string, continues: boolean) => void): RunningAttempt {
    // One file per attempt in a shared folder: cheaper than a folder per attempt, and names never collide.
    const outputFile = join(this.outputsDir, `${++this.attempts}-${request.instanceId.replace(/[^A-Za-z0-9_.=,-]/g, '_').slice(0, 80)}`);
    const shell = request.shell !== undefined ? { shell: request.shell } : (this.defaultShell ??= this.platform.defaultShell());
    if ('error' in shell)
      return { done: Promise.resolve({ exitCode: null, signal: null, outputs: {}, outputProblems: [], spawnError: shell.error }), stop: () => undefined };
    // The system limits one argument to 128 KiB, which a script with a big value in it can pass: such a script is
    // run from a file instead, as is every script of a shell that names its file (`Rscript {0}`).
    const inFile = takesScriptFile(shell.shell) || Buffer.byteLength(request.script) > SCRIPT_ARGUMENT_LIMIT;
    const scriptFile = inFile ? `${outputFile}${scriptFileExtension(this.platform.shellProgram(shell.shell))}` : undefined;
    if (scriptFile) writeFileSync(scriptFile, request.script);
    const { file, args } = this.platform.shellCommand(shell.shell, scriptFile ? { file: scriptFile } : { text: request.script });
    const spec: LaunchSpec = { file, args, cwd: request.cwd, env: { ...request.env, MAESTRO_OUTPUT: outputFile } };
    const direct = request.shell === undefined && shell.shell === 'bash' && !scriptFile ? this.directSpec(request.script, spec) : undefined;
    // Started before the first process, so that no process of the run is ever unwatched.
    if (this.guard === null) this.guard = this.platform.startGuard();
    const attempt = new AttemptProcess(this, { outputFile, ...(scriptFile ? { scriptFile } : {}) }, onLine);
    // A program that cannot be started directly after all (a race, a file system that forbids it) goes to the shell.
    if (direct) {
      this.launchedDirectly++;
      this.launch(
        direct,
        withFallback(attempt.handlers, () => this.launch(spec, attempt.handlers)),
      );
    } else this.launch(spec, attempt.handlers);
    return attempt;
  }

  private launch(spec: LaunchSpec, handlers: LaunchHandlers): void {
    const said: LaunchHandlers = {
      ...handlers,
      onExit: (exit) => handlers.onExit(exit.spawnError ? { ...exit, spawnError: withSiblingNamed(exit.spawnError, spec) } : exit),
    };
    if (!this.o.helpers?.launch(spec, said)) launchProcess(spec, said, this.platform);
  }

  /** The script as one program executed without a shell, when it is one simple command (see core/simpleCommand). */
  private directSpec(script: string, shellSpec: LaunchSpec): LaunchSpec | undefined {
    if (this.platform.name !== 'posix' || this.o.directExec === false) return undefined;
    const words = simpleCommandWords(script);
    const direct = words && directCommand(words, shellSpec.env, shellSpec.cwd, fileProbe);
    return direct ? { file: direct.file, args: direct.args, argv0: words[0], cwd: shellSpec.cwd, env: direct.env } : undefined;
  }

  /** A process of an attempt has started (or, with `pid` undefined, ended): the runner and its watchdog keep count. */
  track(pid: number, alive: boolean): void {
    if (alive) {
      this.live.add(pid);
      this.guard?.add(pid, this.killGraceMs);
      if (this.killingAll) this.platform.killTree(pid, 'SIGKILL');
    } else {
      this.live.delete(pid);
      this.guard?.remove(pid);
    }
  }

  get killing(): boolean {
    return this.killingAll;
  }

  get platformOf(): Platform {
    return this.platform;
  }

  get graceMs(): number {
    return this.killGraceMs;
  }

  killAll(): void {
    this.killingAll = true;
    for (const pid of this.live) this.platform.killTree(pid, 'SIGKILL');
  }

  findArtifacts(cwd: string, patterns: readonly string[]): { files: string[]; unmatched: string[] } {
    return matchFiles(cwd, patterns);
  }
}

/**
 * One attempt's process, from its start to its exit: it can be stopped at any time (before its pid is known, the stop
 * waits for it; after its exit, there is nothing to stop), and its outputs file is read when it exits.
 */
class AttemptProcess implements RunningAttempt {
  private spawnedPid: number | undefined;
  /** Once the process has exited there is nothing to stop, even while its output is still being read. */
  private exited = false;
  private stoppedBy: AttemptResult['stoppedBy'];
  private killTimer: LongTimeout | undefined;
  private resolveDone!: (result: AttemptResult) => void;
  readonly done = new Promise<AttemptResult>((resolve) => (this.resolveDone = resolve));

  constructor(
    private readonly runner: ShellProcessRunner,
    private readonly files: { outputFile: string; scriptFile?: string },
    private readonly onLine: (stream: 'stdout' | 'stderr', text: string, continues: boolean) => void,
  ) {}

  readonly handlers: LaunchHandlers = {
    onSpawn: (p) => {
      this.spawnedPid = p;
      this.runner.track(p, true);
      // A stop that came before the pid was known (the process was starting in a helper) applies now.
      if (!this.runner.killing && this.stoppedBy) this.signal(p);
    },
    onProcessGone: () => {
      this.exited = true;
    },
    onLines: (stream, lines, continues) => {
      const last = lines.length - 1;
      for (let i = 0; i <= last; i++) this.onLine(stream, lines[i], continues && i === last);
    },
    onExit: (exit: LaunchExit) => this.ended(exit),
  };

  get pid(): number | undefined {
    return this.spawnedPid;
  }

  stop(reason: 'timeout' | 'cancel'): void {
    if (this.stoppedBy || this.exited) return;
    this.stoppedBy = reason;
    if (this.spawnedPid !== undefined) this.signal(this.spawnedPid);
  }

  /** SIGTERM to the process group, SIGKILL after the grace period. */
  private signal(pid: number): void {
    this.runner.platformOf.killTree(pid, 'SIGTERM');
    this.killTimer = setLongTimeout(() => this.runner.platformOf.killTree(pid, 'SIGKILL'), this.runner.graceMs);
  }

  private ended(exit: LaunchExit): void {
    this.exited = true;
    if (this.spawnedPid !== undefined) this.runner.track(this.spawnedPid, false);
    this.killTimer?.clear();
    const { outputs, problems: outputProblems, tooBig } = takeOutputs(this.files.outputFile);
    if (this.files.scriptFile) removeQuietly(this.files.scriptFile);
    // Outputs that had to be left out fail an attempt that would otherwise have succeeded.
    const error = tooBig && exit.code === 0 && !this.stoppedBy ? tooBig : undefined;
    this.resolveDone({
      exitCode: exit.code,
      signal: exit.signal,
      ...(this.stoppedBy ? { stoppedBy: this.stoppedBy } : {}),
      outputs,
      outputProblems,
      ...(exit.spawnError ? { spawnError: exit.spawnError } : {}),
      ...(error ? { error } : {}),
    });
  }
}

/** The most an attempt's outputs file may hold: outputs travel in events, to the editor and into other nodes' scripts. */
export const MAX_OUTPUTS_BYTES = 1024 * 1024;

/** Reads and removes an attempt's outputs file, which exists only if the script wrote to it. */
function takeOutputs(file: string): { outputs: Record<string, string>; problems: string[]; tooBig?: string } {
  let size: number;
  try {
    // Most scripts write no outputs: asked without an exception for each.
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat) return { outputs: {}, problems: [] };
    size = stat.size;
  } catch (e) {
    return { outputs: {}, problems: [`could not be read: ${(e as Error).message}`] };
  }
  try {
    if (size > MAX_OUTPUTS_BYTES) {
      const mib = (size / 1024 / 1024).toFixed(1);
      return {
        outputs: {},
        problems: [],
        tooBig: `$MAESTRO_OUTPUT holds ${mib} MiB, more than the 1 MiB outputs may take: write big data to a file and pass its path as an output`,
      };
    }
    return parseOutputsFile(readRegularText(file));
  } catch (e) {
    return { outputs: {}, problems: [`could not be read: ${(e as Error).message}`] };
  } finally {
    removeQuietly(file);
  }
}

function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // In the run's scratch folder, which goes with the run.
  }
}
