import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database, IdempotencyKeyRow } from '../schema.js';

function byKey(tenant: Tenant, key: string) {
  return {
    account_id: tenant.accountId,
    mode: tenant.mode,
    key,
  } as const;
}

export interface Claim {
  readonly tenant: Tenant;
  readonly key: string;
  readonly fingerprint: string;
  readonly now: Date;
  readonly expiresAt: Date;
}

/** Inserts an in-flight record; false when the key already has one. */
export async function insertIdempotencyKey(db: Kysely<Database>, claim: Claim): Promise<boolean> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({
      ...byKey(claim.tenant, claim.key),
      fingerprint: claim.fingerprint,
      state: 'in_flight',
      response_status: null,
      response_body: null,
      created_at: claim.now,
      locked_at: claim.now,
      expires_at: claim.expiresAt,
    })
    .onConflict((oc) => oc.columns(['account_id', 'mode', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Re-claims a record that expired, or whose request was abandoned in flight
 * (locked before `abandonedBefore`); false when someone else holds it.
 */
export async function reclaimIdempotencyKey(
  db: Kysely<Database>,
  claim: Claim,
  abandonedBefore: Date,
): Promise<boolean> {
  const { key, tenant } = claim;
  const updated = await db
    .updateTable('idempotency_keys')
    .set({
      fingerprint: claim.fingerprint,
      state: 'in_flight',
      response_status: null,
      response_body: null,
      created_at: claim.now,
      locked_at: claim.now,
      expires_at: claim.expiresAt,
    })
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode)
    .where('key', '=', key)
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', claim.now),
        eb.and([eb('state', '=', 'in_flight'), eb('locked_at', '<', abandonedBefore)]),
      ]),
    )
    .returning('key')
    .executeTakeFirst();
  return updated !== undefined;
}

export async function selectIdempotencyKey(
  db: Kysely<Database>,
  tenant: Tenant,
  key: string,
): Promise<IdempotencyKeyRow | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode)
    .where('key', '=', key)
    .executeTakeFirst();
}

export async function completeIdempotencyKey(
  db: Kysely<Database>,
  tenant: Tenant,
  key: string,
  response: { readonly status: number; readonly body: string },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ state: 'completed', response_status: response.status, response_body: response.body })
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode)
    .where('key', '=', key)
    .where('state', '=', 'in_flight')
    .execute();
}

/** Forgets an in-flight record so that a retry can run (after an unexpected failure). */
export async function releaseIdempotencyKey(
  db: Kysely<Database>,
  tenant: Tenant,
  key: string,
): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode)
    .where('key', '=', key)
    .where('state', '=', 'in_flight')
    .execute();
}

/** Deletes up to `batch` expired records; returns how many went. */
export async function deleteExpiredIdempotencyKeys(
  db: Kysely<Database>,
  now: Date,
  batch: number,
): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where(({ eb, selectFrom, refTuple }) =>
      eb(
        refTuple('account_id', 'mode', 'key'),
        'in',
        selectFrom('idempotency_keys')
          .select(['account_id', 'mode', 'key'])
          .where('expires_at', '<=', now)
          .limit(batch)
          .$asTuple('account_id', 'mode', 'key'),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
