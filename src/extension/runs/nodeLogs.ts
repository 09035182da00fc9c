import * as vscode from 'vscode';
import { readLog } from '../../engine/run/runStore';
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

/** Serves node logs from the run folders, and tells open log documents to refresh as their node writes. */
export class NodeLogProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly runs: RunManager) {
    this.subscription = runs.onEvent((e) => {
      if (e.type !== 'node:log' && e.type !== 'node:completed' && e.type !== 'node:failed' && e.type !== 'node:cancelled') return;
      const uri = logUri(e.runId, e.nodeId);
      if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return;
      this.dirty.add(uri.toString());
      // The engine writes logs to disk at most 100 ms after they arrive: read them a little after that.
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        for (const u of this.dirty) this.changed.fire(vscode.Uri.parse(u));
        this.dirty.clear();
      }, 250);
    });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const target = parse(uri);
    const run = target && this.runs.get(target.runId);
    if (!target || !run) return `No such run: ${uri.path}`;
    const text = readLog(run.runsDir, target.runId, target.nodeId);
    const node = this.runs.state(run)?.nodes.get(target.nodeId);
    const header = `# ${target.nodeId} — run ${target.runId} (${node?.status ?? 'unknown'}${node && node.attempt > 1 ? `, attempt ${node.attempt}` : ''})\n`;
    return header + (text || (node?.status === 'pending' || node?.status === 'running' ? '(no output yet)\n' : '(no output)\n'));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
