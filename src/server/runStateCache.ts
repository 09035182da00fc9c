// A run's state as the server last answered it, kept while no event of the run has come since: a state is what its
// events fold to, so the same last seq means the same answer. Many readers of one run then cost one read of the
// engine per event, not one per request.
const MAX_RUNS = 64;

export class RunStateCache {
  private readonly kept = new Map<string, { seq: number; body: string }>();
  private readonly lastSeq = new Map<string, number>();

  /** An event of the run came: answers from before it are stale. */
  saw(runId: string, seq: number): void {
    this.lastSeq.set(runId, Math.max(seq, this.lastSeq.get(runId) ?? 0));
    if (this.lastSeq.size > 4 * MAX_RUNS) this.lastSeq.delete(this.lastSeq.keys().next().value!);
  }

  /** Runs changed behind the server's back (another process wrote them): nothing kept is trusted. */
  clear(): void {
    this.kept.clear();
  }

  /** The answer kept for the run, if no event came since it was made. */
  get(runId: string): string | undefined {
    const k = this.kept.get(runId);
    return k && k.seq === this.lastSeq.get(runId) ? k.body : undefined;
  }

  /** Keeps an answer made at the run's `seq`, when that is the last event this server saw of it. */
  keep(runId: string, seq: number | undefined, body: string): void {
    if (seq === undefined || seq !== this.lastSeq.get(runId)) return;
    this.kept.delete(runId);
    this.kept.set(runId, { seq, body });
    if (this.kept.size > MAX_RUNS) this.kept.delete(this.kept.keys().next().value!);
  }
}
