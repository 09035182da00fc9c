// A window attached to a served engine (`maestro-dag serve`): the engine protocol over the server's WebSocket stream.
// Requests go as `request` messages and come back as replies; every run's events come live, and after a dropped
// connection the window reconnects and is sent each run's events after the last seq it saw, so that nothing is
// missed or seen twice. Paths travel relative to the served workspace, which the window's folder `root` stands for.
// Its own bundle (`dist/servedEngine.js`), loaded when a window first attaches.
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type EngineEvent, type EngineReply, type EngineRequestType, type RequestParams, type RequestResult } from '../../engine/protocol';
import { localPath, mapEventPaths, mapParamPaths, mapResultPaths, workspaceRelative, type PathMaps } from '../../engine/protocol/paths';
import { isObject, isString, parseJson } from '../../engine/json';
import { parseServerMessage, STREAM_VERSION, type ServerMessage } from '../../server/streamProtocol';
import type { Role } from '../../server/tokens';
import { Listeners, type EngineConnection, type EngineNotice } from './engineConnection';

export type ServedState =
  | { kind: 'connecting' }
  | { kind: 'connected'; name: string; role: Role }
  | { kind: 'reconnecting'; reason: string }
  /** The server refused the token (or is not a Maestro server, or one of another version): trying again would not help. */
  | { kind: 'refused'; reason: string }
  | { kind: 'closed' };

export interface ServedEngineOptions {
  /** The server, `http://host:port` (or https). */
  url: string;
  token: string;
  /** The window's folder that stands for the served workspace. */
  root: string;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** How long to wait before the n-th attempt to reconnect (from 1). */
  retryDelayMs?: (attempt: number) => number;
  /** How long a request waits for a connection before it fails. */
  connectTimeoutMs?: number;
}

interface Pending {
  type: EngineRequestType;
  resolve: (result: unknown) => void;
  reject: (e: Error) => void;
}

/** How many runs a reconnecting window names with their last seq (the server takes at most 1,000). */
const MAX_AFTER = 1000;
const SUBSCRIPTION = 'window';

const defaultDelay = (attempt: number) => Math.min(10_000, 250 * 2 ** Math.min(attempt - 1, 6));

export class ServedEngine implements EngineConnection {
  readonly ownsRuns = false;
  private socket: WebSocket | undefined;
  private state: ServedState = { kind: 'connecting' };
  private readonly pending = new Map<number, Pending>();
  private waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private nextId = 1;
  /** Per run, the last seq seen; the most recently seen last. */
  private readonly lastSeq = new Map<string, number>();
  private readonly events = new Listeners<EngineEvent>();
  private readonly notices = new Listeners<EngineNotice>();
  private readonly exits = new Listeners<{ expected: boolean }>();
  private readonly states = new Listeners<ServedState>();
  readonly onEvent = this.events.subscribe;
  readonly onNotice = this.notices.subscribe;
  readonly onDidExit = this.exits.subscribe;
  readonly onDidChangeState = this.states.subscribe;
  private readonly maps: PathMaps;
  private attempts = 0;
  private connectedBefore = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private refusal: string | undefined;
  private lastError = '';

  constructor(private readonly options: ServedEngineOptions) {
    this.maps = { file: (p) => localPath(options.root, p) };
    this.open();
  }

  get current(): ServedState {
    return this.state;
  }

  /** The server as people name it: `host:port`. */
  get address(): string {
    return new URL(this.options.url).host;
  }

