import { describe, expect, it } from 'vitest';
import { configFromEnv, parsePublicUrl } from './config.js';

describe('FLINT_PUBLIC_URL', () => {
  it('keeps the origin and path prefix, without the trailing slash', () => {
    expect(parsePublicUrl('https://Pay.Example.com/')).toBe('https://pay.example.com');
    expect(parsePublicUrl('https://pay.example.com/flint/')).toBe('https://pay.example.com/flint');
    expect(parsePublicUrl('http://127.0.0.1:4242')).toBe('http://127.0.0.1:4242');
    expect(parsePublicUrl(undefined)).toBeUndefined();
    expect(parsePublicUrl('')).toBeUndefined();
  });

  it.each([
    'pay.example.com',
    'ftp://pay.example.com',
    'https://user:pw@pay.example.com',
    'https://pay.example.com/?a=b',
    'https://pay.example.com/#top',
  ])('refuses %s', (value) => {
    expect(() => configFromEnv({ FLINT_PUBLIC_URL: value })).toThrow(/FLINT_PUBLIC_URL/);
  });
});
