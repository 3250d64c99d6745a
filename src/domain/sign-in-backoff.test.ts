import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeWait, lockedUntil, MAX_LOCK_MS, retryAfterSeconds } from './sign-in-backoff.js';

const at = new Date('2026-12-04T12:00:00.000Z');
const waitOf = (failures: number, threshold = 5) =>
  (lockedUntil(failures, threshold, at)?.getTime() ?? at.getTime()) - at.getTime();

describe('sign-in backoff', () => {
  it('locks nothing below the threshold, then doubles from 2 s up to 15 minutes', () => {
    expect([1, 4].map((n) => lockedUntil(n, 5, at))).toEqual([null, null]);
    expect([5, 6, 7, 8].map((n) => waitOf(n))).toEqual([2000, 4000, 8000, 16000]);
    expect(waitOf(14)).toBe(MAX_LOCK_MS);
    expect(waitOf(1000)).toBe(MAX_LOCK_MS);
  });

  it('never waits less after more failures, nor longer than the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 200 }), (t, n) => {
        expect(waitOf(n + 1, t)).toBeGreaterThanOrEqual(waitOf(n, t));
        expect(waitOf(n, t)).toBeLessThanOrEqual(MAX_LOCK_MS);
      }),
    );
  });

  it('tells when to try again in whole seconds or minutes', () => {
    expect(retryAfterSeconds(new Date(at.getTime() + 1500), at)).toBe(2);
    expect(retryAfterSeconds(at, at)).toBe(1);
    expect([1, 2, 59, 60, 61, 900].map(describeWait)).toEqual([
      '1 second',
      '2 seconds',
      '59 seconds',
      '1 minute',
      '2 minutes',
      '15 minutes',
    ]);
  });
});
