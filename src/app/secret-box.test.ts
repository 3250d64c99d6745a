import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, parseEncryptionKey } from './secret-box.js';

describe('secret box', () => {
  const key = randomBytes(32);
  const box = createSecretBox(key);

  it('opens what it sealed, and never shows the plaintext', () => {
    const sealed = box.seal('sk_test_51Hsecret', 'acct_1:test:secret_key');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('secret');
    expect(box.open(sealed, 'acct_1:test:secret_key')).toBe('sk_test_51Hsecret');
  });

  it('seals the same secret differently every time', () => {
    expect(box.seal('same', 'c')).not.toBe(box.seal('same', 'c'));
  });

  it('refuses another context, another key, or an altered value', () => {
    const sealed = box.seal('sk_test_51Hsecret', 'acct_1:test:secret_key');
    expect(() => box.open(sealed, 'acct_2:test:secret_key')).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'acct_1:test:secret_key')).toThrow();
    const [v, iv, tag, body] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(() =>
      box.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'acct_1:test:secret_key'),
    ).toThrow();
    expect(() => box.open('garbage', 'c')).toThrow('not a sealed secret');
  });

  it('reads a key as hex or base64, and refuses any other length', () => {
    expect(parseEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64url'))).toEqual(key);
    expect(() => parseEncryptionKey('short')).toThrow(/FLINT_ENCRYPTION_KEY/);
    expect(() => parseEncryptionKey(randomBytes(16).toString('hex'))).toThrow();
  });
});
