// What the window asks of an engine and hears from it, whichever engine it is: its own process (EngineClient) or an
// engine served elsewhere (ServedEngine). Free of `vscode`, so that the served one can be tested and bundled alone.
import type { EngineEvent, EngineMessage, EngineRequestType, RequestParams, RequestResult } from '../../engine/protocol';

/** A notice of the engine about runs or logs, besides events. */
export type EngineNotice = Extract<EngineMessage, { type: 'runs:changed' | 'log:appended' }>;

/** Whatever can answer engine requests: an engine connection, or the context that knows which engine is in use. */
export interface EngineLink {
  request<K extends EngineRequestType>(type: K, params: RequestParams<K>): Promise<RequestResult<K>>;
}

/** Listens to something; the result stops listening (a `vscode.Event` is one). */
export type Subscribe<T> = (listener: (value: T) => void) => { dispose(): void };

export interface EngineConnection extends EngineLink {
  readonly onEvent: Subscribe<EngineEvent>;
  readonly onNotice: Subscribe<EngineNotice>;
  /** The engine went away: its live runs are lost to this window (`expected` when the window asked for it). */
  readonly onDidExit: Subscribe<{ expected: boolean }>;
  /** Whether runs' retention (`maestro.runs.keep`) is this window's to apply: not on an engine others share. */
  readonly ownsRuns: boolean;
  /** Lets go of the engine: a local one stops its runs where they stand; a served one goes on without this window. */
  shutdown(): Promise<void>;
  dispose(): void;
}

/** Listeners of one kind of value, for connections that cannot use `vscode.EventEmitter`. */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  readonly subscribe: Subscribe<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** A served engine's address as typed: `http(s)://host:port`, a trailing slash allowed; or why it is not one. */
export function parseEngineUrl(text: string): { url: string } | { error: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { error: `'${text.slice(0, 100)}' is not an address: write it as http://host:port` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: `the address must start with http:// or https://, not ${url.protocol}//` };
  if (url.username || url.password) return { error: 'the address must not hold a user or password: the token is asked for apart' };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    return { error: 'the address is the server alone (http://host:port), without a path' };
  return { url: url.origin };
}
