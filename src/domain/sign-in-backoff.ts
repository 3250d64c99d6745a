/**
 * Console sign-in failures, counted per email and per address with exponential backoff.
 * Successes never count (one office signing in all morning locks nobody out); a success
 * clears its email's failures. Pure: the caller brings the counts and the time.
 */

export type SignInSubject = 'email' | 'address';

/** Failures in a row after which each further one locks its email or address for a while. */
export interface SignInLimits {
  readonly perEmail: number;
  readonly perAddress: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perEmail: 5, perAddress: 20 };

/** A failure older than this no longer counts: the next one starts a new streak. */
export const FAILURE_WINDOW_MS = 60 * 60_000;

/** The longest a lock lasts, however many failures came before. */
export const MAX_LOCK_MS = 15 * 60_000;

export function thresholdOf(limits: SignInLimits, subject: SignInSubject): number {
  return subject === 'email' ? limits.perEmail : limits.perAddress;
}

/**
 * When the next attempt may be made after `failures` failures in a row, the last at
 * `lastFailedAt`: null below the threshold, then 2 s, 4 s, 8 s, … up to 15 minutes.
 */
export function lockedUntil(failures: number, threshold: number, lastFailedAt: Date): Date | null {
  if (failures < threshold) return null;
  const exponent = Math.min(failures - threshold + 1, 30);
  const waitMs = Math.min(2 ** exponent * 1000, MAX_LOCK_MS);
  return new Date(lastFailedAt.getTime() + waitMs);
}

/** "Try again in …" for a lock that ends at `until`: whole seconds, or minutes from one up. */
export function retryAfterSeconds(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

export function describeWait(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
