/**
 * When to try again: exponential back-off with "full jitter" (a uniformly random delay between
 * 0 and min(max, base × 2^(attempt − 1)), AWS's recommendation against synchronized retries),
 * and never sooner than a receiver's Retry-After.
 */

/** A Retry-After longer than this is cut to it: a receiver cannot park a page for days. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

export interface BackoffSettings {
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** `attempt` is the number of the attempt that just failed (1 for the first). */
export function backoffDelay(
  attempt: number,
  s: BackoffSettings,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(s.backoffMaxMs, s.backoffBaseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.floor(random() * ceiling);
}

/** Retry-After as delay-seconds or an HTTP-date, in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(at - now, 0), MAX_RETRY_AFTER_MS);
}

export function retryDelay(
  attempt: number,
  retryAfterMs: number | null | undefined,
  s: BackoffSettings,
  random: () => number = Math.random,
): number {
  return Math.max(backoffDelay(attempt, s, random), retryAfterMs ?? 0);
}
