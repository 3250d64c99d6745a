import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CARD_BRANDS,
  cardDetailsOrNull,
  normalizeCardBrand,
  parseCardDetails,
} from './card-details.js';

const VISA = { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034, funding: 'credit' };

describe('parseCardDetails', () => {
  it('reads a processor card object', () => {
    expect(parseCardDetails(VISA)).toEqual({
      ok: true,
      value: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034, funding: 'credit' },
    });
  });

  it('leaves funding null when the processor does not say', () => {
    const { funding: _, ...rest } = VISA;
    const parsed = parseCardDetails(rest);
    expect(parsed.ok && parsed.value.funding).toBeNull();
    const nulled = parseCardDetails({ ...VISA, funding: null });
    expect(nulled.ok && nulled.value.funding).toBeNull();
  });

  it('keeps brands to the closed list', () => {
    expect(normalizeCardBrand('American Express')).toBe('amex');
    expect(normalizeCardBrand('MasterCard')).toBe('mastercard');
    expect(normalizeCardBrand('Diners Club')).toBe('diners');
    expect(normalizeCardBrand('UnionPay')).toBe('unionpay');
    expect(normalizeCardBrand('eftpos_au')).toBe('unknown');
    expect(normalizeCardBrand('cartes_bancaires')).toBe('unknown');
    for (const brand of CARD_BRANDS) expect(normalizeCardBrand(brand)).toBe(brand);
  });

  it.each([
    ['last4', { ...VISA, last4: '424' }],
    ['last4', { ...VISA, last4: '42424' }],
    ['last4', { ...VISA, last4: '42a2' }],
    ['last4', { ...VISA, last4: 4242 }],
    ['exp_month', { ...VISA, exp_month: 0 }],
    ['exp_month', { ...VISA, exp_month: 13 }],
    ['exp_month', { ...VISA, exp_month: 1.5 }],
    ['exp_month', { ...VISA, exp_month: '12' }],
    ['exp_year', { ...VISA, exp_year: 34 }],
    ['exp_year', { ...VISA, exp_year: 10000 }],
    ['brand', { ...VISA, brand: '' }],
    ['brand', { ...VISA, brand: 7 }],
    ['funding', { ...VISA, funding: 'charge' }],
  ])('refuses a bad %s', (field, input) => {
    expect(parseCardDetails(input)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'parameter_invalid', loc: ['card', field] }),
    });
  });

  it('refuses what is not an object', () => {
    for (const input of [null, 'visa', 4242, [VISA]]) {
      expect(parseCardDetails(input).ok).toBe(false);
    }
  });

  it('accepts every month and four-digit last4, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 20 }),
        fc.stringMatching(/^[0-9]{0,6}$/),
        (month, last4) => {
          const parsed = parseCardDetails({ ...VISA, exp_month: month, last4 });
          expect(parsed.ok).toBe(month >= 1 && month <= 12 && last4.length === 4);
        },
      ),
    );
  });
});

describe('cardDetailsOrNull', () => {
  it('gives null for no card or a malformed one, the details otherwise', () => {
    expect(cardDetailsOrNull(undefined)).toBeNull();
    expect(cardDetailsOrNull(null)).toBeNull();
    expect(cardDetailsOrNull({ ...VISA, last4: '4242424242424242' })).toBeNull();
    expect(cardDetailsOrNull(VISA)?.last4).toBe('4242');
  });
});
