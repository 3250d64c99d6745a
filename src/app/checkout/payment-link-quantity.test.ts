import { describe, expect, it } from 'vitest';
import { quantityWithin } from './payment-link-quantity.js';

describe('quantityWithin', () => {
  const bounds = { minimum: 2, maximum: 5 };

  it('takes a whole number within the bounds, both ends included', () => {
    for (const quantity of [2, 3, 5])
      expect(quantityWithin(bounds, quantity)).toEqual({ ok: true, value: quantity });
  });

  it('refuses anything else with a message naming the bounds, at loc quantity', () => {
    for (const quantity of [0, 1, 6, 2.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) {
      const result = quantityWithin(bounds, quantity);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('parameter_invalid');
        expect(result.error.loc).toEqual(['quantity']);
        expect(result.error.message).toBe('Choose a quantity between 2 and 5');
      }
    }
  });
});
