import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  completeIdempotencyKey,
  completeIdempotencyKeyQuery,
  insertIdempotencyKey,
  reclaimIdempotencyKey,
  releaseIdempotencyKey,
  selectIdempotencyKey,
} from '../adapters/db/repos/idempotency-repo.js';
import type { IdempotencyKeyRow } from '../adapters/db/schema.js';
import type { AnswerOnce } from '../app/shared/answer-once.js';
import type { Deps } from '../app/shared/deps.js';
import type { Tenant } from '../domain/tenant.js';
import { callerOf } from './auth.js';
import { ApiError } from './errors.js';

export interface IdempotencyOptions {
  /** How long replays are kept (PRODUCT.md: 24 h). */
  readonly retentionMs: number;
  /** How long a duplicate waits for the first request to finish before it gets a 409. */
  readonly waitMs: number;
  /**
   * The instance (`src/app/shared/instances.ts`) this server's claims name: a record in flight is
   * abandoned, and re-run by a retry, as soon as its instance is dead. Null: claims name
   * none, and are abandoned only after `ownerlessAbandonAfterMs`.
   */
  readonly ownerInstanceId: string | null;
  /** When a record naming no instance (one written before instances existed) was abandoned. */
  readonly ownerlessAbandonAfterMs: number;
}

export const DEFAULT_IDEMPOTENCY: IdempotencyOptions = {
  retentionMs: 24 * 60 * 60 * 1000,
  waitMs: 5_000,
  ownerInstanceId: null,
  ownerlessAbandonAfterMs: 5 * 60 * 1000,
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Response fields that must never be stored (a new secret key): the stored replay
     * leaves them out, so a secret is still shown exactly once.
     */
    secretFields?: readonly (readonly string[])[];
  }
  interface FastifyRequest {
    /** The idempotency record this request owns until its response is recorded. */
    idempotencyClaim: IdempotencyClaim | null;
  }
}

interface StoredAnswer {
  readonly status: number;
  readonly body: string;
}

interface IdempotencyClaim {
  readonly tenant: Tenant;
  readonly key: string;
  /** The answer the command stored with its outcome (`answerOnce`), if it did. */
  answered: StoredAnswer | null;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

function idempotencyKeyOf(request: FastifyRequest): string | null {
  const header = request.headers['idempotency-key'];
  const body = request.body as { idempotency_key?: unknown } | undefined;
  const fromBody = typeof body?.idempotency_key === 'string' ? body.idempotency_key : undefined;
  if (header === undefined) return fromBody ?? null;
  if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
    throw new ApiError(
      'idempotency_key_invalid',
      'Idempotency-Key must be 1 to 255 printable ASCII characters',
    );
  }
  if (fromBody !== undefined && fromBody !== header) {
    throw new ApiError(
      'idempotency_key_invalid',
      'Idempotency-Key header and idempotency_key field differ',
    );
  }
  return header;
}

/** JSON with sorted keys, so that key order and whitespace do not change the fingerprint. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fingerprintOf(request: FastifyRequest): string {
  const { idempotency_key: _ignored, ...body } = (request.body ?? {}) as Record<string, unknown>;
  const path = request.url.split('?')[0];
  return createHash('sha256')
    .update(`${request.method} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

type ClaimOutcome =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'replay'; readonly row: IdempotencyKeyRow }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'in_flight' };

async function claimKey(
  deps: Deps,
  options: IdempotencyOptions,
  tenant: Tenant,
  key: string,
  fingerprint: string,
): Promise<ClaimOutcome> {
  const giveUpAt = Date.now() + options.waitMs;
  let pause = 5;
  for (;;) {
    const now = deps.clock.now();
    const claim = {
      tenant,
      key,
      fingerprint,
      now,
      expiresAt: new Date(now.getTime() + options.retentionMs),
      ownerInstanceId: options.ownerInstanceId,
    };
    if (await insertIdempotencyKey(deps.db, claim)) return { kind: 'claimed' };
    const ownerlessBefore = new Date(now.getTime() - options.ownerlessAbandonAfterMs);
    const row = await selectIdempotencyKey(deps.db, tenant, key, ownerlessBefore);
    if (!row) continue; // released between our insert and select: try again
    if (row.expires_at <= now || row.abandoned) {
      // Expired, or its process died: the retry runs the request again, which resumes a payment or
      // refund the dead one started (by its request key) instead of starting another.
      if (await reclaimIdempotencyKey(deps.db, claim, ownerlessBefore)) return { kind: 'claimed' };
      continue;
    }
    if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (row.state === 'completed') return { kind: 'replay', row };
    if (Date.now() >= giveUpAt) return { kind: 'in_flight' };
    await sleep(pause);
    pause = Math.min(pause * 2, 100);
  }
}

function withoutFields(json: string, paths: readonly (readonly string[])[]): string {
  const body = JSON.parse(json) as Record<string, unknown>;
  for (const path of paths) {
    let node: unknown = body;
    for (const key of path.slice(0, -1))
      node = (node as Record<string, unknown> | undefined)?.[key];
    const last = path[path.length - 1];
    if (node && typeof node === 'object' && last !== undefined)
      delete (node as Record<string, unknown>)[last];
  }
  return JSON.stringify(body);
}

function replay(reply: FastifyReply, row: IdempotencyKeyRow): FastifyReply {
  return reply
    .code(row.response_status ?? 200)
    .header('idempotent-replayed', 'true')
    .type('application/json; charset=utf-8')
    .send(row.response_body ?? '');
}

/**
 * Idempotency for POST and PATCH (PRODUCT.md §1): the first response for a key is
 * stored — by a payment or refund in the transaction that records its outcome
 * (`answerOnce`), otherwise once the route answered — and replayed byte for byte; a different body is a 422; a duplicate that
 * arrives while the first still runs waits for it, then gets a 409 if it is still
 * running; a 500 releases the key so that a retry can run, and so does the death of
 * the instance that ran it (a crash). Fields a route marks as
 * `secretFields` are left out of the stored response.
 */
