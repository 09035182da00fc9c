/** How often the lenses' node statuses follow a run in progress. */
export const LENS_REFRESH_MS = 1000;

/**
 * When the code lenses are drawn again as runs change. A run that starts or ends (the runs' statuses change) shows at
 * once; the node statuses of a run in progress follow at most once per interval. Each refresh has the editor lay out
 * a lens above every node, which for a big workflow streaming events would otherwise take most of the window's time.
 */
export class LensRefresh {
  private lastRuns: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly refresh: () => void,
    private readonly intervalMs = LENS_REFRESH_MS,
  ) {}

  /** Runs changed; `runs` says which runs there are and their statuses (a change to it refreshes at once). */
  changed(runs: string): void {
    if (runs !== this.lastRuns) {
      this.lastRuns = runs;
      this.cancel();
      this.refresh();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, this.intervalMs);
  }

  private cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.cancel();
  }
}
