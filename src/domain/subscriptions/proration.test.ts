import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ProrationWindow, prorate, prorateLines } from './proration.js';

const window = (startMs: number, lengthMs: number, atMs: number): ProrationWindow => ({
  periodStart: new Date(startMs),
  periodEnd: new Date(startMs + lengthMs),
  at: new Date(atMs),
});

const windows = fc
  .record({
    start: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    length: fc.integer({ min: 1, max: 400 * 86_400_000 }),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ start, length, fraction }) =>
    window(start, length, start + Math.floor(length * fraction)),
  );

describe('proration', () => {
  it('charges half of a period for half of its time, rounding half up once', () => {
    const w = window(0, 30 * 86_400_000, 15 * 86_400_000);
    expect(prorate(1000, w)).toBe(500);
    expect(prorate(999, w)).toBe(500);
    expect(prorate(0, w)).toBe(0);
  });

  it('is the whole amount at the start, nothing at the end, clamped outside', () => {
    expect(prorate(1234, window(1000, 5000, 1000))).toBe(1234);
    expect(prorate(1234, window(1000, 5000, 6000))).toBe(0);
    expect(prorate(1234, window(1000, 5000, 0))).toBe(1234);
    expect(prorate(1234, window(1000, 5000, 99_999))).toBe(0);
  });

  it('is within half a minor unit of the exact value, for any amount up to the safe limit', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), windows, (amount, w) => {
        const result = BigInt(prorate(amount, w));
        const left = BigInt(w.periodEnd.getTime() - w.at.getTime());
        const length = BigInt(w.periodEnd.getTime() - w.periodStart.getTime());
        // |result − amount·left/length| ≤ 1/2  ⇔  |2·result·length − 2·amount·left| ≤ length
        const diff = 2n * result * length - 2n * BigInt(amount) * left;
        expect(diff <= length && -diff <= length).toBe(true);
        expect(result >= 0n && result <= BigInt(amount)).toBe(true);
      }),
    );
  });

  it('never gives more for less time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        windows,
        fc.integer({ min: 0, max: 86_400_000 }),
        (amount, w, later) => {
          const after = { ...w, at: new Date(w.at.getTime() + later) };
          expect(prorate(amount, after)).toBeLessThanOrEqual(prorate(amount, w));
        },
      ),
    );
  });

  it('rounds each line once and sums the rounded lines', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), { maxLength: 20 }),
        windows,
        (amounts, w) => {
          const lines = amounts.map((amount, i) => ({ key: `l${i}`, amount }));
          const result = prorateLines(lines, w);
          expect(result.lines.map((l) => l.amount)).toEqual(amounts.map((a) => prorate(a, w)));
          expect(result.total).toBe(result.lines.reduce((s, l) => s + l.amount, 0));
        },
      ),
    );
  });
});
