/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so 'biuld' → 'build' is one edit).
 * Returns max + 1 as soon as the distance must exceed max.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2] + 1);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** The candidate closest to `word`, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const max = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = max + 1;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    if (c === word) continue;
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase(), max);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` — did you mean '${c}'?`;
}

/**
 * `closest` and `didYouMean` with a budget of comparisons for one validation: a file with thousands of unknown names
 * among thousands of known ones would otherwise compare every name with every other. Once the budget is spent, no
 * more suggestions are made (the diagnostics stay, without a "did you mean").
 */
export function suggester(budget = 200_000) {
  let left = budget;
  const pick = (word: string, candidates: readonly string[], except?: string): string | undefined => {
    if (left <= 0) return undefined;
    left -= candidates.length;
    return closest(word, except === undefined ? candidates : candidates.filter((c) => c !== except));
  };
  return {
    closest: pick,
    didYouMean: (word: string, candidates: readonly string[]): string => {
      const c = pick(word, candidates);
      return c === undefined ? '' : ` — did you mean '${c}'?`;
    },
  };
}
