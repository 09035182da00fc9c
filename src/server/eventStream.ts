// Live events to WebSocket clients. Each client's subscriptions pick runs; a run a client subscribes to is sent from
// its log after the seq the client last saw, the live events that come meanwhile held back and sent after, so that
// each client sees each run's events once and in order. The events that come in one turn go to a client as one
// message (each event written once for all clients), so that a busy run is not a message per event per client. A
// client that cannot keep up is told and dropped: a run never waits for a client, and one slow client never holds up
// the others.
import type { RawData, WebSocket } from 'ws';
import { PROTOCOL_VERSION, type EngineEvent, type EngineRequest } from '../engine/protocol';
import { mapEventPaths, servedPath, servedProblemFile, type PathMaps } from '../engine/protocol/paths';
import type { EngineBridge } from './engineBridge';
import { CLOSE_TOO_SLOW, parseClientMessage, STREAM_VERSION, type ClientMessage, type ServerMessage, type StreamNotice } from './streamProtocol';
import { StreamRequests } from './streamRequests';
import type { NamedToken } from './tokens';
import { workflowById } from './workspaceWorkflows';

export interface StreamLimits {
  /** Bytes a client may have waiting to be sent before it is dropped. */
  maxBuffered: number;
  maxSubscriptions: number;
  /** Messages a client may send per second. */
  maxMessagesPerSecond: number;
  /** Engine requests a client may send per second (answered with an error beyond). */
  maxRequestsPerSecond: number;
}

interface Subscription {
  all: boolean;
  runs: Set<string>;
  /** The workflow's file. */
  workflow?: string;
  notices: boolean;
}

interface Client {
  socket: WebSocket;
  who: NamedToken;
  subscriptions: Map<string, Subscription>;
  /** Per run, the seq of the last event sent (log lines carry the seq of the event before them). */
  sent: Map<string, number>;
  /** Runs being sent from their logs: their live events wait here. */
  held: Map<string, EngineEvent[]>;
  /** Events (as JSON) to send at the end of this turn, before any other message. */
  outbox: string[];
  messages: { second: number; count: number };
  requests: { second: number; count: number };
  /** Messages are handled one after another: a subscription is sent from its logs before the next is looked at. */
  queue: Promise<void>;
}

