/** Where a command writes: injectable so that commands can be tested without a terminal. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (for colours and live views). */
  isTTY: boolean;
  /**
   * Calls `listener` once if whoever reads stdout goes away (`maestro-dag run … | head`); returns a function that
   * stops listening. Writes to stdout after that are dropped.
   */
  onStdoutClosed?(listener: () => void): () => void;
}

let stdoutClosed = false;
const closedListeners = new Set<() => void>();

/**
 * What was written to stdout in this turn of the event loop, written at its end in one piece: a run prints an event
 * at a time, and a write each cost more than making the event. Written before anything goes to stderr, and when
 * the process exits.
 */
let pendingOut: string[] = [];

function flushOut(): void {
  if (pendingOut.length === 0) return;
  const text = pendingOut.join('');
  pendingOut = [];
  if (!stdoutClosed) process.stdout.write(text);
}

let flushesAtExit = false;

/** The process's own streams. A closed stdout (EPIPE) is not a crash: listeners hear of it, and output stops. */
export const processOutput: Output = {
  out: (text) => {
    if (stdoutClosed) return;
    if (!flushesAtExit) {
      flushesAtExit = true;
      process.on('exit', flushOut);
    }
    if (pendingOut.push(text) === 1) setImmediate(flushOut);
  },
  err: (text) => {
    flushOut();
    process.stderr.write(text);
  },
  isTTY: Boolean(process.stdout.isTTY),
  onStdoutClosed: (listener) => {
    if (stdoutClosed) {
      queueMicrotask(listener);
      return () => undefined;
    }
    closedListeners.add(listener);
    return () => closedListeners.delete(listener);
  },
};

/** Watches the process's stdout for a reader that went away; without a listener, the command has nothing left to say. */
export function watchStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') {
      process.stderr.write(`maestro-dag: cannot write to stdout: ${e.message}\n`);
      process.exit(74);
    }
    if (stdoutClosed) return;
    stdoutClosed = true;
    if (closedListeners.size === 0) process.exit(process.exitCode ?? 0);
    for (const listener of [...closedListeners]) listener();
  });
}
