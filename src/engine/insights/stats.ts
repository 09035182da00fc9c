// Statistics over runs, pure. A percentile is the nearest-rank one: the smallest value with at least p% of the
// values at or below it, a value that occurred (a run took it).

export function percentile(values: readonly number[], p: number): number | undefined {
  return sortedPercentile(
    [...values].sort((a, b) => a - b),
    p,
  );
}

/** A fraction, or 0 of nothing. */
export const rate = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

/** The nearest-rank percentiles of values already sorted ascending. */
export function sortedPercentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}
