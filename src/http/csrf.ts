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
  /**
   * A form inside a cross-site frame (embedded pay), where a `SameSite=Strict` cookie is
   * never sent: a token bound to `scope` alone (a fresh nonce and its HMAC under the
   * server's key), no cookie. Checked by `verifyBound` with the request's fetch metadata.
   */
  issueBound(scope: string): string;
  /**
   * Whether `token` was issued for `scope` by a Flint process, and the request was sent
   * by a page of Flint's own origin (`sentFromOwnOrigin`): the defence of a framed form.
   */
  verifyBound(
    request: FastifyRequest,
    scope: string,
    token: unknown,
    ownOrigins: readonly string[],
  ): boolean;
}

export const CSRF_COOKIE = 'flint_csrf';

export function createCsrf(encryptionKey: Buffer | undefined): Csrf {
  const key = encryptionKey ? deriveSubkey(encryptionKey, 'page csrf v1') : randomBytes(32);
  const sign = (cookie: string, scope: string) =>
    createHmac('sha256', key).update(`${cookie}|${scope}`).digest('base64url');
  const signBound = (nonce: string, scope: string) =>
    createHmac('sha256', key).update(`bound|${nonce}|${scope}`).digest('base64url');

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
      return sameText(token, sign(cookie, scope));
    },
    issueBound(scope) {
      const nonce = randomBytes(16).toString('base64url');
      return `${nonce}.${signBound(nonce, scope)}`;
    },
    verifyBound(request, scope, token, ownOrigins) {
      if (typeof token !== 'string' || !sentFromOwnOrigin(request, ownOrigins)) return false;
      const [nonce, signature, ...rest] = token.split('.');
      if (rest.length > 0 || !nonce || !BOUND_NONCE.test(nonce) || signature === undefined) {
        return false;
      }
      return sameText(signature, signBound(nonce, scope));
    },
  };
}

const BOUND_NONCE = /^[A-Za-z0-9_-]{22}$/;

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether the browser says the request came from one of Flint's own pages: its
 * `Sec-Fetch-Site` (when sent) is `same-origin` and its `Origin` (when sent) is one of
 * `ownOrigins`. A browser sends at least one of them with every form POST; a page of
 * another site cannot make it send either value. A client that is no browser sends
 * neither, and is held by the token alone.
 */
export function sentFromOwnOrigin(request: FastifyRequest, ownOrigins: readonly string[]): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = request.headers.origin;
  return origin === undefined || ownOrigins.includes(origin);
}
