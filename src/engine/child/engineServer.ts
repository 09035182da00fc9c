import { parseCommand, PROTOCOL_VERSION, type EngineCommand, type EngineMessage } from '../protocol';
import { resumeRunFromLog, RunSetupError, startRun, type RunHandle, type RunOptions } from '../run/engine';

type Reply = (requestId: number, result: { ok: true; runId?: string } | { ok: false; error: string }) => void;

/**
 * The engine side of the protocol: turns commands into runs and run events into messages. Transport-free:
 * `handleLine` takes one line of input, `send` puts out one message.
 */
export class EngineServer {
  private readonly runs = new Map<string, { handle: RunHandle; runsDir: string }>();

  constructor(
    private readonly send: (m: EngineMessage) => void,
    private readonly overrides: Pick<RunOptions, 'runner' | 'clock' | 'onWarning'> = {},
  ) {}

  ready(pid: number): void {
    this.send({ type: 'engine:ready', protocolVersion: PROTOCOL_VERSION, pid });
  }

  /** Handles one line from the host. Never throws: whatever goes wrong becomes a reply or an engine:error. */
  async handleLine(line: string): Promise<'continue' | 'shutdown'> {
    if (line.trim() === '') return 'continue';
    const parsed = parseCommand(line);
    if ('error' in parsed) {
      if (parsed.requestId !== undefined) this.reply(parsed.requestId, { ok: false, error: parsed.error });
      else this.send({ type: 'engine:error', message: parsed.error });
      return 'continue';
    }
    const command = parsed.command;
    try {
      return await this.handle(command);
    } catch (e) {
      const message = e instanceof RunSetupError && e.diagnostics.length ? `${e.message}: ${e.diagnostics[0].message}` : (e as Error).message;
      this.reply(command.requestId, { ok: false, error: message });
      return 'continue';
    }
  }

  private reply: Reply = (requestId, result) => this.send({ type: 'engine:reply', requestId, ...result });

  private live(runId: string): RunHandle {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run '${runId}' in this engine`);
    return run.handle;
  }

  private async handle(c: EngineCommand): Promise<'continue' | 'shutdown'> {
    switch (c.type) {
      case 'start': {
        const handle = startRun({ workflowPath: c.workflowPath, inputs: c.inputs, runsDir: c.runsDir, concurrency: c.concurrency, killGraceMs: c.killGraceMs, onEvent: (e) => this.send(e), ...this.overrides });
        this.runs.set(handle.runId, { handle, runsDir: handle.runsDir });
        this.reply(c.requestId, { ok: true, runId: handle.runId });
        return 'continue';
      }
      case 'pause':
        this.live(c.runId).scheduler.pause();
        break;
      case 'resume': {
        const run = this.runs.get(c.runId);
        if (run && !run.handle.scheduler.isFinished && c.fromNode === undefined) run.handle.scheduler.resume();
        else {
          const runsDir = c.runsDir ?? run?.runsDir;
          if (!runsDir) throw new Error(`run '${c.runId}' is not in this engine: give runsDir to continue it from its log`);
          run?.handle.dispose();
          if (run && !run.handle.scheduler.isFinished) throw new Error(`run '${c.runId}' is still going: cancel it before running from a node`);
          const handle = await resumeRunFromLog({ runsDir, runId: c.runId, fromNode: c.fromNode, killGraceMs: c.killGraceMs, onEvent: (e) => this.send(e), ...this.overrides });
          this.runs.set(c.runId, { handle, runsDir });
        }
        break;
      }
      case 'cancel':
        this.live(c.runId).scheduler.cancel();
        break;
      case 'retryNode':
        this.live(c.runId).scheduler.retryNode(c.nodeId);
        break;
      case 'approve':
        this.live(c.runId).scheduler.approve(c.nodeId, c.approved, c.comment);
        break;
      case 'shutdown':
        await this.stopAll();
        this.reply(c.requestId, { ok: true });
        return 'shutdown';
    }
    this.reply(c.requestId, { ok: true, runId: c.runId });
    return 'continue';
  }

  /**
   * Stops every run still going where it stands and waits for its processes to end: the host is going away (a
   * window reload, or the editor closing). The runs stay open in their logs, so that they show as interrupted
   * and *Resume* continues them.
   */
  async stopAll(): Promise<void> {
    await Promise.all([...this.runs.values()].map(async (r) => {
      await r.handle.scheduler.halt('the editor window closed while the run was going');
      r.handle.dispose();
    }));
    this.runs.clear();
  }
}
