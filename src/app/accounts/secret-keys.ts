import { createHash, randomBytes } from 'node:crypto';
import type { Mode } from '../../domain/tenant.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET_PATTERN = /^sk_(test|live)_[0-9A-Za-z]{32}$/;

/** A new secret key (`sk_test_…` / `sk_live_…`) with 190 bits of entropy. */
export function generateSecretKey(mode: Mode): string {
  const bytes = randomBytes(32);
  let body = '';
  // 256 is a multiple of 62 plus 8: reject the top values so every character is uniform.
  for (const byte of bytes) if (byte < 248) body += ALPHABET[byte % 62];
  while (body.length < 32) {
    const byte = randomBytes(1)[0] as number;
    if (byte < 248) body += ALPHABET[byte % 62];
  }
  return `sk_${mode}_${body.slice(0, 32)}`;
}

/** Keys are high-entropy random strings, so one SHA-256 is a sufficient, fast lookup hash. */
export function hashSecretKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function isWellFormedSecretKey(secret: string): boolean {
  return SECRET_PATTERN.test(secret);
}

export function modeOfSecretKey(secret: string): Mode {
  return secret.startsWith('sk_live_') ? 'live' : 'test';
}

/** What a key looks like in lists: its mode and last four characters. */
export function redactSecretKey(secret: string): string {
  return `${secret.slice(0, 8)}…${secret.slice(-4)}`;
}
