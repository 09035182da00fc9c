import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { currentPlatform } from '../../../platform';
import type { LaunchHandlers, LaunchSpec } from '../launch';
import { envDifference, type HelperMessage, type HelperRequest } from './protocol';
import { helperCommand, transportFor, whenHelperGoes, type HelperKind, type HelperTransport } from './transports';

export interface SpawnHelperPoolOptions {
  /** The helper's script: `dist/spawnHelper.js`. */
  script: string;
  count: number;
  /** Which helpers to start first: Python ones fall back to Perl ones, and those to Node.js ones, where they cannot start. */
  kind: HelperKind;
  /** Whether a helper that cannot start is replaced by one of the next kind (default: yes). */
  fallBack?: boolean;
  /** The engine's base environment; helpers run with it, and requests carry only what differs from theirs. */
  env: Record<string, string>;
  /** Told when a helper fails or goes away, once per helper. */
  onProblem?: (message: string) => void;
}

const HELPER_UNSET = ['NODE_OPTIONS', 'PERL5OPT', 'PERL5LIB', 'PERLLIB', 'PERL5DB', 'PERL_UNICODE'];

interface InFlight {
  handlers: LaunchHandlers;
  pid?: number;
}

/** One helper process and the processes it has started that have not yet ended. */
class Helper {
  readonly inFlight = new Map<number, InFlight>();
  ready = false;
  /** Whether it was ever ready: a helper that never was is replaced by one of the other kind. */
  wasReady = false;
  gone = false;
  private closing = false;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly transport: HelperTransport,
    env: Readonly<Record<string, string>>,
    private readonly onReady: () => void,
    private readonly onGone: (helper: Helper, why: string) => void,
  ) {
    transport.listen(child.stdout, { message: (m) => this.handle(m), bad: (why) => this.lost(why) }, (data) => child.stdin.write(data));
    const hello = transport.hello?.(env);
    if (hello) child.stdin.write(hello);
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

  /** Sends the request; false when this helper cannot take it. */
  send(request: HelperRequest, handlers: LaunchHandlers): boolean {
    const encoded = this.transport.encode(request);
    if (encoded === undefined) return false;
    this.inFlight.set(request.id, { handlers });
    this.holdLoop(true);
    if (this.queued.length === 0) setImmediate(() => this.flush());
    this.queued.push(typeof encoded === 'string' ? Buffer.from(encoded) : encoded);
    return true;
  }

  /** The requests of one turn of the event loop (all the input it read) leave in one write. */
  private queued: Buffer[] = [];

  private flush(): void {
    const data = Buffer.concat(this.queued);
    this.queued = [];
    this.child.stdin.write(data);
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

  private handle(m: HelperMessage): void {
    switch (m.type) {
      case 'ready':
        if (m.protocolVersion !== this.transport.version) return this.lost(`speaks protocol ${m.protocolVersion}, not ${this.transport.version}`);
        this.ready = true;
        this.wasReady = true;
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
    // Options meant for the user's own Node.js and Perl processes are not for the helpers (their processes get them).
    for (const name of HELPER_UNSET) delete helperEnv[name];
    // Under VS Code the engine's Node.js is Electron's, which runs as plain Node only when asked to.
    if (process.versions.electron) helperEnv.ELECTRON_RUN_AS_NODE = '1';
    this.helperEnv = helperEnv;
    for (let i = 0; i < o.count; i++) this.startHelper(o.kind);
  }

  private startHelper(kind: HelperKind): void {
    const { file, args } = helperCommand(kind, this.o.script);
    let child: ChildProcessWithoutNullStreams;
    try {
      // A group of its own (POSIX): Ctrl-C in a terminal interrupts the engine, which cancels the run through its
      // helpers; were they in its group, they would die of the interrupt with the processes they watch.
      child = spawn(file, args, { env: this.helperEnv, stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    } catch (e) {
      this.o.onProblem?.(`a spawn helper could not start: ${(e as Error).message}`);
      return;
    }
    const helper = new Helper(
      child,
      transportFor(kind),
      this.helperEnv,
      () => this.wakeWaiters(),
      (h, why) => {
        const next = whenHelperGoes({ kind: h.transport.kind, wasReady: h.wasReady, closed: this.closed, fallBack: this.o.fallBack !== false });
        if (next.replaceWith) return this.startHelper(next.replaceWith);
        if (!next.report) return this.wakeWaiters();
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
    return best.send(
      { type: 'spawn', id: ++this.nextId, file, args, ...(argv0 !== undefined ? { argv0 } : {}), cwd, ...envDifference(this.helperEnv, spec.env) },
      handlers,
    );
  }

  /** Lets the helpers exit: they finish nothing after this, so close only once nothing is in flight. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.helpers) h.close();
    for (const w of this.readyWaiters.splice(0)) w();
  }
}
