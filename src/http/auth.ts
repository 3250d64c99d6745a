import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { authenticate, type Caller } from '../app/api-keys.js';
import type { Deps } from '../app/deps.js';
import type { Actor } from '../app/events.js';
import { ApiError, invalidApiKey } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the API-key hook on every authenticated route. */
    caller: Caller | null;
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** onRequest hook: the secret key selects the account and mode, or the request is a 401. */
export function apiKeyHook(deps: Deps) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request);
    const caller = token ? await authenticate(deps, token) : null;
    if (!caller) throw invalidApiKey();
    request.caller = caller;
  };
}

/** The authenticated caller of a route behind `apiKeyHook`. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error('route is not behind the API-key hook');
  return request.caller;
}

/** onRequest hook for the operator's admin API; without a configured token it is closed. */
export function adminTokenHook(adminToken: string | undefined) {
  const expected = adminToken ? Buffer.from(adminToken) : null;
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request);
    const given = token ? Buffer.from(token) : null;
    const valid =
      expected !== null &&
      given !== null &&
      given.length === expected.length &&
      timingSafeEqual(given, expected);
    if (!valid) throw invalidApiKey();
  };
}

/** The caller as the author of a change (the timeline's "who"). */
export function actorOf(request: FastifyRequest): Actor {
  return { type: 'api_key', id: callerOf(request).keyId };
}

/** Test helpers answer only test keys: a live key gets 403 `test_mode_only`. */
export function requireTestMode(caller: Caller): void {
  if (caller.mode !== 'test') {
    throw new ApiError(
      403,
      'forbidden',
      'Test helpers work only with a test key',
      'test_mode_only',
    );
  }
}
