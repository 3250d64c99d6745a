import { describe, expect, it } from 'vitest';
import { currencyExponent, normalizeCurrency, SUPPORTED_CURRENCIES } from './currency.js';

describe('currency', () => {
  it('knows the minor-unit exponents of USD, JPY and KWD', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
  });

  it('accepts either case and rejects codes outside ISO 4217', () => {
    expect(normalizeCurrency('usd')).toBe('USD');
    expect(normalizeCurrency('Eur')).toBe('EUR');
    expect(normalizeCurrency('ABC')).toBeNull();
    expect(normalizeCurrency('')).toBeNull();
  });

  it('lists every code once', () => {
    expect(new Set(SUPPORTED_CURRENCIES).size).toBe(SUPPORTED_CURRENCIES.length);
    expect(SUPPORTED_CURRENCIES.length).toBeGreaterThan(150);
    expect(() => currencyExponent('XXX')).toThrow();
  });
});