export function registerIdempotency(
  api: FastifyInstance,
  deps: Deps,
  options: IdempotencyOptions,
): void {
  api.decorateRequest('idempotencyClaim', null);

  api.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' && request.method !== 'PATCH') return;
    const key = idempotencyKeyOf(request);
    if (key === null) return;
    const caller = callerOf(request);
    const tenant: Tenant = { accountId: caller.accountId, mode: caller.mode };
    const outcome = await claimKey(deps, options, tenant, key, fingerprintOf(request));
    switch (outcome.kind) {
      case 'claimed':
        request.idempotencyClaim = { tenant, key, answered: null };
        return;
      case 'replay':
        return replay(reply, outcome.row);
      case 'mismatch':
        throw new ApiError(
          'idempotency_key_reused',
          'Keys for idempotent requests can only be used with the same parameters they were first used with',
        );
      case 'in_flight':
        throw new ApiError(
          'idempotency_key_in_use',
          'A request with this idempotency key is still being processed; retry later',
        );
    }
  });

  api.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    request.idempotencyClaim = null;
    // Only an unexpected crash (500) frees the key for a retry. A processor error (502)
    // may follow a charge that went through: its answer is kept, so a retry replays it
    // instead of charging again.
    if (reply.statusCode === 500 || typeof payload !== 'string') {
      await releaseIdempotencyKey(deps.db, claim.tenant, claim.key);
    } else if (claim.answered?.body !== payload || claim.answered.status !== reply.statusCode) {
      // Unless the command stored this very answer with its outcome (`answerOnce`).
      const secrets = request.routeOptions.config.secretFields;
      await completeIdempotencyKey(deps.db, claim.tenant, claim.key, {
        status: reply.statusCode,
        body: secrets && reply.statusCode < 300 ? withoutFields(payload, secrets) : payload,
      });
    }
    return payload;
  });
}

/** A route's answer: its status and the object its response schema serializes. */
export interface RouteAnswer {
  readonly status: number;
  readonly body: unknown;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * For a route whose command records an outcome (a payment's or a refund's answer): the
 * `AnswerOnce` that completes the request's key in the outcome's own transaction, with the
 * response `respond` builds from the command's result, serialized exactly as the route
 * sends it. Undefined for a request without a key. The route then answers with
 * `sendAnswer`, and the key needs no completion of its own afterwards.
 */
export function answerOnce<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  respond: (result: T) => RouteAnswer,
): AnswerOnce<T> | undefined {
  const claim = request.idempotencyClaim;
  if (!claim) return undefined;
  return (tx, result) => {
    const { status, body } = respond(result);
    const serialized = reply.code(status).serialize(body);
    // The route's JSON serializer answers with text.
    const text = String(serialized);
    const secrets = request.routeOptions.config.secretFields;
    const stored = secrets && status < 300 ? withoutFields(text, secrets) : text;
    claim.answered = { status, body: text };
    return completeIdempotencyKeyQuery(tx, claim.tenant, claim.key, { status, body: stored });
  };
}

/**
 * Sends a route's answer: the one its command stored with the outcome, byte for byte
 * what a replay of the key sends, or else `answer()` as any route would.
 */
export function sendAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  answer: () => RouteAnswer,
): FastifyReply {
  const stored = request.idempotencyClaim?.answered;
  if (stored) return reply.code(stored.status).type(JSON_TYPE).send(stored.body);
  const { status, body } = answer();
  if (status >= 400) reply.type('application/json');
  return reply.code(status).send(body);
}
