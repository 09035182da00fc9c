import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { currentPlatform } from '../../../platform';
import type { LaunchHandlers, LaunchSpec } from '../launch';
import { envDifference, parseHelperMessage, SPAWN_HELPER_PROTOCOL_VERSION, type HelperMessage, type HelperRequest } from './protocol';

export interface SpawnHelperPoolOptions {
  /** The helper's script: `dist/spawnHelper.js`. */
  script: string;
  count: number;
  /** The engine's base environment; helpers run with it, and requests carry only what differs from theirs. */
  env: Record<string, string>;
  /** Told when a helper fails or goes away, once per helper. */
  onProblem?: (message: string) => void;
}

/**
 * A helper holds little: the lines of the processes it runs, passed on at once. V8's default young generation (tens
 * of megabytes, sized for servers) is most of its memory: a small one keeps it near Node's floor.
 */
const HELPER_FLAGS = ['--max-semi-space-size=1'];

interface InFlight {
  handlers: LaunchHandlers;
  pid?: number;
}

/** One helper process and the processes it has started that have not yet ended. */
class Helper {
  readonly inFlight = new Map<number, InFlight>();
  ready = false;
  gone = false;
  private closing = false;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly onReady: () => void,
    private readonly onGone: (helper: Helper, why: string) => void,
  ) {
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => this.receive(line));
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    child.on('error', (e) => this.lost(e.message));
    // 'close', not 'exit': the exits it reported just before it went are still to be read from its stdout.
    child.on('close', (code, signal) => this.lost(`exited ${signal ?? `with code ${code}`}${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
    child.stdin.on('error', () => undefined);
    this.holdLoop(false);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(request: HelperRequest, handlers: LaunchHandlers): void {
    this.inFlight.set(request.id, { handlers });
    this.holdLoop(true);
    this.child.stdin.write(JSON.stringify(request) + '\n');
  }

  close(): void {
    this.closing = true;
    this.child.stdin.end();
    this.holdLoop(false);
  }

  /** A helper with nothing to do must not keep the engine alive; one with processes in flight must. */
  private holdLoop(hold: boolean): void {
    for (const handle of [this.child, this.child.stdout, this.child.stdin, this.child.stderr] as { ref?(): void; unref?(): void }[]) {
      if (hold) handle.ref?.();
      else handle.unref?.();
    }
  }

  private receive(line: string): void {
    const m = parseHelperMessage(line);
    if (!m) return this.lost(`sent something that is not a helper message: ${line.slice(0, 200)}`);
    this.handle(m);
  }

  private handle(m: HelperMessage): void {
    switch (m.type) {
      case 'ready':
        if (m.protocolVersion !== SPAWN_HELPER_PROTOCOL_VERSION) return this.lost(`speaks protocol ${m.protocolVersion}, not ${SPAWN_HELPER_PROTOCOL_VERSION}`);
        this.ready = true;
        this.onReady();
        return;
      case 'error':
        return this.lost(m.message);
      case 'spawned': {
        const f = this.inFlight.get(m.id);
        if (!f) return;
        f.pid = m.pid;
        f.handlers.onSpawn(m.pid);
        return;
      }
      case 'gone':
        this.inFlight.get(m.id)?.handlers.onProcessGone();
        return;
      case 'lines':
        this.inFlight.get(m.id)?.handlers.onLines(m.stream, m.lines, m.continues === true);
        return;
      case 'exited': {
        const f = this.inFlight.get(m.id);
        if (!f) return;
        this.inFlight.delete(m.id);
        if (this.inFlight.size === 0) this.holdLoop(false);
        f.handlers.onExit({ code: m.code, signal: m.signal, ...(m.spawnError !== undefined ? { spawnError: m.spawnError } : {}) });
        return;
      }
    }
  }

  /** The helper cannot be trusted any more: nothing more goes to it, and what it was running is ended and reported. */
  private lost(why: string): void {
    if (this.gone) return;
    this.gone = true;
    this.ready = false;
    if (!this.child.killed && this.child.exitCode === null) this.child.kill('SIGKILL');
    const orphans = [...this.inFlight.values()];
    this.inFlight.clear();
    this.holdLoop(false);
    for (const f of orphans) {
      // Its exit cannot be known any more; it must not outlive the node that is now reported as failed.
      if (f.pid !== undefined) currentPlatform.killTree(f.pid, 'SIGKILL');
      f.handlers.onExit({ code: null, signal: null, spawnError: `the spawn helper ${why}` });
    }
    if (!this.closing) this.onGone(this, why);
  }
}

/**
 * A few long-lived spawn helpers that start processes for the engine. Until one says it is ready, and after all are
 * gone, `launch` declines and the caller starts the process itself.
 */
export class SpawnHelperPool {
  private readonly helpers: Helper[] = [];
  private nextId = 0;
  private readonly readyWaiters: (() => void)[] = [];
  private closed = false;

  private readonly helperEnv: Record<string, string>;

  constructor(private readonly o: SpawnHelperPoolOptions) {
    const helperEnv: Record<string, string> = { ...o.env };
    // The helper is Node.js; options meant for the user's own Node processes are not for it.
    delete helperEnv.NODE_OPTIONS;
    // Under VS Code the engine's Node.js is Electron's, which runs as plain Node only when asked to.
    if (process.versions.electron) helperEnv.ELECTRON_RUN_AS_NODE = '1';
    this.helperEnv = helperEnv;
    for (let i = 0; i < o.count; i++) this.startHelper();
  }

  private startHelper(): void {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(process.execPath, [...HELPER_FLAGS, this.o.script], { env: this.helperEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      this.o.onProblem?.(`a spawn helper could not start: ${(e as Error).message}`);
      return;
    }
    const helper = new Helper(
      child,
      () => this.wakeWaiters(),
      (h, why) => {
        this.o.onProblem?.(`a spawn helper (pid ${h.pid ?? 'unknown'}) ${why}; processes it did not start are started by the engine itself`);
        this.wakeWaiters();
      },
    );
    this.helpers.push(helper);
  }

  private wakeWaiters(): void {
    if (this.helpers.some((h) => h.ready) || this.helpers.every((h) => h.gone)) for (const w of this.readyWaiters.splice(0)) w();
  }

  /** Settles once a helper is ready (true) or none can be (false). */
  ready(): Promise<boolean> {
    const now = () => this.helpers.some((h) => h.ready);
    if (now() || this.closed || this.helpers.every((h) => h.gone)) return Promise.resolve(now());
    return new Promise((resolve) => this.readyWaiters.push(() => resolve(now())));
  }

  /** The pids of the helpers that are running. */
  get pids(): number[] {
    return this.helpers.filter((h) => !h.gone && h.pid !== undefined).map((h) => h.pid!);
  }

  /** Starts the process through the least busy ready helper; false when none is ready. */
  launch(spec: LaunchSpec, handlers: LaunchHandlers): boolean {
    if (this.closed) return false;
    let best: Helper | undefined;
    for (const h of this.helpers) if (h.ready && (!best || h.inFlight.size < best.inFlight.size)) best = h;
    if (!best) return false;
    const { file, args, argv0, cwd } = spec;
    best.send(
      { type: 'spawn', id: ++this.nextId, file, args, ...(argv0 !== undefined ? { argv0 } : {}), cwd, ...envDifference(this.helperEnv, spec.env) },
      handlers,
    );
    return true;
  }

  /** Lets the helpers exit: they finish nothing after this, so close only once nothing is in flight. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.helpers) h.close();
    for (const w of this.readyWaiters.splice(0)) w();
  }
}
