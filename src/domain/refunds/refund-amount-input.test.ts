import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT } from '../money.js';
import { amountForUnits, parseMajorAmount } from './refund-amount-input.js';

describe('parseMajorAmount', () => {
  it('reads major units exactly, per currency', () => {
    expect(parseMajorAmount('15', 2)).toBe(1500);
    expect(parseMajorAmount('15.5', 2)).toBe(1550);
    expect(parseMajorAmount(' 0.01 ', 2)).toBe(1);
    expect(parseMajorAmount('13824', 0)).toBe(13824);
    expect(parseMajorAmount('1.234', 3)).toBe(1234);
  });

  it('refuses more decimals than the currency has, signs, junk and too much', () => {
    for (const text of ['1.234', '-1', '1e3', '', '1,00', '999999999999.99', 'abc']) {
      expect(parseMajorAmount(text, 2), text).toBeNull();
    }
    expect(parseMajorAmount('1.5', 0)).toBeNull();
  });

  it('round-trips every amount written with its decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT }), (amount) => {
        const text = `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, '0')}`;
        return parseMajorAmount(text, 2) === amount;
      }),
    );
  });
});

describe('amountForUnits', () => {
  it('is all of the line for every unit, and never more than the line', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_AMOUNT }),
        fc.integer({ min: 1, max: 999 }),
        fc.integer({ min: 1, max: 999 }),
        (amount, quantity, units) => {
          const part = amountForUnits(amount, quantity, units);
          return units >= quantity ? part === amount : part >= 0 && part <= amount;
        },
      ),
    );
  });

  it('grows with the units and splits evenly where it can', () => {
    expect(amountForUnits(3000, 2, 1)).toBe(1500);
    expect(amountForUnits(1000, 3, 1)).toBe(333);
    expect(amountForUnits(1000, 3, 2)).toBe(667);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 2, max: 50 }),
        (amount, quantity) => {
          let previous = 0;
          for (let units = 1; units <= quantity; units++) {
            const part = amountForUnits(amount, quantity, units);
            if (part < previous) return false;
            previous = part;
          }
          return previous === amount;
        },
      ),
    );
  });
});
