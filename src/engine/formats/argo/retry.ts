import { textOf, type Json } from '../../json';
import { retryDoc } from '../retryDoc';

const GO_UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/** A duration as Go writes it (`1h30m`, `1.5s`), or a plain number of seconds as Argo also takes; undefined if neither. */
export function parseGoDuration(text: string): number | undefined {
  const ms = goDurationMs(text.trim());
  // Digits past a double's range make an infinite one, which no duration is.
  return ms !== undefined && Number.isFinite(ms) ? ms : undefined;
}

function goDurationMs(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) return undefined;
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * GO_UNITS[p[2]], 0));
}

/** Argo's retryStrategy as our `retry`; what has no counterpart is a problem. */
export function retryFromArgo(strategy: Json): { retry?: unknown; problem?: string } {
  const max = Number(strategy.limit ?? 0);
  if (!Number.isInteger(max) || max < 0) return { problem: `the retry limit ${textOf(strategy.limit)} is not a whole number` };
  const problems: string[] = [];
  if (strategy.retryPolicy !== undefined && strategy.retryPolicy !== 'Always' && strategy.retryPolicy !== 'OnFailure')
    problems.push(`retryPolicy ${textOf(strategy.retryPolicy)} retries on other causes than a failed script: here every failure is retried`);
  const backoff = (strategy.backoff ?? {}) as Json;
  const delay = backoff.duration !== undefined ? parseGoDuration(textOf(backoff.duration)) : undefined;
  const cap = backoff.cap !== undefined ? parseGoDuration(textOf(backoff.cap)) : undefined;
  if (backoff.duration !== undefined && delay === undefined) problems.push(`backoff.duration ${textOf(backoff.duration)} is not a duration: 1s is used`);
  if (backoff.cap !== undefined && cap === undefined) problems.push(`backoff.cap ${textOf(backoff.cap)} is not a duration: the delay is not capped`);
  const factor = backoff.factor === undefined ? 1 : Number(backoff.factor);
  if (factor !== 1 && factor !== 2) problems.push(`a backoff factor of ${textOf(backoff.factor)}: only 2 (exponential) has a counterpart`);
  if (backoff.maxDuration !== undefined) problems.push('backoff.maxDuration (a limit on all retries together) has no counterpart');
  const retry = retryDoc({ max, backoff: factor === 2 ? 'exponential' : 'fixed', delayMs: delay ?? 1000, ...(cap !== undefined ? { maxDelayMs: cap } : {}) });
  return { retry: retry === 0 ? undefined : retry, ...(problems.length ? { problem: problems.join('; ') } : {}) };
}
