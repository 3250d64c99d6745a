import { describe, expect, it } from 'vitest';
import { cardLabel } from './card-label.js';

const card = { expMonth: 12, expYear: 2034, funding: null } as const;

describe('cardLabel', () => {
  it('names the brand and the last four digits', () => {
    expect(cardLabel({ ...card, brand: 'visa', last4: '4242' })).toBe('Visa •••• 4242');
    expect(cardLabel({ ...card, brand: 'amex', last4: '8431' })).toBe('American Express •••• 8431');
    expect(cardLabel({ ...card, brand: 'unknown', last4: '0000' })).toBe('Card •••• 0000');
  });
});
