// Where DAG panels moved while hidden now are. A panel's page saves the workflow it shows for VS Code to restore it
// after a window reload, but a hidden page does not run: a panel that follows the editor to another workflow while
// hidden would come back with the workflow it showed before. The host notes such a move in the workspace's state,
// by the panel's id (in its page's saved state too), until the page is shown again and saves the new workflow.
import type * as vscode from 'vscode';

const STATE_KEY = 'maestro.dag.movedPanels';
/** How many moves are kept: those of panels closed while hidden are never asked for again. */
export const KEPT_MOVES = 20;

type Moves = Record<string, string>;

export class MovedPanels {
  constructor(
    private readonly state: Pick<vscode.Memento, 'get' | 'update'>,
    private readonly warn: (problem: string) => void,
  ) {}

  /** Notes that the hidden panel `panelId` now shows `workflowUri`. Settles once saved (or said why not). */
  moved(panelId: string, workflowUri: string): Promise<void> {
    const all = this.all();
    delete all[panelId];
    const entries = [...Object.entries(all), [panelId, workflowUri] as const].slice(-KEPT_MOVES);
    return this.save(Object.fromEntries(entries));
  }

  /** The panel's page has been told its workflow and saves it itself. */
  shown(panelId: string): Promise<void> {
    const all = this.all();
    if (!(panelId in all)) return Promise.resolve();
    delete all[panelId];
    return this.save(all);
  }

  /** The workflow a restored panel shows: where it moved while hidden, else the one its page saved. */
  workflowOf(panelId: string | undefined, saved: string): string {
    const moved = panelId === undefined ? undefined : this.all()[panelId];
    return typeof moved === 'string' ? moved : saved;
  }

  private async save(moves: Moves): Promise<void> {
    try {
      await this.state.update(STATE_KEY, moves);
    } catch (e) {
      this.warn(`DAG panel: where a hidden panel moved was not kept for a reload: ${(e as Error).message}`);
    }
  }

  private all(): Moves {
    const v = this.state.get<unknown>(STATE_KEY);
    return v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Moves) } : {};
  }
}
