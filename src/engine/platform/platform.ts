/**
 * What the engine needs from the operating system to run a node: the shell a script runs in, how a process is
 * started so that it and everything it starts can be ended as one, how that tree is ended, a watchdog that ends
 * those trees if the engine dies, and how processes left from an interrupted run are found. One implementation per
 * platform (`posix.ts`, `windows.ts`); the rest of the engine knows only this interface.
 */

export interface ShellInvocation {
  file: string;
  args: string[];
}

/** A script to run: its text, or a file holding it (a script too long for one argument, or for a `shell` with `{0}`). */
export type ScriptSource = { text: string } | { file: string };

/** A process that a run started and that is still alive, found through the `MAESTRO_*` variables it carries. */
export interface RunProcess {
  pid: number;
  /** The tree it belongs to: its process group on POSIX systems. */
  tree: number;
  /** `MAESTRO_NODE_ID` and `MAESTRO_ATTEMPT` of the attempt that started it. */
  nodeId: string;
  attempt: number;
}

/** Ends the trees it is told about when the process that started it goes away, however it goes. */
export interface ProcessGuard {
  /** A tree to end if the engine dies, and how long it gets between the polite signal and the forced one. */
  add(tree: number, graceMs: number): void;
  /** The tree has ended: nothing to do for it any more. */
  remove(tree: number): void;
}

export type PlatformName = 'posix' | 'windows';

export interface Platform {
  readonly name: PlatformName;
  /** The shell nodes run in when they name none; where there is none, why, and what to write instead. */
  defaultShell(): { shell: string } | { error: string };
  /**
   * The program and arguments that run a script in a shell (which may carry its own options: `bash -x`); a shell
   * with `{0}` is a command given the script's file there, as written.
   */
  shellCommand(shell: string, script: ScriptSource): ShellInvocation;
  /** The program a `shell` starts: its first word (on Windows, a path with spaces may be quoted or end in `.exe`). */
  shellProgram(shell: string): string;
  /** Whether a node's process starts detached, at the head of a tree that `killTree` ends as a whole. */
  readonly detached: boolean;
  /** Signals a tree: the process started with `pid` and everything it started. A tree that is gone is ignored. */
  killTree(pid: number, signal: 'SIGTERM' | 'SIGKILL'): void;
  /** Whether any process of the tree is alive. */
  treeAlive(pid: number): boolean;
  /** Whether the process is alive: it exists and has not exited (a zombie waiting to be reaped has). */
  processAlive(pid: number): boolean;
  /** Starts a watchdog for this process; undefined where the platform has none. */
  startGuard(): ProcessGuard | undefined;
  /** Processes still alive whose environment says the run started them. */
  findRunProcesses(runId: string): RunProcess[];
}

/** The environment variables that name the run and attempt a process belongs to. */
export const RUN_ENV = { runId: 'MAESTRO_RUN_ID', nodeId: 'MAESTRO_NODE_ID', attempt: 'MAESTRO_ATTEMPT' } as const;

/** Reads the run, node and attempt out of a process's environment (`NAME=value` entries). */
export function runProcessOf(pid: number, tree: number, env: Iterable<string>, runId: string): RunProcess | undefined {
  const values = new Map<string, string>();
  for (const entry of env) {
    const eq = entry.indexOf('=');
    if (eq > 0) values.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  if (values.get(RUN_ENV.runId) !== runId) return undefined;
  return { pid, tree, nodeId: values.get(RUN_ENV.nodeId) ?? '', attempt: Number(values.get(RUN_ENV.attempt) ?? 0) };
}
