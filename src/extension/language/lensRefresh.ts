/** How often the lenses' node statuses follow a run in progress. */
export const LENS_REFRESH_MS = 1000;
/** How long after a refresh every editor showing a workflow is expected to have asked for its lenses again. */
export const LENS_CONFIRM_MS = 2000;
/** How many times a refresh that an editor did not take is told again. */
export const LENS_RETRIES = 2;

/**
 * When the code lenses are drawn again as runs change. A run that starts or ends (the runs' statuses change) shows at
 * once; the node statuses of a run in progress follow at most once per interval. Each refresh has the editor lay out
 * a lens above every node, which for a big workflow streaming events would otherwise take most of the window's time.
 *
 * VS Code asks for an editor's lenses a moment after it is told they changed, and forgets that request when the
 * editor loses focus meanwhile (a click into the DAG panel as a run pauses): the editor then shows the old lenses
 * until it is focused or edited again. So a refresh that some editor of `awaited` has not followed within
 * LENS_CONFIRM_MS is told again, up to LENS_RETRIES times.
 */
export class LensRefresh {
  private lastRuns: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private confirmTimer: ReturnType<typeof setTimeout> | undefined;
  /** The documents whose editors have not asked for their lenses since the last refresh. */
  private waiting = new Set<string>();
  private retriesLeft = 0;

  constructor(
    private readonly refresh: () => void,
    /** The documents of the editors in view whose lenses follow runs (their URIs). */
    private readonly awaited: () => string[] = () => [],
    private readonly intervalMs = LENS_REFRESH_MS,
    private readonly confirmMs = LENS_CONFIRM_MS,
  ) {}

  /** Runs changed; `runs` says which runs there are and their statuses (a change to it refreshes at once). */
  changed(runs: string): void {
    if (runs !== this.lastRuns) {
      this.lastRuns = runs;
      this.stopInterval();
      this.tell(LENS_RETRIES);
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.tell(LENS_RETRIES);
    }, this.intervalMs);
  }

  /** An editor asked for the lenses of a document (its URI). */
  provided(uri: string): void {
    this.waiting.delete(uri);
    if (this.waiting.size === 0) this.stopConfirming();
  }

  private tell(retriesLeft: number): void {
    this.stopConfirming();
    this.waiting = new Set(this.awaited());
    this.retriesLeft = retriesLeft;
    this.refresh();
    if (this.waiting.size > 0 && this.retriesLeft > 0) this.confirmTimer = setTimeout(() => this.confirm(), this.confirmMs);
  }

  private confirm(): void {
    this.confirmTimer = undefined;
    if (this.waiting.size > 0) this.tell(this.retriesLeft - 1);
  }

  private stopInterval(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private stopConfirming(): void {
    clearTimeout(this.confirmTimer);
    this.confirmTimer = undefined;
  }

  dispose(): void {
    this.stopInterval();
    this.stopConfirming();
    this.waiting.clear();
  }
}
