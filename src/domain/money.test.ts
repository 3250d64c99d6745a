import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  compareDecimal,
  type Decimal,
  divideRoundHalfUp,
  formatDecimal,
  includedPercentOf,
  MAX_AMOUNT,
  multiply,
  parseDecimal,
  percentOf,
} from './money.js';

const dec = (text: string): Decimal => {
  const d = parseDecimal(text);
  if (!d) throw new Error(text);
  return d;
};
const amount = fc.integer({ min: 0, max: MAX_AMOUNT });
const percentText = fc
  .tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 999 }))
  .map(([w, f]) => (w === 100 ? '100' : `${w}.${String(f).padStart(3, '0')}`));

describe('decimals', () => {
  it('parses percentages and rejects anything else', () => {
    expect(dec('8')).toEqual({ units: 8n, scale: 0 });
    expect(dec('8.875')).toEqual({ units: 8875n, scale: 3 });
    for (const bad of ['', '-1', '1e2', '08', '.5', '5.', '1.2345678', ' 8', 'NaN', '0x10']) {
      expect(parseDecimal(bad), bad).toBeNull();
    }
  });

  it('formats canonically and compares exactly', () => {
    expect(formatDecimal(dec('8.500'))).toBe('8.5');
    expect(formatDecimal(dec('0.05'))).toBe('0.05');
    expect(formatDecimal(dec('20.0'))).toBe('20');
    expect(compareDecimal(dec('8.5'), dec('8.50'))).toBe(0);
    expect(compareDecimal(dec('8.49'), dec('8.5'))).toBe(-1);
    expect(compareDecimal(dec('100'), dec('99.999'))).toBe(1);
  });
});

describe('rounding', () => {
  it('rounds half up exactly once', () => {
    expect(divideRoundHalfUp(5n, 2n)).toBe(3n);
    expect(divideRoundHalfUp(4n, 3n)).toBe(1n);
    expect(percentOf(10240, dec('8'))).toBe(819); // 819.2 — the seed walkthrough
    expect(percentOf(12800, dec('8'))).toBe(1024);
    expect(percentOf(12800, dec('20'))).toBe(2560);
    expect(percentOf(1, dec('50'))).toBe(1); // 0.5 rounds up
    expect(percentOf(1000, dec('8.875'))).toBe(89); // 88.75
    expect(includedPercentOf(10800, dec('8'))).toBe(800);
  });

  it('never uses floating point: exact on the largest amounts', () => {
    expect(percentOf(MAX_AMOUNT, dec('8.875'))).toBe(8_875_000_000); // 8874999999.911…
    // 499999999.995: exactly half a unit over, where float arithmetic rounds down.
    expect(percentOf(MAX_AMOUNT, dec('0.5'))).toBe(500_000_000);
    expect(multiply(MAX_AMOUNT, 1)).toBe(MAX_AMOUNT);
    expect(() => multiply(MAX_AMOUNT, 1_000_000)).toThrow(RangeError);
  });

  it('percentOf is within half a unit of the exact value and monotonic', () => {
    fc.assert(
      fc.property(amount, percentText, (a, p) => {
        const d = dec(p);
        const result = BigInt(percentOf(a, d));
        const scaled = 100n * 10n ** BigInt(d.scale);
        const exactTimesDen = BigInt(a) * d.units;
        // |result − exact| ≤ ½  ⇔  |2·result·den − 2·exact·den| ≤ den
        const diff = 2n * result * scaled - 2n * exactTimesDen;
        expect(diff <= scaled && diff > -scaled).toBe(true);
        expect(percentOf(a, d)).toBeLessThanOrEqual(a);
      }),
    );
  });
});

describe('allocate', () => {
  const weights = fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), {
    minLength: 1,
    maxLength: 20,
  });

  it('parts always sum exactly to the total, each within one unit of its share', () => {
    fc.assert(
      fc.property(amount, weights, (total, ws) => {
        fc.pre(ws.some((w) => w > 0));
        const parts = allocate(total, ws);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        const whole = ws.reduce((a, b) => a + BigInt(b), 0n);
        parts.forEach((part, i) => {
          const share = BigInt(total) * BigInt(ws[i] as number);
          expect(BigInt(part) * whole >= share - whole).toBe(true);
          expect(BigInt(part) * whole <= share + whole).toBe(true);
          if (ws[i] === 0) expect(part).toBe(0);
        });
      }),
    );
  });

  it('gives leftover units to the largest remainders, ties to the earliest', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(2560, [9900, 2900])).toEqual([1980, 580]);
    expect(allocate(5, [3, 3, 4])).toEqual([2, 1, 2]);
    expect(allocate(0, [0, 0])).toEqual([0, 0]);
    expect(() => allocate(1, [0, 0])).toThrow(RangeError);
  });
});
