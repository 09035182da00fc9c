// The labels of the runs chart's axes. uPlot's own time labels (`:16.000` for ticks a second apart) and plain
// numbers of seconds (`.125s`, cut at the axis' edge) read badly; these read as the rest of the view.
import { clock, dayAndMonth, hourAndMinute, monthAndYear } from '../dateTime';
import { ms } from './format';

const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;

/**
 * Labels for ticks `incr` seconds apart, in seconds since the epoch: times of day to the second or minute, with the
 * day where it changes (and on the first tick), for ticks less than a day apart; days, or months, for wider ones.
 */
export function timeLabels(ticks: readonly number[], incr: number): string[] {
  if (incr >= 28 * DAY) return ticks.map((t) => monthAndYear(t * 1000));
  if (incr >= DAY) return ticks.map((t) => dayAndMonth(t * 1000));
  const time = incr < MINUTE ? clock : hourAndMinute;
  return ticks.map((t, i) => {
    const day = dayAndMonth(t * 1000);
    return i === 0 || day !== dayAndMonth(ticks[i - 1] * 1000) ? `${day}, ${time(t * 1000)}` : time(t * 1000);
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
