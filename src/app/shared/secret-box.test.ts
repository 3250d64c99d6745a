import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, deriveSubkey, parseEncryptionKey } from './secret-box.js';

describe('secret box', () => {
  const key = randomBytes(32);
  const box = createSecretBox(key);

  it('opens what it sealed, and never shows the plaintext', () => {
    const sealed = box.seal('sk_test_51Hsecret', 'acct_1:test:secret_key');
    expect(sealed).toMatch(/^v2\.[\w-]+\.[\w-]+\.[\w-]+$/);
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

  it('seals under a subkey of the key, and still opens what was sealed under the key itself (v1)', () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from('acct_1:test:secret_key'));
    const body = Buffer.concat([cipher.update('sk_test_old', 'utf8'), cipher.final()]);
    const legacy = ['v1', iv, cipher.getAuthTag(), body].map((p) =>
      typeof p === 'string' ? p : p.toString('base64url'),
    );
    expect(box.open(legacy.join('.'), 'acct_1:test:secret_key')).toBe('sk_test_old');
    const relabelled = box.seal('sk_test_new', 'c').replace(/^v2\./, 'v1.');
    expect(() => box.open(relabelled, 'c')).toThrow();
    expect(deriveSubkey(key, 'secret-box v2')).not.toEqual(deriveSubkey(key, 'page csrf v1'));
    expect(deriveSubkey(key, 'page csrf v1')).toHaveLength(32);
  });

  it('reads a key as hex or base64, and refuses any other length', () => {
    expect(parseEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64url'))).toEqual(key);
    expect(() => parseEncryptionKey('short')).toThrow(/FLINT_ENCRYPTION_KEY/);
    expect(() => parseEncryptionKey(randomBytes(16).toString('hex'))).toThrow();
  });
});
