import { fail, ok, type Result } from '../errors.js';

// A test clock (test mode only): a time of its own that the customers made on it live in.
// Advancing it runs its scheduled work in due order up to the new time.

/** A test clock's status: `advancing` while an advance runs its jobs (Stripe's names). */
export const TEST_CLOCK_STATUSES = ['ready', 'advancing', 'internal_failure'] as const;
export type TestClockStatus = (typeof TEST_CLOCK_STATUSES)[number];

/** How far one advance may go: five years (Stripe limits it by subscriptions' intervals). */
export const MAX_ADVANCE_MS = 5 * 366 * 24 * 3600 * 1000;

/** A clock is deleted with its customers this long after it was made, unless sooner. */
export const TEST_CLOCK_LIFETIME_MS = 30 * 24 * 3600 * 1000;

/** Clock times are whole seconds, as Stripe's `frozen_time` (a Unix timestamp). */
export function wholeSeconds(time: Date): Date {
  return new Date(Math.floor(time.getTime() / 1000) * 1000);
}

/** What an advance may do: move the clock forward, by at most `MAX_ADVANCE_MS`. */
export function checkAdvance(
  clock: { readonly frozenTime: Date; readonly status: TestClockStatus },
  target: Date,
): Result<Date> {
  const to = wholeSeconds(target);
  const loc = ['test_clock', 'frozen_time'];
  if (to.getTime() <= clock.frozenTime.getTime()) {
    return fail({
      code: 'parameter_invalid',
      message: `frozen_time must be later than the clock's ${clock.frozenTime.toISOString()}`,
      loc,
      details: { frozen_time: clock.frozenTime.toISOString() },
    });
  }
  if (to.getTime() - clock.frozenTime.getTime() > MAX_ADVANCE_MS) {
    return fail({
      code: 'parameter_invalid',
      message: 'A clock advances at most five years at a time',
      loc,
    });
  }
  return ok(to);
}
