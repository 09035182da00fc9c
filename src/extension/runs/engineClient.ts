import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import * as vscode from 'vscode';
import { withoutEditorVariables } from '../../engine/run/nodeEnv';
import { parseEngineMessage, PROTOCOL_VERSION, type EngineCommand, type EngineEvent } from '../../engine/protocol';

type CommandWithoutId = EngineCommand extends infer C ? (C extends EngineCommand ? Omit<C, 'requestId'> : never) : never;

/**
 * The extension's side of the engine protocol. Starts `dist/engine.js` on first use, waits for it to say it is
 * ready, sends requests with increasing ids and settles each with its reply. When the engine dies, pending
 * requests fail and `onDidExit` fires; the next request starts a new engine.
 */
export class EngineClient implements vscode.Disposable {
  private child: ChildProcessWithoutNullStreams | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (runId: string | undefined) => void; reject: (e: Error) => void }>();
  private readonly events = new vscode.EventEmitter<EngineEvent>();
  private readonly exits = new vscode.EventEmitter<{ code: number | null; signal: string | null; expected: boolean }>();
  readonly onEvent = this.events.event;
  readonly onDidExit = this.exits.event;
  private stopping = false;

  constructor(
    private readonly enginePath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
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
      createInterface({ input: child.stdout }).on('line', (line) => {
        const m = parseEngineMessage(line);
        if (!m) {
          this.log.warn(`engine: unreadable message: ${line.slice(0, 200)}`);
          return;
        }
        switch (m.type) {
          case 'engine:ready':
            if (m.protocolVersion !== PROTOCOL_VERSION) this.log.warn(`engine protocol ${m.protocolVersion}, extension ${PROTOCOL_VERSION}`);
            this.log.info(`engine ready (pid ${m.pid})`);
            resolve();
            break;
          case 'engine:reply': {
            const p = this.pending.get(m.requestId);
            this.pending.delete(m.requestId);
            if (m.ok) p?.resolve(m.runId);
            else p?.reject(new Error(m.error));
            break;
          }
          case 'engine:error':
            this.log.error(`engine: ${m.message}`);
            break;
          default:
            this.events.fire(m);
        }
      });
    });
    createInterface({ input: child.stderr }).on('line', (line) => this.log.warn(`engine stderr: ${line}`));
    child.on('exit', (code, signal) => {
      const expected = this.stopping;
      const message = `engine exited (code ${code}, signal ${signal})`;
      if (expected) this.log.info(message);
      else this.log.error(message);
      this.child = undefined;
      this.ready = undefined;
      for (const p of this.pending.values()) p.reject(new Error('the engine stopped before answering'));
      this.pending.clear();
      this.exits.fire({ code, signal, expected });
    });
    return this.ready;
  }

  /** Sends a command and waits for its reply; resolves with the run id the engine names, if any. */
  async request(command: CommandWithoutId): Promise<string | undefined> {
    await this.start();
    const requestId = this.nextId++;
    const message = JSON.stringify({ ...command, requestId });
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.child!.stdin.write(message + '\n');
    });
  }

  /** Asks the engine to cancel its runs and stop, and kills it if it does not within a few seconds. */
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
    this.exits.dispose();
  }
}
