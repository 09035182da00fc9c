// The engine a server serves: an engine service in this process, asked the way the editor asks its engine process
// (typed requests, each settled by its reply), its events handed to whoever listens.
import type { EngineEvent, EngineMessage, EngineRequestType, RequestParams, RequestResult } from '../engine/protocol';
import { EngineService } from '../engine/service/engineService';

export class EngineRequestError extends Error {}

type Listener = (e: EngineEvent) => void;

export class EngineBridge {
  private readonly service: EngineService;
  private readonly pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<Listener>();
  private readonly changeListeners = new Set<() => void>();
  private nextId = 1;

  constructor(onWarning: (message: string) => void) {
    this.service = new EngineService((m) => this.receive(m), { onWarning });
  }

  private receive(m: EngineMessage): void {
    if (m.type === 'engine:reply') {
      const p = this.pending.get(m.requestId);
      this.pending.delete(m.requestId);
      if (m.ok) p?.resolve(m.result);
      else p?.reject(new EngineRequestError(m.error));
    } else if (m.type === 'runs:changed') for (const l of this.changeListeners) l();
    else if (m.type !== 'engine:ready' && m.type !== 'engine:error' && m.type !== 'log:appended') for (const l of this.listeners) l(m);
  }

  request<K extends EngineRequestType>(type: K, params: RequestParams<K>): Promise<RequestResult<K>> {
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve: (r) => resolve(r as RequestResult<K>), reject });
      void this.service.handleLine(JSON.stringify({ ...params, type, requestId }));
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

  /** Stops every run where it stands: they stay interrupted in their logs, to be resumed after a restart. */
  async stop(): Promise<void> {
    await this.service.stopAll();
  }
}
