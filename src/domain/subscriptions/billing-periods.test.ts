import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BillingCycle,
  boundary,
  nextPeriod,
  periodAt,
  periodIndexAt,
} from './billing-periods.js';
import { BILLING_INTERVALS } from './subscription-values.js';

const utc = (text: string) => new Date(`${text}Z`);
const monthly = (anchor: string, intervalCount = 1): BillingCycle => ({
  anchor: utc(anchor),
  interval: 'month',
  intervalCount,
});

describe('billing periods', () => {
  it('keeps the anchor day, clamped to short months', () => {
    const cycle = monthly('2027-01-31T10:00:00');
    const ends = [1, 2, 3, 4].map((n) => boundary(cycle, n).toISOString());
    expect(ends).toEqual([
      '2027-02-28T10:00:00.000Z',
      '2027-03-31T10:00:00.000Z',
      '2027-04-30T10:00:00.000Z',
      '2027-05-31T10:00:00.000Z',
    ]);
    expect(boundary(monthly('2028-01-31T00:00:00'), 1).toISOString()).toBe(
      '2028-02-29T00:00:00.000Z',
    );
  });

  it('steps years from Feb 29 to Feb 28 and back', () => {
    const cycle: BillingCycle = {
      anchor: utc('2028-02-29T12:00:00'),
      interval: 'year',
      intervalCount: 1,
    };
    expect(boundary(cycle, 1).toISOString()).toBe('2029-02-28T12:00:00.000Z');
    expect(boundary(cycle, 4).toISOString()).toBe('2032-02-29T12:00:00.000Z');
  });

  it('counts days and weeks in fixed milliseconds', () => {
    const cycle: BillingCycle = {
      anchor: utc('2027-03-01T00:00:00'),
      interval: 'week',
      intervalCount: 2,
    };
    expect(boundary(cycle, 1).toISOString()).toBe('2027-03-15T00:00:00.000Z');
  });

  it('finds the period holding an instant, its boundaries included', () => {
    const cycle = monthly('2027-01-31T10:00:00');
    expect(periodAt(cycle, utc('2027-02-28T10:00:00')).start.toISOString()).toBe(
      '2027-02-28T10:00:00.000Z',
    );
    expect(periodAt(cycle, utc('2027-02-28T09:59:59')).end.toISOString()).toBe(
      '2027-02-28T10:00:00.000Z',
    );
    expect(periodAt(cycle, utc('2026-12-15T00:00:00')).start.toISOString()).toBe(
      '2026-11-30T10:00:00.000Z',
    );
  });

  const cycles = fc.record({
    anchor: fc.date({
      min: new Date('2000-01-01'),
      max: new Date('2090-01-01'),
      noInvalidDate: true,
    }),
    interval: fc.constantFrom(...BILLING_INTERVALS),
    intervalCount: fc.integer({ min: 1, max: 12 }),
  });

  it('periods tile time: each holds its instant and the next starts where it ends', () => {
    fc.assert(
      fc.property(
        cycles,
        fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
        (cycle, offsetS) => {
          const at = new Date(cycle.anchor.getTime() + offsetS * 1000);
          const period = periodAt(cycle, at);
          expect(period.start.getTime()).toBeLessThanOrEqual(at.getTime());
          expect(period.end.getTime()).toBeGreaterThan(at.getTime());
          const next = nextPeriod(cycle, period);
          expect(next.start.getTime()).toBe(period.end.getTime());
          expect(periodIndexAt(cycle, boundary(cycle, periodIndexAt(cycle, at)))).toBe(
            periodIndexAt(cycle, at),
          );
        },
      ),
    );
  });

  it('a monthly boundary falls on the anchor day or the month’s last day', () => {
    fc.assert(
      fc.property(cycles, fc.integer({ min: -300, max: 300 }), (cycle, n) => {
        if (cycle.interval !== 'month') return;
        const b = boundary(cycle, n);
        const lastDay = new Date(Date.UTC(b.getUTCFullYear(), b.getUTCMonth() + 1, 0)).getUTCDate();
        expect(b.getUTCDate()).toBe(Math.min(cycle.anchor.getUTCDate(), lastDay));
        expect(b.getUTCHours()).toBe(cycle.anchor.getUTCHours());
      }),
    );
  });
});
