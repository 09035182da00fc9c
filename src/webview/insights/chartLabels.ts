// The labels of the runs chart's axes. uPlot's own time labels (`:16.000` for ticks a second apart) and plain
// numbers of seconds (`.125s`, cut at the axis' edge) read badly; these read as the rest of the view.
import { clock, clockFine, dayAndMonth, hourAndMinute, monthAndYear } from '../dateTime';
import { ms } from './format';

const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;

/** The digits after the second that tell ticks `incr` seconds apart from each other (0 for whole seconds). */
function fractionDigits(incr: number): number {
  for (let digits = 0; digits < 3; digits++) {
    const scaled = incr * 10 ** digits;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 && Math.round(scaled) >= 1) return digits;
  }
  return 3;
}

/**
 * Labels for ticks `incr` seconds apart, in seconds since the epoch: times of day to the second (to its fraction
 * for ticks less than a second apart, as those of runs started in one second are) or minute, with the
 * day where it changes (and on the first tick), for ticks less than a day apart; days, or months, for wider ones.
 */
export function timeLabels(ticks: readonly number[], incr: number): string[] {
  if (incr >= 28 * DAY) return ticks.map((t) => monthAndYear(t * 1000));
  if (incr >= DAY) return ticks.map((t) => dayAndMonth(t * 1000));
  const digits = incr < 1 ? fractionDigits(incr) : 0;
  const time = digits > 0 ? clockFine[digits - 1] : incr < MINUTE ? clock : hourAndMinute;
  // Whole milliseconds: a tick at 28.25 s may come as 28.2499…, which a format to the hundredth would cut to .24.
  const msOf = (t: number) => Math.round(t * 1000);
  return ticks.map((t, i) => {
    const day = dayAndMonth(msOf(t));
    return i === 0 || day !== dayAndMonth(msOf(ticks[i - 1])) ? `${day}, ${time(msOf(t))}` : time(msOf(t));
  });
}

/**
 * Labels for durations in seconds, ticks `incr` seconds apart: in milliseconds below a second, in seconds with as
 * many decimals as the ticks need below a minute (`8 s`, `10 s`, `12 s`; `2.5 s`), then as the view writes them.
 */
export function durationLabels(ticks: readonly number[], incr: number): string[] {
  const decimals = Math.min(3, Math.max(0, -Math.floor(Math.log10(incr) + 1e-9)));
  return ticks.map((t) => (t < 1 ? `${Math.round(t * 1000)} ms` : t < MINUTE ? `${t.toFixed(decimals)} s` : ms(t * 1000)));
}
