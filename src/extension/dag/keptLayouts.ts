// The last layout each workflow's DAG panel made, kept in the workspace's state so that reopening a panel paints
// at once instead of laying a big graph out again. A few workflows' worth: the least recently kept go first.
import type * as vscode from 'vscode';
import type { KeptLayout } from '../../webview/protocol';
import { isGone, movedUri, type FollowsWorkflowFiles, type UriMove } from '../workflowFileMoves';

const STATE_KEY = 'maestro.dag.keptLayouts';
/** How many workflows' layouts are kept (a 5,000-node layout is about 250 KB of state). */
export const KEPT_WORKFLOWS = 10;

type Kept = Record<string, KeptLayout>;

export class KeptLayouts implements FollowsWorkflowFiles {
  constructor(private readonly state: vscode.Memento) {}

  get(uri: vscode.Uri): KeptLayout | undefined {
    return this.all()[uri.toString()];
  }

  async keep(uri: vscode.Uri, kept: KeptLayout): Promise<void> {
    const all = this.all();
    delete all[uri.toString()];
    const entries = [...Object.entries(all), [uri.toString(), kept] as const].slice(-KEPT_WORKFLOWS);
    await this.state.update(STATE_KEY, Object.fromEntries(entries));
  }

  /** A moved workflow's layout is kept under where it is now, in its place in the order. */
  async followMoves(moves: readonly UriMove[]): Promise<void> {
    const entries = Object.entries(this.all());
    if (!entries.some(([uri]) => movedUri(uri, moves) !== undefined)) return;
    await this.state.update(STATE_KEY, Object.fromEntries(entries.map(([uri, kept]) => [movedUri(uri, moves) ?? uri, kept])));
  }

  async forgetGone(gone: readonly string[]): Promise<void> {
    const entries = Object.entries(this.all());
    if (!entries.some(([uri]) => isGone(uri, gone))) return;
    await this.state.update(STATE_KEY, Object.fromEntries(entries.filter(([uri]) => !isGone(uri, gone))));
  }

  private all(): Kept {
    const v = this.state.get<unknown>(STATE_KEY);
    return v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Kept) } : {};
  }
}
