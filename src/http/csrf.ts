import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { deriveSubkey } from '../app/shared/secret-box.js';

/**
 * CSRF protection for the server-rendered pages (signed double-submit): the browser gets
 * a random `SameSite=Strict`, `HttpOnly` cookie, and every form carries an HMAC of it and
 * of what the form acts on. A form posted from another site arrives without the cookie
 * (or without the matching token) and is refused. The key is a subkey of the server's
 * encryption key, so a form rendered by one process is accepted by any other; only an
 * embedded setup without a key (tests) signs with a key of this process alone.
 */
export interface Csrf {
  /** The token for a form about `scope` (e.g. a checkout session id); sets the cookie. */
  issue(request: FastifyRequest, reply: FastifyReply, scope: string): string;
  /** Whether `token` was issued to this browser for `scope`. */
  verify(request: FastifyRequest, scope: string, token: unknown): boolean;
}

export const CSRF_COOKIE = 'flint_csrf';

export function createCsrf(encryptionKey: Buffer | undefined): Csrf {
  const key = encryptionKey ? deriveSubkey(encryptionKey, 'page csrf v1') : randomBytes(32);
  const sign = (cookie: string, scope: string) =>
    createHmac('sha256', key).update(`${cookie}|${scope}`).digest('base64url');

  return {
    issue(request, reply, scope) {
      let cookie = request.cookies[CSRF_COOKIE];
      if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) {
        cookie = randomBytes(32).toString('base64url');
        reply.setCookie(CSRF_COOKIE, cookie, {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure: request.protocol === 'https',
        });
      }
      return sign(cookie, scope);
    },
    verify(request, scope, token) {
      const cookie = request.cookies[CSRF_COOKIE];
      if (!cookie || typeof token !== 'string') return false;
      const expected = Buffer.from(sign(cookie, scope));
      const given = Buffer.from(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
