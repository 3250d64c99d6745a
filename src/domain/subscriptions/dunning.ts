import type { DeclineClass } from './subscription-values.js';

/**
 * How a failed renewal is followed up, by what the decline says:
 * - `hard`: the card will not work again (stolen, lost, closed, expired, fraud): no retry,
 *   the customer is asked for a new card;
 * - `authentication_required`: the bank wants the cardholder (3-D Secure) — a blind retry
 *   would fail the same way: the customer is mailed a link to pay on the hosted page;
 * - `soft`: anything else (insufficient funds, a processor error, a generic decline):
 *   retried on the account's schedule.
 * Decline codes are Stripe's.
 */
const HARD_DECLINES: ReadonlySet<string> = new Set([
  'stolen_card',
  'lost_card',
  'pickup_card',
  'fraudulent',
  'merchant_blacklist',
  'restricted_card',
  'security_violation',
  'revocation_of_authorization',
  'revocation_of_all_authorizations',
  'invalid_account',
  'account_closed',
  'card_not_supported',
  'currency_not_supported',
  'do_not_try_again',
  'expired_card',
  'incorrect_number',
  'invalid_number',
  'invalid_payment_source',
  'payment_method_detached',
  'no_payment_method',
]);

const AUTHENTICATION_DECLINES: ReadonlySet<string> = new Set([
  'authentication_required',
  'requires_action',
]);

export function declineClass(declineCode: string): DeclineClass {
  if (AUTHENTICATION_DECLINES.has(declineCode)) return 'authentication_required';
  if (HARD_DECLINES.has(declineCode)) return 'hard';
  return 'soft';
}

/** The account's default retry schedule: days after the first failed attempt. */
export const DEFAULT_RETRY_DAYS: readonly number[] = [1, 3, 5, 7];

/** At most this many retries, each at most this many days after the first failure. */
export const MAX_RETRIES = 8;
export const MAX_RETRY_DAY = 60;

const DAY_MS = 86_400_000;

/**
 * When the next attempt of a period's payment is due, after `failedAttempts` attempts
 * (the first included) failed the first time at `firstFailure`; null when there is none
 * (a hard or authentication decline, or the schedule is spent).
 */
export function nextAttemptAt(input: {
  readonly declineClass: DeclineClass;
  readonly failedAttempts: number;
  readonly firstFailure: Date;
  readonly retryDays: readonly number[];
}): Date | null {
  if (input.declineClass !== 'soft') return null;
  const days = input.retryDays[input.failedAttempts - 1];
  if (days === undefined) return null;
  return new Date(input.firstFailure.getTime() + days * DAY_MS);
}

/** A retry schedule is 0 to MAX_RETRIES whole days, strictly increasing, each 1…MAX_RETRY_DAY. */
export function validRetryDays(days: readonly number[]): boolean {
  if (days.length > MAX_RETRIES) return false;
  return days.every(
    (d, i) =>
      Number.isInteger(d) &&
      d >= 1 &&
      d <= MAX_RETRY_DAY &&
      (i === 0 || d > (days[i - 1] as number)),
  );
}