  async request<K extends EngineRequestType>(type: K, params: RequestParams<K>): Promise<RequestResult<K>> {
    const served = mapParamPaths(type, params, (p) => this.servedPath(p));
    await this.connected();
    const socket = this.socket!;
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { type, resolve: (r) => resolve(r as RequestResult<K>), reject });
      socket.send(JSON.stringify({ type: 'request', request: { ...served, type, requestId } }));
    });
  }

  private servedPath(path: string): string {
    const rel = workspaceRelative(this.options.root, path);
    if (rel === undefined) throw new Error(`${path} is not in ${this.options.root}, the folder the engine at ${this.address} serves`);
    return rel;
  }

  private connected(): Promise<void> {
    if (this.state.kind === 'connected') return Promise.resolve();
    if (this.state.kind === 'refused') return Promise.reject(new Error(`the engine at ${this.address} refused this window: ${this.state.reason}`));
    if (this.state.kind === 'closed') return Promise.reject(new Error(`the window is no longer attached to the engine at ${this.address}`));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      this.waiting.push(waiter);
      setTimeout(() => {
        if (!this.waiting.includes(waiter)) return;
        this.waiting = this.waiting.filter((w) => w !== waiter);
        reject(new Error(`the engine at ${this.address} cannot be reached${this.lastError ? `: ${this.lastError}` : ''}`));
      }, this.options.connectTimeoutMs ?? 15_000).unref?.();
    });
  }

  private open(): void {
    const url = new URL('/api/stream', this.options.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${this.options.token}` }, handshakeTimeout: 10_000 });
    this.socket = socket;
    socket.on('message', (data: Buffer) => this.receive(data.toString('utf8')));
    socket.on('unexpected-response', (request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        const said = messageOf(body) ?? `HTTP ${status}`;
        if (status === 401 || status === 403 || status === 404) this.refusal = said;
        else this.lastError = said;
        socket.terminate();
      });
      request.on('error', () => undefined);
    });
    socket.on('error', (e) => (this.lastError = e.message));
    socket.on('close', (code, reason) => this.closed(socket, code, reason.toString('utf8')));
  }

  private receive(text: string): void {
    const m = parseServerMessage(text);
    if (!m) return this.options.log('warn', `served engine: unreadable message: ${text.slice(0, 200)}`);
    switch (m.type) {
      case 'hello':
        return this.greeted(m);
      case 'events':
        for (const e of m.events) this.took(e);
        return;
      case 'reply':
        return this.answered(m.reply);
      case 'notice':
        return this.notices.fire(m.notice);
      case 'error':
        return this.options.log('warn', `served engine: ${m.message}`);
      default:
        return;
    }
  }

  private greeted(hello: Extract<ServerMessage, { type: 'hello' }>): void {
    const mismatch = versionMismatch(hello);
    if (mismatch) {
      this.refusal = mismatch;
      return void this.socket?.close(1000, 'versions differ');
    }
    this.attempts = 0;
    this.lastError = '';
    const after = Object.fromEntries([...this.lastSeq].slice(-MAX_AFTER));
    this.socket?.send(JSON.stringify({ type: 'subscribe', id: SUBSCRIPTION, all: true, notices: true, after }));
    this.setState({ kind: 'connected', name: hello.name, role: hello.role });
    this.options.log('info', `attached to the engine at ${this.address} as ${hello.name} (${hello.role})`);
    for (const w of this.waiting.splice(0)) w.resolve();
    // Runs may have started, ended or gone while the window was away.
    if (this.connectedBefore) this.notices.fire({ type: 'runs:changed' });
    this.connectedBefore = true;
  }

  private took(served: EngineEvent): void {
    const last = this.lastSeq.get(served.runId);
    if (last !== undefined && (served.type === 'node:log' ? served.seq < last : served.seq <= last)) return;
    if (served.type !== 'node:log') {
      this.lastSeq.delete(served.runId);
      this.lastSeq.set(served.runId, served.seq);
    }
    this.events.fire(mapEventPaths(served, this.maps));
  }

  private answered(reply: EngineReply): void {
    const p = this.pending.get(reply.requestId);
    if (!p) return;
    this.pending.delete(reply.requestId);
    if (!reply.ok) return p.reject(new Error(reply.error));
    if (p.type !== 'getEvents') return p.resolve(mapResultPaths(p.type, reply.result as never, this.maps));
    const page = reply.result as RequestResult<'getEvents'>;
    p.resolve({ ...page, events: page.events.map((e) => mapEventPaths(e, this.maps)) });
  }

  private closed(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    const lost = new Error(`the connection to the engine at ${this.address} was lost before it answered`);
    for (const p of this.pending.values()) p.reject(lost);
    this.pending.clear();
    if (this.state.kind === 'closed') return;
    if (this.refusal !== undefined) {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`the engine at ${this.address} refused this window: ${this.refusal}`));
      return this.setState({ kind: 'refused', reason: this.refusal });
    }
    const why = reason || this.lastError || `closed (${code})`;
    // Never reached yet (a wrong address, a server not started): whoever waits is told now, not after the timeout.
    if (!this.connectedBefore) for (const w of this.waiting.splice(0)) w.reject(new Error(`the engine at ${this.address} cannot be reached: ${why}`));
    this.setState({ kind: 'reconnecting', reason: why });
    this.options.log('warn', `the connection to the engine at ${this.address} dropped (${why}): reconnecting`);
    this.attempts++;
    const delay = (this.options.retryDelayMs ?? defaultDelay)(this.attempts);
    this.retryTimer = setTimeout(() => this.state.kind === 'reconnecting' && this.open(), delay);
  }

  private setState(state: ServedState): void {
    this.state = state;
    this.states.fire(state);
  }

  /** Lets go of the served engine: its runs go on without this window. */
  async shutdown(): Promise<void> {
    if (this.state.kind === 'closed') return;
    clearTimeout(this.retryTimer);
    this.setState({ kind: 'closed' });
    for (const w of this.waiting.splice(0)) w.reject(new Error(`the window is no longer attached to the engine at ${this.address}`));
    const socket = this.socket;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close(1000, 'the window detached');
      setTimeout(() => (socket.terminate(), resolve()), 2000).unref?.();
    });
  }

  dispose(): void {
    void this.shutdown();
    this.events.clear();
    this.notices.clear();
    this.exits.clear();
    this.states.clear();
  }
}

/** Why this window cannot use a server whose protocols are of another version, if they are. */
function versionMismatch(hello: Extract<ServerMessage, { type: 'hello' }>): string | undefined {
  const theirs = `engine protocol ${hello.protocolVersion}, stream ${hello.streamVersion}`;
  const ours = `engine protocol ${PROTOCOL_VERSION}, stream ${STREAM_VERSION}`;
  if (theirs === ours) return undefined;
  return `it speaks ${theirs} and this window ${ours}: serve with the same version of Maestro as the extension's`;
}

/** The `message` of a server's JSON error body. */
function messageOf(body: string): string | undefined {
  const v = parseJson(body);
  return isObject(v) && isString(v.message) ? v.message : undefined;
}
