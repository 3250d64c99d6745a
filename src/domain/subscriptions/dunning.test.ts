import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_DAYS, declineClass, nextAttemptAt, validRetryDays } from './dunning.js';

describe('dunning', () => {
  it('classes declines as Stripe names them', () => {
    expect(declineClass('insufficient_funds')).toBe('soft');
    expect(declineClass('processing_error')).toBe('soft');
    expect(declineClass('card_declined')).toBe('soft');
    expect(declineClass('stolen_card')).toBe('hard');
    expect(declineClass('lost_card')).toBe('hard');
    expect(declineClass('expired_card')).toBe('hard');
    expect(declineClass('authentication_required')).toBe('authentication_required');
  });

  it('retries soft declines on the schedule, then stops', () => {
    const first = new Date('2027-01-01T00:00:00Z');
    const at = (n: number) =>
      nextAttemptAt({
        declineClass: 'soft',
        failedAttempts: n,
        firstFailure: first,
        retryDays: DEFAULT_RETRY_DAYS,
      });
    expect(at(1)?.toISOString()).toBe('2027-01-02T00:00:00.000Z');
    expect(at(4)?.toISOString()).toBe('2027-01-08T00:00:00.000Z');
    expect(at(5)).toBeNull();
    expect(
      nextAttemptAt({
        declineClass: 'hard',
        failedAttempts: 1,
        firstFailure: first,
        retryDays: DEFAULT_RETRY_DAYS,
      }),
    ).toBeNull();
  });

  it('checks a schedule', () => {
    expect(validRetryDays([1, 3, 5, 7])).toBe(true);
    expect(validRetryDays([])).toBe(true);
    expect(validRetryDays([3, 3])).toBe(false);
    expect(validRetryDays([0])).toBe(false);
    expect(validRetryDays([61])).toBe(false);
  });
});
