import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SCHEDULE_MS,
  honoursRetryAfter,
  MAX_RETRY_AFTER_MS,
  nextRetryDelay,
  parseRetryAfter,
  parseRetrySchedule,
  verdictOf,
} from './webhook-retry.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('the retry schedule', () => {
  it('is the Standard Webhooks one: now, 5 s, 5 min, 30 min, 2, 5, 10, 14, 20 and 24 h', () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual([
      0,
      5 * S,
      5 * M,
      30 * M,
      2 * H,
      5 * H,
      10 * H,
      14 * H,
      20 * H,
      24 * H,
    ]);
    const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(total / H).toBeGreaterThan(72); // about three days
  });

  it('gives the delay before the next attempt, none after the last', () => {
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, 0.5, null)).toBe(5 * S);
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 9, 0.5, null)).toBe(24 * H);
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 10, 0.5, null)).toBeNull();
  });

  it('jitters each delay by at most 10 %', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempts, random) => {
          const base = DEFAULT_RETRY_SCHEDULE_MS[attempts] ?? 0;
          const delay = nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, attempts, random, null) ?? -1;
          expect(Math.abs(delay - base)).toBeLessThanOrEqual(base * 0.1 + 1);
        },
      ),
    );
  });

  it('lets Retry-After push an attempt later (capped at 24 h), never earlier', () => {
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, 0.5, 60 * S)).toBe(60 * S);
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, 0.5, 1 * S)).toBe(5 * S);
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, 0.5, 48 * H)).toBe(24 * H);
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 10, 0.5, 60 * S)).toBeNull();
  });

  it('reads FLINT_WEBHOOK_RETRY_SCHEDULE in seconds', () => {
    expect(parseRetrySchedule('0, 0.05,5,300')).toEqual([0, 50, 5000, 300_000]);
    for (const bad of ['', '1,,2', '-1', 'abc', '1e3', `${8 * 24 * 3600}`]) {
      expect(parseRetrySchedule(bad), bad).toBeNull();
    }
  });
});

describe('answers', () => {
  it('2xx delivers, 410 is gone, anything else (3xx included) failed', () => {
    expect([200, 201, 204, 299].map(verdictOf)).toEqual(Array(4).fill('delivered'));
    expect(verdictOf(410)).toBe('gone');
    expect([null, 199, 301, 302, 307, 400, 404, 429, 500, 503].map(verdictOf)).toEqual(
      Array(10).fill('failed'),
    );
    expect([429, 503].map(honoursRetryAfter)).toEqual([true, true]);
    expect([500, 301, null].map(honoursRetryAfter)).toEqual([false, false, false]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-11-23T18:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120 * S);
    expect(parseRetryAfter('Mon, 23 Nov 2026 18:05:00 GMT', now)).toBe(5 * M);
    expect(parseRetryAfter('Mon, 23 Nov 2026 17:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999999', now)).toBe(MAX_RETRY_AFTER_MS);
    for (const bad of [undefined, null, '', 'soon', '-5', '1.5', '2026-11-23']) {
      expect(parseRetryAfter(bad, now), String(bad)).toBeNull();
    }
  });
});
