import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals secrets a merchant gives Flint (a Stripe secret key, a webhook secret) with
 * AES-256-GCM under a subkey of the server's key (`FLINT_ENCRYPTION_KEY`), so the database
 * alone reveals nothing. `context` (e.g. the account, mode and field) is bound as additional
 * authenticated data: a sealed value copied to another account or field does not open.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  /** Throws when the value was sealed under another key or context, or was altered. */
  open(sealed: string, context: string): string;
}

/** Sealed under the sealing subkey; `v1` values (sealed under the key itself) still open. */
const VERSION = 'v2';
const LEGACY_VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;

/** A 32-byte key written as 64 hex characters or as base64 (standard or URL-safe). */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64')
      : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) {
    throw new Error(
      'FLINT_ENCRYPTION_KEY must be 32 random bytes, as 64 hex characters or base64 (e.g. `openssl rand -base64 32`)',
    );
  }
  return key;
}

/** What a subkey of `FLINT_ENCRYPTION_KEY` is for: one subkey per use, never the key itself. */
export type KeyPurpose = 'secret-box v2' | 'page csrf v1';

/** A 32-byte subkey of the server's key for one purpose (HKDF-SHA-256). */
export function deriveSubkey(key: Buffer, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', key, 'flint', purpose, KEY_BYTES));
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new Error('the encryption key must be 32 bytes');
  const secretKey = deriveSubkey(key, 'secret-box v2');
  const legacyKey = Buffer.from(key);
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', secretKey, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
      return [VERSION, ...parts].join('.');
    },
    open(sealed, context) {
      const [version, iv, tag, body, ...rest] = sealed.split('.');
      const known = version === VERSION || version === LEGACY_VERSION;
      if (!known || !iv || !tag || body === undefined || rest.length > 0) {
        throw new Error('not a sealed secret');
      }
      const openingKey = version === VERSION ? secretKey : legacyKey;
      const decipher = createDecipheriv('aes-256-gcm', openingKey, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}
