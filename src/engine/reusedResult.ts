// A node that reused a kept result instead of running (see `cache`): one way of saying so on every surface.

/** The run that kept the result, when, and the artifacts put back from the copies kept with it. */
export interface ReusedResult {
  runId: string;
  /** When it was kept (ms since the epoch). */
  at: number;
  /** Artifacts that had changed since and were put back; none when they were as the node left them. */
  restored?: string[];
  /** Found in a team's shared cache, kept by a run elsewhere. */
  shared?: boolean;
}

/** `not run: the result of run … reused, dist put back`; `kept` says when, as the surface writes times. */
export function reusedText(r: ReusedResult, kept?: string): string {
  const back = r.restored?.length ? `, ${r.restored.join(', ')} put back` : '';
  return `not run: the result of run ${r.runId}${kept ? ` (kept ${kept})` : ''}${r.shared ? " from the team's shared cache" : ''} reused${back}`;
}

/** The fields of a kept result a completion tells of (a result found in a cache has more). */
export const reusedOf = (kept: ReusedResult): ReusedResult => ({
  runId: kept.runId,
  at: kept.at,
  ...(kept.restored ? { restored: kept.restored } : {}),
  ...(kept.shared ? { shared: true } : {}),
});
