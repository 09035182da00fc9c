// Dates as the panels show them. Each format has one formatter, made when first used: making one is what costs
// (the first loads the locale's data), using it is cheap; `toLocaleString` with options makes one per call.

const formatter = (options: Intl.DateTimeFormatOptions) => {
  let made: Intl.DateTimeFormat | undefined;
  return (t: number): string => (made ??= new Intl.DateTimeFormat(undefined, options)).format(t);
};

/** When a run started, to the second: runs of a busy hour differ in their seconds. */
export const when = formatter({ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** When a run started, to the millisecond: for runs of one second. */
const whenFine = formatter({ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });

/**
 * Labels for runs by when they started, as `when` writes them; those that would read alike (runs of one second)
 * to the millisecond, and those of one millisecond numbered.
 */
export function runStartLabels(starts: readonly number[]): string[] {
  const count = (labels: readonly string[]) => labels.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const coarse = starts.map(when);
  const coarseCount = count(coarse);
  const fine = starts.map((t, i) => (coarseCount.get(coarse[i])! > 1 ? whenFine(t) : coarse[i]));
  const fineCount = count(fine);
  const seen = new Map<string, number>();
  return fine.map((l) => {
    if (fineCount.get(l)! === 1) return l;
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return `${l} (${n})`;
  });
}

/** A time of day, to the second. */
export const clock = formatter({ hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A time of day to a tenth, hundredth or thousandth of a second (1, 2 or 3 digits after the second). */
export const clockFine = [1, 2, 3].map((digits) =>
  formatter({ hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: digits as 1 | 2 | 3 }),
);

/** A time of day, to the minute. */
export const hourAndMinute = formatter({ hour: '2-digit', minute: '2-digit' });

/** A day of the year: `Dec 1`. */
export const dayAndMonth = formatter({ month: 'short', day: 'numeric' });

/** A month: `Dec 2026`. */
export const monthAndYear = formatter({ month: 'short', year: 'numeric' });
