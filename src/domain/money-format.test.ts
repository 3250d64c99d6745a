import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../domain/money-format.js';
import { MAX_AMOUNT } from './money.js';

describe('formatMoney', () => {
  it('shows amounts in each currency exactly', () => {
    expect(formatMoney(13824, 'USD')).toBe('$138.24');
    expect(formatMoney(13824, 'jpy')).toBe('¥13,824');
    expect(formatMoney(12345, 'KWD')).toBe('KWD\u00a012.345');
    expect(formatMoney(-500, 'USD')).toBe('−$5.00');
    expect(formatMoney(MAX_AMOUNT, 'USD')).toBe('$999,999,999.99');
    expect(formatMoney(1, 'USD')).toBe('$0.01');
  });

  it('never rounds: the digits shown are the integer amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT }), (amount) => {
        const digits = formatMoney(amount, 'USD').replace(/[^0-9]/g, '');
        return BigInt(digits) === BigInt(amount);
      }),
    );
  });
});