const textOf = (data: RawData): string => (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');

export class EventStream {
  private readonly clients = new Set<Client>();
  /** Each run's workflow file, learned from its events or asked of the engine. */
  private readonly workflowOf = new Map<string, string>();
  /** Events of runs whose workflow is being asked for, in order. */
  private readonly unplaced = new Map<string, EngineEvent[]>();
  private readonly requests: StreamRequests;
  private readonly maps: PathMaps;
  private flushing = false;

  constructor(
    private readonly engine: EngineBridge,
    private readonly workspace: string,
    private readonly limits: StreamLimits,
  ) {
    this.maps = { file: (p) => servedPath(workspace, p), problem: (file, workflow) => servedProblemFile(workspace, file, workflow) };
    this.requests = new StreamRequests(engine, workspace, (runId, events) => this.servedEvents(runId, events));
    engine.onEvent((e) => this.publish(e));
    engine.onRunsChanged(() => this.notify({ type: 'runs:changed' }));
    engine.onLogAppended((n) => this.notify({ type: 'log:appended', ...n }));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  attach(socket: WebSocket, who: NamedToken): void {
    const client: Client = {
      socket,
      who,
      subscriptions: new Map(),
      sent: new Map(),
      held: new Map(),
      outbox: [],
      messages: { second: 0, count: 0 },
      requests: { second: 0, count: 0 },
      queue: Promise.resolve(),
    };
    this.clients.add(client);
    this.send(client, { type: 'hello', name: who.name, role: who.role, protocolVersion: PROTOCOL_VERSION, streamVersion: STREAM_VERSION });
    socket.on('message', (data, isBinary) => {
      if (!this.clients.has(client)) return;
      const m = parseClientMessage(isBinary ? '' : textOf(data));
      // Requests are answered as they come; subscriptions one after another, each sent from the logs before the next.
      if ('request' in m) return this.request(client, m.request);
      if ('requestId' in m && m.requestId !== undefined) return this.refuseRequest(client, m.requestId, m.error);
      client.queue = client.queue.then(() => this.receive(client, m)).catch(() => undefined);
    });
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => this.clients.delete(client));
  }

  /** Closes every client's stream (the server is stopping). */
  closeAll(): void {
    for (const c of this.clients) c.socket.close(1001, 'the server is stopping');
    this.clients.clear();
  }

  private publish(e: EngineEvent): void {
    if (e.type === 'workflow:started') this.workflowOf.set(e.runId, e.workflow.path);
    const waiting = this.unplaced.get(e.runId);
    if (waiting) return void waiting.push(e);
    if (!this.workflowOf.has(e.runId)) {
      this.unplaced.set(e.runId, [e]);
      void this.engine
        .request('getRun', { runId: e.runId })
        .then((r) => this.workflowOf.set(e.runId, r.run.workflowPath))
        .catch(() => undefined)
        .finally(() => {
          const events = this.unplaced.get(e.runId) ?? [];
          this.unplaced.delete(e.runId);
          for (const x of events) this.fanOut(x);
        });
      return;
    }
    this.fanOut(e);
  }

  private fanOut(e: EngineEvent): void {
    // Written once for every client that takes it.
    let text: string | undefined;
    const json = () => (text ??= JSON.stringify(this.served(e)));
    for (const c of this.clients) if (this.wants(c, e.runId)) this.deliver(c, e, json);
  }

  private wants(c: Client, runId: string): boolean {
    for (const s of c.subscriptions.values())
      if (s.all || s.runs.has(runId) || (s.workflow !== undefined && s.workflow === this.workflowOf.get(runId))) return true;
    return false;
  }

  private deliver(c: Client, e: EngineEvent, json?: () => string): void {
    const held = c.held.get(e.runId);
    if (held) return void held.push(e);
    const last = c.sent.get(e.runId) ?? 0;
    if (e.type === 'node:log' ? e.seq < last : e.seq <= last) return;
    if (e.type !== 'node:log') c.sent.set(e.runId, e.seq);
    c.outbox.push(json ? json() : JSON.stringify(this.served(e)));
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flushAll());
  }

  /** Sends every client the events of this turn; clients that take the same events share one message's text. */
  private flushAll(): void {
    this.flushing = false;
    let last: { events: string[]; text: string } | undefined;
    for (const c of this.clients) {
      const events = c.outbox;
      if (!events.length) continue;
      c.outbox = [];
      if (!last || !sameItems(last.events, events)) last = { events, text: eventsMessage(events) };
      this.write(c, last.text);
    }
  }

  /** Sends a client's waiting events now (before a message that must follow them). */
  private flush(c: Client): void {
    if (!c.outbox.length) return;
    const events = c.outbox;
    c.outbox = [];
    this.write(c, eventsMessage(events));
  }

  /** The event as clients see it: paths relative to the workspace. */
  private served(e: EngineEvent): EngineEvent {
    return mapEventPaths(e, this.maps, this.workflowOf.get(e.runId));
  }

  /** A run's events as clients see them. */
  async servedEvents(runId: string, events: EngineEvent[]): Promise<EngineEvent[]> {
    const workflow = events.some((e) => e.type === 'node:diagnostic') ? await this.workflowFor(runId) : undefined;
    return events.map((e) => mapEventPaths(e, this.maps, workflow));
  }

  /** A run's workflow file: known from its events, or asked of the engine. */
  async workflowFor(runId: string): Promise<string | undefined> {
    const known = this.workflowOf.get(runId);
    if (known) return known;
    try {
      const { run } = await this.engine.request('getRun', { runId });
      this.workflowOf.set(runId, run.workflowPath);
      return run.workflowPath;
    } catch {
      return undefined;
    }
  }

  /** A notice to the clients that asked for notices (a log's growth only to those that follow its run). */
  private notify(n: StreamNotice): void {
    let text: string | undefined;
    for (const c of this.clients) {
      const wanted = [...c.subscriptions.values()].some((s) => s.notices) && (n.type === 'runs:changed' || this.wants(c, n.runId));
      if (wanted) this.send(c, () => (text ??= JSON.stringify({ type: 'notice', notice: n } satisfies ServerMessage)));
    }
  }

  /** Sends a message (or its text, made once for many clients) after the events the client has waiting. */
  private send(c: Client, m: ServerMessage | (() => string)): void {
    this.flush(c);
    this.write(c, typeof m === 'function' ? m() : JSON.stringify(m));
  }

  private write(c: Client, text: string): void {
    if (c.socket.readyState !== c.socket.OPEN) return;
    if (c.socket.bufferedAmount > this.limits.maxBuffered) {
      this.clients.delete(c);
      c.socket.close(CLOSE_TOO_SLOW, 'too far behind: reconnect with the last seq of each run you saw');
      // A client too slow to take the close frame is cut off.
      setTimeout(() => c.socket.terminate(), 1000).unref();
      return;
    }
    c.socket.send(text);
  }

  private async receive(c: Client, m: Exclude<ClientMessage, { type: 'request' }> | { error: string; id?: string }): Promise<void> {
    if (!this.clients.has(c)) return;
    const second = Math.floor(Date.now() / 1000);
    if (c.messages.second !== second) c.messages = { second, count: 0 };
    if (++c.messages.count > this.limits.maxMessagesPerSecond)
      return this.drop(c, 'too many messages: at most ' + this.limits.maxMessagesPerSecond + ' a second');
    if ('error' in m) return this.send(c, { type: 'error', ...(m.id ? { id: m.id } : {}), message: m.error });
    if (m.type === 'unsubscribe') {
      c.subscriptions.delete(m.id);
      return this.send(c, { type: 'unsubscribed', id: m.id });
    }
    if (!c.subscriptions.has(m.id) && c.subscriptions.size >= this.limits.maxSubscriptions)
      return this.drop(c, `too many subscriptions: at most ${this.limits.maxSubscriptions}`);
    await this.subscribe(c, m);
  }

  /** Answers a request when it can: a slow one (insights) does not hold up the client's next messages. */
  private request(c: Client, request: EngineRequest): void {
    const second = Math.floor(Date.now() / 1000);
    if (c.requests.second !== second) c.requests = { second, count: 0 };
    if (++c.requests.count > this.limits.maxRequestsPerSecond)
      return this.refuseRequest(c, request.requestId, `too many requests: at most ${this.limits.maxRequestsPerSecond} a second`);
    void this.requests.answer(request, c.who).then((reply) => this.send(c, { type: 'reply', reply }));
  }

  private refuseRequest(c: Client, requestId: number, error: string): void {
    this.send(c, { type: 'reply', reply: { type: 'engine:reply', requestId, ok: false, error } });
  }

  private drop(c: Client, reason: string): void {
    this.clients.delete(c);
    c.socket.close(1008, reason);
  }

  private async subscribe(c: Client, m: Extract<ClientMessage, { type: 'subscribe' }>): Promise<void> {
    let workflow: string | undefined;
    if (m.workflow) {
      workflow = workflowById(this.workspace, m.workflow)?.absolute;
      if (!workflow) return this.send(c, { type: 'error', id: m.id, message: `no workflow '${m.workflow}' in the workspace` });
    }
    const subscription: Subscription = {
      all: m.all === true,
      runs: new Set(m.runs ?? []),
      ...(workflow ? { workflow } : {}),
      notices: m.notices === true,
    };
    const from = new Map<string, number>(Object.entries(m.after ?? {}));
    for (const runId of subscription.runs) if (!from.has(runId)) from.set(runId, 0);
    if (!m.runs) {
      const live = await this.engine.request('listRuns', { statuses: ['running', 'paused'], ...(workflow ? { workflowPath: workflow } : {}) });
      for (const r of live.runs) if (r.live && !from.has(r.runId)) from.set(r.runId, 0);
    }
    // Live events of these runs wait until each has been sent from its log.
    for (const runId of from.keys()) if (!c.held.has(runId)) c.held.set(runId, []);
    c.subscriptions.set(m.id, subscription);
    for (const [runId, afterSeq] of from) await this.catchUp(c, m.id, runId, afterSeq);
    this.send(c, { type: 'subscribed', id: m.id });
  }

  /** Sends a run's events after `afterSeq` from its log, then those that came meanwhile. */
  private async catchUp(c: Client, subscriptionId: string, runId: string, afterSeq: number): Promise<void> {
    let seq = Math.max(afterSeq, c.sent.get(runId) ?? 0);
    c.sent.set(runId, seq);
    try {
      for (;;) {
        const page = await this.engine.request('getEvents', { runId, afterSeq: seq, limit: 1000 });
        for (const e of page.events) if (e.type === 'workflow:started') this.workflowOf.set(runId, e.workflow.path);
        if (page.events.length) this.send(c, { type: 'events', events: page.events.map((e) => this.served(e)) });
        seq = page.events.at(-1)?.seq ?? seq;
        c.sent.set(runId, seq);
        if (!page.more) break;
      }
    } catch (e) {
      this.send(c, { type: 'error', id: subscriptionId, message: (e as Error).message.split(this.workspace).join('.') });
    }
    const held = c.held.get(runId) ?? [];
    c.held.delete(runId);
    for (const e of held) this.deliver(c, e);
  }
}

/** An `events` message of events already written as JSON. */
const eventsMessage = (events: string[]): string => `{"type":"events","events":[${events.join(',')}]}`;

const sameItems = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
