import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountText, parseAmountText } from './amount-text.js';

const parsed = (text: string, currency = 'USD') => {
  const result = parseAmountText(text, currency);
  return result.ok ? result.amount : result.error;
};

describe('amount text', () => {
  it('writes minor units in the currency’s exponent', () => {
    expect(amountText(2500, 'USD')).toBe('25.00');
    expect(amountText(5, 'USD')).toBe('0.05');
    expect(amountText(1500, 'JPY')).toBe('1500');
    expect(amountText(1250, 'KWD')).toBe('1.250');
  });

  it('reads what a buyer types, exactly', () => {
    expect(parsed('25')).toBe(2500);
    expect(parsed(' 25.5 ')).toBe(2550);
    expect(parsed('25.50')).toBe(2550);
    expect(parsed('0.01')).toBe(1);
    expect(parsed('1,234.56')).toBe(123456);
    expect(parsed('25.')).toBe(2500);
    expect(parsed('1500', 'JPY')).toBe(1500);
    expect(parsed('1.250', 'KWD')).toBe(1250);
    expect(parsed('0.1', 'USD')).toBe(10);
    expect(parsed('19.99')).toBe(1999);
  });

  it('refuses what is not an exact amount', () => {
    expect(parsed('')).toBe('empty');
    for (const bad of ['-5', '+5', '1e3', '2,5', '12,34.00', 'abc', '0x10', '.5', 'NaN', '5 5']) {
      expect(parsed(bad), bad).toBe('not_a_number');
    }
    expect(parsed('25.001')).toBe('too_precise');
    expect(parsed('25.5', 'JPY')).toBe('too_precise');
    expect(parsed('25.50000')).toBe(2550);
    expect(parsed('999999999999999999999')).toBe('too_large');
    expect(parsed('1000000000.00')).toBe('too_large');
  });

  it('reads back every amount it writes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999_999 }),
        fc.constantFrom('USD', 'JPY', 'KWD'),
        (amount, currency) => {
          expect(parseAmountText(amountText(amount, currency), currency)).toEqual({
            ok: true,
            amount,
          });
        },
      ),
    );
  });
});
