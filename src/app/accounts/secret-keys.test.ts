import { describe, expect, it } from 'vitest';
import {
  generateSecretKey,
  hashSecretKey,
  isWellFormedSecretKey,
  modeOfSecretKey,
  redactSecretKey,
} from './secret-keys.js';

describe('secret keys', () => {
  it('generates well-formed keys of each mode, never the same twice', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const key = generateSecretKey(i % 2 ? 'live' : 'test');
      expect(isWellFormedSecretKey(key)).toBe(true);
      expect(modeOfSecretKey(key)).toBe(i % 2 ? 'live' : 'test');
      keys.add(key);
    }
    expect(keys.size).toBe(200);
  });

  it('hashes without revealing the key and redacts to the mode and last four', () => {
    const key = generateSecretKey('test');
    expect(hashSecretKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecretKey(key)).not.toContain(key.slice(8));
    expect(redactSecretKey(key)).toBe(`sk_test_…${key.slice(-4)}`);
  });

  it('rejects malformed keys', () => {
    for (const bad of [
      '',
      'sk_test_',
      `sk_prod_${'a'.repeat(32)}`,
      `pk_test_${'a'.repeat(32)}`,
      `sk_test_${'a'.repeat(31)}!`,
    ]) {
      expect(isWellFormedSecretKey(bad)).toBe(false);
    }
  });
});
