// The critical path of a run: the chain of node instances that set its length. From the instance that ended last,
// back through whichever instance of its needs ended last before it started (what it waited for), to one that waited
// for nothing. One rule for the Gantt view, the run digests and the forecast.

export interface Span {
  id: string;
  nodeId: string;
  start: number;
  end: number;
}

/** The critical path, first instance first. */
export function criticalPath(spans: readonly Span[], needsOf: (nodeId: string) => readonly string[]): string[] {
  const byNode = new Map<string, Span[]>();
  for (const s of spans) byNode.set(s.nodeId, [...(byNode.get(s.nodeId) ?? []), s]);
  const path: string[] = [];
  const latest = (candidates: Span[]) => candidates.reduce<Span | undefined>((last, s) => (!last || s.end > last.end ? s : last), undefined);
  let at = latest([...spans]);
  const seen = new Set<string>();
  while (at && !seen.has(at.id)) {
    seen.add(at.id);
    path.unshift(at.id);
    const start = at.start;
    at = latest(needsOf(at.nodeId).flatMap((d) => (byNode.get(d) ?? []).filter((s) => s.end <= start + 1)));
  }
  return path;
}
