import { durationText } from '../duration';
import type { RetryPolicy } from '../model';

/** A retry policy as our format writes it: a bare count when only the count differs from the defaults. */
export function retryDoc(retry: RetryPolicy): number | Record<string, unknown> {
  if (retry.backoff === 'fixed' && retry.delayMs === 1000 && retry.maxDelayMs === undefined) return retry.max;
  return {
    max: retry.max,
    ...(retry.backoff !== 'fixed' ? { backoff: retry.backoff } : {}),
    ...(retry.delayMs !== 1000 ? { delay: durationText(retry.delayMs) } : {}),
    ...(retry.maxDelayMs !== undefined ? { maxDelay: durationText(retry.maxDelayMs) } : {}),
  };
}
