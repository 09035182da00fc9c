// The last layout each workflow's DAG panel made, kept in the workspace's state so that reopening a panel paints
// at once instead of laying a big graph out again. A few workflows' worth: the least recently kept go first.
import type * as vscode from 'vscode';
import type { KeptLayout } from '../../webview/protocol';

const STATE_KEY = 'maestro.dag.keptLayouts';
/** How many workflows' layouts are kept (a 5,000-node layout is about 250 KB of state). */
export const KEPT_WORKFLOWS = 10;

type Kept = Record<string, KeptLayout>;

export class KeptLayouts {
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

  private all(): Kept {
    const v = this.state.get<unknown>(STATE_KEY);
    return v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Kept) } : {};
  }
}
