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

describe('FLINT_SMTP_URL and FLINT_MAIL_FROM', () => {
  it('are both set or neither', () => {
    expect(configFromEnv({}).smtp).toBeUndefined();
    expect(
      configFromEnv({
        FLINT_SMTP_URL: 'smtp://user:pw@mail.example:587',
        FLINT_MAIL_FROM: 'Shop <billing@shop.example>',
      }).smtp,
    ).toEqual({ url: 'smtp://user:pw@mail.example:587', from: 'Shop <billing@shop.example>' });
    expect(() => configFromEnv({ FLINT_SMTP_URL: 'smtp://mail.example' })).toThrow(
      /FLINT_MAIL_FROM/,
    );
    expect(() => configFromEnv({ FLINT_MAIL_FROM: 'billing@shop.example' })).toThrow(
      /FLINT_SMTP_URL/,
    );
  });

  it.each([
    ['https://mail.example', 'billing@shop.example', /smtp:\/\//],
    ['not a url', 'billing@shop.example', /smtp:\/\//],
    ['smtp://mail.example', 'billing', /FLINT_MAIL_FROM/],
    ['smtp://mail.example', 'a@b.example\nBcc: c@d.example', /FLINT_MAIL_FROM/],
  ])('refuses %s as %s', (url, from, message) => {
    expect(() => configFromEnv({ FLINT_SMTP_URL: url, FLINT_MAIL_FROM: from })).toThrow(message);
  });
});
