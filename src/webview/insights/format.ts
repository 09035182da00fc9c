// How the Insights view writes figures.
export function ms(v: number | undefined): string {
  if (v === undefined) return '–';
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(v < 10_000 ? 2 : 1)} s`;
  const s = Math.round(v / 1000);
  return s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export const pct = (v: number | undefined): string => (v === undefined ? '–' : `${Math.round(v * 100)}%`);

export function signedMs(v: number): string {
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${ms(Math.abs(v))}`;
}

export { runStartLabels, when } from '../dateTime';
