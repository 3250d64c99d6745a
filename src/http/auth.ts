import { timingSafeEqual } from 'node:crypto';
import type { FastifyContextConfig, FastifyRequest, FastifySchema } from 'fastify';
import { authenticate, type Caller } from '../app/accounts/api-keys.js';
import type { Actor } from '../app/events/record-events.js';
import type { RequestContext } from '../app/shared/command-context.js';
import type { Deps } from '../app/shared/deps.js';
import { ApiError, invalidApiKey } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the API-key hook on every authenticated route. */
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /**
     * `account`: the route changes what is shared by both modes (the account, its console
     * users), so only a live key may call it; a test key gets 403 `live_key_required`.
     */
    scope?: 'account';
  }
}

/** Route config of a change to the whole account (both modes): live key only. */
export const ACCOUNT_WIDE = { scope: 'account' } as const;

/** The security scheme `/openapi.json` names on the routes only a live key may call. */
export const LIVE_KEY_SECURITY = [{ liveKey: [] }];

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * onRequest hook: the secret key selects the account and mode, or the request is a 401.
 * A test key never changes what live mode shares (the account, its console users: an
 * owner could mint live keys): on an `ACCOUNT_WIDE` route it is a 403.
 */
export function apiKeyHook(deps: Deps) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request);
    const caller = token ? await authenticate(deps, token) : null;
    if (!caller) throw invalidApiKey();
    request.caller = caller;
    if (request.routeOptions.config.scope === 'account' && caller.mode !== 'live') {
      throw new ApiError(
        'live_key_required',
        'Only a live key can change the account or its console users',
      );
    }
  };
}

/** OpenAPI: an `ACCOUNT_WIDE` route documents that it needs a live key (swagger `transform`). */
export function documentLiveKeyRoutes({
  schema,
  url,
  route,
}: {
  schema: FastifySchema;
  url: string;
  route: { config?: FastifyContextConfig };
}) {
  const liveKeyOnly = route.config?.scope === 'account';
  return { schema: liveKeyOnly ? { ...schema, security: LIVE_KEY_SECURITY } : schema, url };
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

/**
 * The command context of a request behind the API-key hook, built once per request: its
 * caller as the tenant and the author, its claimed `Idempotency-Key` — and the caller and
 * request themselves, for a route's own use. A plain literal: every request builds one.
 */
export function commandContextOf(
  request: FastifyRequest,
  deps: Deps,
): RequestContext & { readonly caller: Caller; readonly request: FastifyRequest } {
  const caller = callerOf(request);
  return {
    deps,
    tenant: caller,
    actor: { type: 'api_key', id: caller.keyId },
    requestKey: request.idempotencyClaim?.key ?? null,
    caller,
    request,
  };
}

/** Test helpers answer only test keys: a live key gets 403 `test_mode_only`. */
export function requireTestMode(caller: Caller): void {
  if (caller.mode !== 'test') {
    throw new ApiError('test_mode_only', 'Test helpers work only with a test key');
  }
}
