// Statistics over runs, pure. A percentile is the nearest-rank one: the smallest value with at least p% of the
// values at or below it, a value that occurred (a run took it).

export function percentile(values: readonly number[], p: number): number | undefined {
  return sortedPercentile(sortedCopy(values), p);
}

/** The values sorted ascending, as numbers (a typed array sorts by value without a comparison function). */
export const sortedCopy = (values: readonly number[]): Float64Array => new Float64Array(values).sort();

/** A fraction, or 0 of nothing. */
export const rate = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

/** The nearest-rank percentiles of values already sorted ascending. */
export function sortedPercentile(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** The rank of the nearest-rank percentile p among n values (1-based). */
const rankOf = (n: number, p: number) => Math.min(Math.max(1, Math.ceil((p / 100) * n)), n);

/** Puts the value of rank k (0-based) at k, smaller ones before it and larger after, within [lo, hi]: Hoare's
 * selection, linear on average, where sorting would be n log n. */
function select(a: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** Nearest-rank percentiles of `values` (reordered in place), the higher first so that the lower selects in what
 * is left below it. Undefined for no values. */
export function percentilesInPlace(values: Float64Array, ps: readonly number[]): (number | undefined)[] {
  const n = values.length;
  if (n === 0) return ps.map(() => undefined);
  const order = ps.map((p, index) => ({ index, k: rankOf(n, p) - 1 })).sort((a, b) => b.k - a.k);
  const out: (number | undefined)[] = [];
  let hi = n - 1;
  for (const { index, k } of order) {
    select(values, k, 0, hi);
    out[index] = values[k];
    hi = k;
  }
  return out;
}
