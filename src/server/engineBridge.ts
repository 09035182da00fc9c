// The engine a server serves, asked the way the editor asks its engine (typed requests, each settled by its reply),
// its events handed to whoever listens. Served from the bundle, the engine is a process of its own (`engine.js`
// beside the server's bundle), so that streaming to many clients never holds up a run's scheduling; run from the
// sources (the tests), it is an engine service in this process. The protocol is the same JSON lines either way.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseEngineMessage, type EngineEvent, type EngineMessage, type EngineRequestType, type RequestParams, type RequestResult } from '../engine/protocol';
import { EngineService } from '../engine/service/engineService';

export class EngineRequestError extends Error {}

type Listener = (e: EngineEvent) => void;
type LogAppended = { runId: string; nodeId: string; size: number };

export class EngineBridge {
  private readonly service?: EngineService;
  private readonly child?: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<Listener>();
  private readonly changeListeners = new Set<() => void>();
  private readonly logListeners = new Set<(n: LogAppended) => void>();
  private nextId = 1;
  private exited?: Promise<void>;

  constructor(onWarning: (message: string) => void, enginePath?: string) {
    if (!enginePath) {
      this.service = new EngineService((m) => this.receive(m), { onWarning });
      return;
    }
    const child = spawn(process.execPath, [enginePath], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      const m = parseEngineMessage(line);
      if (m) this.receive(m);
    });
    createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => onWarning(line.replace(/^warning: /, '')));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        for (const p of this.pending.values()) p.reject(new EngineRequestError(`the engine stopped (${signal ?? code})`));
        this.pending.clear();
        resolve();
      }),
    );
  }

  private receive(m: EngineMessage): void {
    if (m.type === 'engine:reply') {
      const p = this.pending.get(m.requestId);
      this.pending.delete(m.requestId);
      if (m.ok) p?.resolve(m.result);
      else p?.reject(new EngineRequestError(m.error));
    } else if (m.type === 'runs:changed') for (const l of this.changeListeners) l();
    else if (m.type === 'log:appended') for (const l of this.logListeners) l({ runId: m.runId, nodeId: m.nodeId, size: m.size });
    else if (m.type !== 'engine:ready' && m.type !== 'engine:error') for (const l of this.listeners) l(m);
  }

  request<K extends EngineRequestType>(type: K, params: RequestParams<K>): Promise<RequestResult<K>> {
    const requestId = this.nextId++;
    const line = JSON.stringify({ ...params, type, requestId });
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve: (r) => resolve(r as RequestResult<K>), reject });
      if (this.child) this.child.stdin.write(line + '\n');
      else void this.service!.handleLine(line);
    });
  }

  /** Listens to every event of the runs this engine holds; gives the function that stops listening. */
  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs written by another process (the CLI) appeared or changed. */
  onRunsChanged(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** A node's log grew: what was written can be read. */
  onLogAppended(listener: (n: LogAppended) => void): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  /** Stops every run where it stands: they stay interrupted in their logs, to be resumed after a restart. */
  async stop(): Promise<void> {
    if (this.service) return this.service.stopAll();
    // Closing its input tells the engine process its host is gone: it stops its runs where they stand and exits.
    this.child!.stdin.end();
    await this.exited;
  }
}
