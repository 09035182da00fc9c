import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import * as vscode from 'vscode';
import { parseEngineMessage, PROTOCOL_VERSION, type EngineEvent, type EngineRequestType, type RequestParams, type RequestResult } from '../../engine/protocol';
import { withoutEditorVariables } from '../../engine/nodeEnv';
import type { EngineConnection, EngineNotice } from './engineConnection';

interface Pending {
  resolve: (result: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * The extension's side of the engine protocol. Starts `dist/engine.js` on first use, waits for it to say it is
 * ready, tells it where runs are kept (before any other request), sends requests with increasing ids and settles
 * each with its typed result. When the engine dies, pending requests fail and `onDidExit` fires; the next request
 * starts a new engine.
 */
export class EngineClient implements vscode.Disposable, EngineConnection {
  private child: ChildProcessWithoutNullStreams | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly events = new vscode.EventEmitter<EngineEvent>();
  private readonly notices = new vscode.EventEmitter<EngineNotice>();
  private readonly exits = new vscode.EventEmitter<{ code: number | null; signal: string | null; expected: boolean }>();
  readonly onEvent = this.events.event;
  readonly onNotice = this.notices.event;
  readonly onDidExit = this.exits.event;
  private stopping = false;
  readonly ownsRuns = true;

  constructor(
    private readonly enginePath: string,
    private readonly log: vscode.LogOutputChannel,
    /** Where runs are kept, told to each engine as it starts, and again by `configure` when it changes. */
    private readonly configuration: () => RequestParams<'configure'>,
  ) {}

  /** Tells a running engine where runs are kept now (an engine started later is told as it starts). */
  async configure(): Promise<void> {
    if (this.child) await this.request('configure', this.configuration());
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Sends a request and waits for its result; rejects with the engine's reason when it fails. */
  async request<K extends EngineRequestType>(type: K, params: RequestParams<K>): Promise<RequestResult<K>> {
    await this.start();
    return this.send(type, params);
  }

  private send<K extends EngineRequestType>(type: K, params: RequestParams<K>): Promise<RequestResult<K>> {
    const child = this.child;
    if (!child) return Promise.reject(new Error('the engine stopped before answering'));
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve: (r) => resolve(r as RequestResult<K>), reject });
      child.stdin.write(JSON.stringify({ ...params, type, requestId }) + '\n');
    });
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    this.stopping = false;
    // The editor's own variables stay out of the engine and its nodes; Electron runs the engine as plain Node.js.
    const env = { ...withoutEditorVariables(process.env), ELECTRON_RUN_AS_NODE: '1', MAESTRO_ENGINE_HOST: 'vscode' };
    const child = spawn(process.execPath, [this.enginePath], { stdio: 'pipe', env });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      child.once('error', (e) => reject(new Error(`the engine could not start: ${e.message}`)));
      createInterface({ input: child.stdout }).on('line', (line) => this.receive(line, resolve));
    });
    createInterface({ input: child.stderr }).on('line', (line) => this.log.warn(`engine stderr: ${line}`));
    child.on('exit', (code, signal) => this.exited(code, signal));
    return this.ready;
  }

  private receive(line: string, ready: () => void): void {
    const m = parseEngineMessage(line);
    if (!m) {
      this.log.warn(`engine: unreadable message: ${line.slice(0, 200)}`);
      return;
    }
    switch (m.type) {
      case 'engine:ready':
        if (m.protocolVersion !== PROTOCOL_VERSION) this.log.warn(`engine protocol ${m.protocolVersion}, extension ${PROTOCOL_VERSION}`);
        this.log.info(`engine ready (pid ${m.pid})`);
        // Before anything the first request asks: it goes first on the pipe.
        this.send('configure', this.configuration()).catch((e: unknown) => this.log.error(`engine: could not configure it: ${(e as Error).message}`));
        ready();
        return;
      case 'engine:reply': {
        const p = this.pending.get(m.requestId);
        this.pending.delete(m.requestId);
        if (m.ok) p?.resolve(m.result);
        else p?.reject(new Error(m.error));
        return;
      }
      case 'engine:error':
        this.log.error(`engine: ${m.message}`);
        return;
      case 'runs:changed':
      case 'log:appended':
        this.notices.fire(m);
        return;
      default:
        this.events.fire(m);
    }
  }

  private exited(code: number | null, signal: string | null): void {
    const expected = this.stopping;
    const message = `engine exited (code ${code}, signal ${signal})`;
    if (expected) this.log.info(message);
    else this.log.error(message);
    this.child = undefined;
    this.ready = undefined;
    for (const p of this.pending.values()) p.reject(new Error('the engine stopped before answering'));
    this.pending.clear();
    this.exits.fire({ code, signal, expected });
  }

  /** Lets the engine stop its runs where they stand and exit, and kills it if it does not within a few seconds. */
  async shutdown(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.stopping = true;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
    child.stdin.end();
    await exited;
    clearTimeout(timer);
  }

  dispose(): void {
    void this.shutdown();
    this.events.dispose();
    this.notices.dispose();
    this.exits.dispose();
  }
}
