import type { RetryPolicy } from '../../model';

/** Delay before retry number `retry` (1 for the first retry). */
export function retryDelay(policy: RetryPolicy, retry: number): number {
  const base = policy.delayMs;
  const delay = policy.backoff === 'linear' ? base * retry : policy.backoff === 'exponential' ? base * 2 ** (retry - 1) : base;
  return policy.maxDelayMs !== undefined ? Math.min(delay, policy.maxDelayMs) : delay;
}
