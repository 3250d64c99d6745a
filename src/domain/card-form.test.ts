import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cardDigits, checkCardForm, luhnValid, sandboxTokenOf, TEST_CARDS } from './card-form.js';

const NOW = new Date('2026-11-24T12:00:00Z');

/** The digit that makes `body` + digit pass Luhn (computed independently of luhnValid). */
function checkDigit(body: string): number {
  const digits = [...body].reverse().map(Number);
  const sum = digits.reduce((s, d, i) => {
    if (i % 2 === 1) return s + d;
    const doubled = d * 2;
    return s + (doubled > 9 ? doubled - 9 : doubled);
  }, 0);
  return (10 - (sum % 10)) % 10;
}

const body = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 11, maxLength: 18 });

describe('luhnValid', () => {
  it('accepts every number that ends in its check digit', () => {
    fc.assert(fc.property(body, (b) => luhnValid(b + checkDigit(b))));
  });

  it('rejects the number when any single digit is changed', () => {
    fc.assert(
      fc.property(body, fc.nat(), fc.integer({ min: 1, max: 9 }), (b, at, delta) => {
        const valid = b + checkDigit(b);
        const i = at % valid.length;
        const changed = String((Number(valid[i]) + delta) % 10);
        return !luhnValid(valid.slice(0, i) + changed + valid.slice(i + 1));
      }),
    );
  });

  it('rejects non-digits and the empty string', () => {
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('4242 4242 4242 4242')).toBe(false);
    expect(luhnValid('42424242424242a2')).toBe(false);
  });

  it('every test card number is a valid card number', () => {
    for (const number of Object.keys(TEST_CARDS)) expect(luhnValid(number), number).toBe(true);
  });
});

describe('checkCardForm', () => {
  const good = { number: '4242 4242 4242 4242', expiry: '12 / 30', cvc: '123' };

  it('accepts a valid card and keeps only its digits', () => {
    expect(checkCardForm(good, NOW)).toEqual({
      ok: true,
      card: { number: '4242424242424242', expMonth: 12, expYear: 2030 },
    });
    expect(cardDigits('4000-0000-0000-0002')).toBe('4000000000000002');
  });

  it('names every invalid field, in the form order', () => {
    const result = checkCardForm({ number: '4242 4242 4242 4241', expiry: '13/30', cvc: '1' }, NOW);
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'number', message: 'Your card number is incomplete or not valid.' },
        { field: 'expiry', message: 'The expiry month must be 01 to 12.' },
        { field: 'cvc', message: 'The security code is 3 digits.' },
      ],
    });
  });

  it.each([
    ['', 'Enter the expiry date.'],
    ['1225', 'Your card has expired.'],
    ['10/26', 'Your card has expired.'],
    ['ab/cd', 'Enter the expiry date as MM / YY.'],
    ['00/30', 'The expiry month must be 01 to 12.'],
    ['01/2099', 'The expiry year is too far in the future.'],
  ])('expiry %j: %s', (expiry, message) => {
    const result = checkCardForm({ ...good, expiry }, NOW);
    expect(result).toEqual({ ok: false, errors: [{ field: 'expiry', message }] });
  });

  it('a card expiring this month still works; MM/YYYY is read too', () => {
    expect(checkCardForm({ ...good, expiry: '11/26' }, NOW).ok).toBe(true);
    expect(checkCardForm({ ...good, expiry: '11/2026' }, NOW).ok).toBe(true);
    expect(checkCardForm({ ...good, expiry: '1130' }, NOW).ok).toBe(true);
  });

  it('American Express takes a 4-digit CVC, others 3', () => {
    const amex = { number: '3782 822463 10005', expiry: '12/30' };
    expect(checkCardForm({ ...amex, cvc: '1234' }, NOW).ok).toBe(true);
    expect(checkCardForm({ ...amex, cvc: '123' }, NOW)).toEqual({
      ok: false,
      errors: [{ field: 'cvc', message: 'The security code is 4 digits.' }],
    });
    expect(checkCardForm({ ...good, cvc: '1234' }, NOW).ok).toBe(false);
  });

  it('empty fields each ask for their value', () => {
    const result = checkCardForm({ number: ' ', expiry: '', cvc: '' }, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toEqual(['number', 'expiry', 'cvc']);
  });
});

describe('sandboxTokenOf', () => {
  it('maps the classic test cards to the sandbox tokens, and nothing else', () => {
    const card = (number: string) => ({ number, expMonth: 12, expYear: 2030 });
    expect(sandboxTokenOf(card('4242424242424242'))).toBe('tok_visa');
    expect(sandboxTokenOf(card('4000000000000002'))).toBe('tok_chargeDeclined');
    expect(sandboxTokenOf(card('4000000000009995'))).toBe('tok_chargeDeclinedInsufficientFunds');
    expect(sandboxTokenOf(card('4000002500003155'))).toBe('tok_threeDSecureRequired');
    expect(sandboxTokenOf(card('4111111111111111'))).toBeNull();
  });
});
