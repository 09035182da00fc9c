import * as vscode from 'vscode';
import type { EngineLink } from './engineConnection';
import type { RunManager } from './runManager';

export const LOG_SCHEME = 'maestro-log';

/** `maestro-log:/<runId>/<node id>.log`: a node's log as a read-only document. */
export function logUri(runId: string, nodeId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${runId}/${encodeURIComponent(nodeId)}.log` });
}

function parse(uri: vscode.Uri): { runId: string; nodeId: string } | undefined {
  const m = /^\/([^/]+)\/(.+)\.log$/.exec(uri.path);
  return m ? { runId: m[1], nodeId: decodeURIComponent(m[2]) } : undefined;
}

/** The most of one log a document holds: its end, from where a longer log was cut. */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

interface OpenLog {
  text: string;
  /** Where the text read so far ends in the log file. */
  offset: number;
  reading?: Promise<void>;
}

/**
 * Serves node logs through the engine, and tells open log documents to refresh when the engine says their log has
 * grown: each refresh reads only what was added.
 */
export class NodeLogProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Map<string, OpenLog>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly runs: RunManager,
    private readonly engine: EngineLink,
  ) {
    this.subscriptions = [
      runs.onDidAppendLog(({ runId, nodeId, size }) => {
        const uri = logUri(runId, nodeId);
        const log = this.open.get(uri.toString());
        if (log && size > log.offset) void this.readMore(uri, log).then(() => this.changed.fire(uri));
      }),
      // A node that ends changes the header; its last lines come with log:appended.
      runs.onEvent((e) => {
        if (e.type !== 'node:completed' && e.type !== 'node:failed' && e.type !== 'node:cancelled' && e.type !== 'node:started') return;
        const uri = logUri(e.runId, e.nodeId);
        if (this.open.has(uri.toString())) this.changed.fire(uri);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.open.delete(d.uri.toString())),
    ];
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const target = parse(uri);
    const run = target && this.runs.get(target.runId);
    if (!target || !run) return `No such run: ${uri.path}`;
    let log = this.open.get(uri.toString());
    if (!log) {
      this.open.set(uri.toString(), (log = { text: '', offset: 0 }));
      await this.readMore(uri, log);
    }
    await log.reading;
    const node = (await this.runs.loadState(run))?.nodes.get(target.nodeId);
    const header = `# ${target.nodeId} — run ${target.runId} (${node?.status ?? 'unknown'}${node && node.attempt > 1 ? `, attempt ${node.attempt}` : ''})\n`;
    return header + (log.text || (node?.status === 'pending' || node?.status === 'running' ? '(no output yet)\n' : '(no output)\n'));
  }

  /** Reads what the log has beyond what the document holds (one read at a time per document). */
  private readMore(uri: vscode.Uri, log: OpenLog): Promise<void> {
    const target = parse(uri)!;
    const read = async () => {
      for (;;) {
        const piece = await this.engine.request('readLog', { runId: target.runId, nodeId: target.nodeId, offset: log.offset });
        log.text += piece.text;
        log.offset = piece.end;
        if (log.text.length > MAX_DOCUMENT_BYTES)
          log.text = `(the first part of this log is left out: it is over ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB)\n…${log.text.slice(-MAX_DOCUMENT_BYTES / 2)}`;
        if (piece.end >= piece.size || piece.text === '') return;
      }
    };
    log.reading = (log.reading ?? Promise.resolve()).then(read).catch(() => undefined);
    return log.reading;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
