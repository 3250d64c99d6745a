const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The Standard Webhooks schedule: the delay before each attempt, the first one immediate.
 * Ten attempts over about three days; after the last failure the delivery has failed.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
];

/** Each delay moves by up to ±10 %, so endpoints that failed together are not retried together. */
export const RETRY_JITTER = 0.1;

/** A `Retry-After` longer than this is cut to it. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

/** What one attempt's answer means for the delivery. */
export type AttemptVerdict = 'delivered' | 'gone' | 'failed';

/** 2xx delivers; 410 Gone means the endpoint wants no more; anything else (3xx too) failed. */
export function verdictOf(status: number | null): AttemptVerdict {
  if (status !== null && status >= 200 && status < 300) return 'delivered';
  return status === 410 ? 'gone' : 'failed';
}

/** Only "slow down" answers ask for a later retry; other statuses' Retry-After is ignored. */
export function honoursRetryAfter(status: number | null): boolean {
  return status === 429 || status === 503;
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * SECOND, MAX_RETRY_AFTER_MS);
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return null;
  return Math.min(Math.max(0, at - now.getTime()), MAX_RETRY_AFTER_MS);
}

/**
 * The delay before the next attempt after `attemptsMade` attempts failed, or null when the
 * schedule is exhausted. `random` in [0, 1) picks the jitter; a `Retry-After` (capped at
 * 24 h) can push the attempt later, never earlier.
 */
export function nextRetryDelay(
  schedule: readonly number[],
  attemptsMade: number,
  random: number,
  retryAfterMs: number | null,
): number | null {
  const base = schedule[attemptsMade];
  if (base === undefined) return null;
  const jittered = Math.round(base * (1 + RETRY_JITTER * (2 * random - 1)));
  if (retryAfterMs === null) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** `FLINT_WEBHOOK_RETRY_SCHEDULE`: comma-separated delays in seconds ("0,5,300"); null if malformed. */
export function parseRetrySchedule(text: string): number[] | null {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.length > 50) return null;
  const delays = parts.map((p) => (/^\d+(\.\d+)?$/.test(p) ? Math.round(Number(p) * SECOND) : NaN));
  if (delays.some((d) => !Number.isFinite(d) || d > 7 * 24 * HOUR)) return null;
  return delays;
}
