import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database, IdempotencyKeyRow } from '../schema.js';
import { scoped } from '../scoped.js';

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
  /** The instance that runs the request (`flint_instances`); null for none (timer only). */
  readonly ownerInstanceId: string | null;
}

/** A record in flight for `claim`, as a new claim or a re-claim writes it (same columns, same order). */
function inFlight(claim: Claim) {
  return {
    fingerprint: claim.fingerprint,
    state: 'in_flight',
    response_status: null,
    response_body: null,
    created_at: claim.now,
    locked_at: claim.now,
    expires_at: claim.expiresAt,
    owner_instance_id: claim.ownerInstanceId,
  } as const;
}

/** Whether the instance that claimed a key still lives, by the database's clock. */
function ownerAlive(eb: ExpressionBuilder<Database, 'idempotency_keys'>) {
  return eb.exists(
    eb
      .selectFrom('flint_instances')
      .select('flint_instances.id')
      .whereRef('flint_instances.id', '=', 'idempotency_keys.owner_instance_id')
      .where('flint_instances.alive_until', '>', sql<Date>`now()`),
  );
}

/** An in-flight record whose request nobody runs any more, so a retry may run it. */
function abandoned(eb: ExpressionBuilder<Database, 'idempotency_keys'>, ownerlessBefore: Date) {
  return eb.and([
    eb('state', '=', 'in_flight'),
    eb.or([
      eb.and([eb('owner_instance_id', 'is not', null), eb.not(ownerAlive(eb))]),
      eb.and([eb('owner_instance_id', 'is', null), eb('locked_at', '<', ownerlessBefore)]),
    ]),
  ]);
}

/** Inserts an in-flight record; false when the key already has one. */
export async function insertIdempotencyKey(db: Kysely<Database>, claim: Claim): Promise<boolean> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({ ...byKey(claim.tenant, claim.key), ...inFlight(claim) })
    .onConflict((oc) => oc.columns(['account_id', 'mode', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Re-claims a record that expired, or whose request was abandoned in flight: its owner
 * instance is dead, or, for a record that names none, it was locked before
 * `ownerlessBefore`. False when someone else holds it.
 */
export async function reclaimIdempotencyKey(
  db: Kysely<Database>,
  claim: Claim,
  ownerlessBefore: Date,
): Promise<boolean> {
  const { key, tenant } = claim;
  const updated = await db
    .updateTable('idempotency_keys')
    .set(inFlight(claim))
    .$call(scoped(tenant))
    .where('key', '=', key)
    .where((eb) => eb.or([eb('expires_at', '<=', claim.now), abandoned(eb, ownerlessBefore)]))
    .returning('key')
    .executeTakeFirst();
  return updated !== undefined;
}

/** A key's record, and whether the request it records was abandoned in flight. */
export async function selectIdempotencyKey(
  db: Kysely<Database>,
  tenant: Tenant,
  key: string,
  ownerlessBefore = new Date(0),
): Promise<(IdempotencyKeyRow & { abandoned: boolean }) | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .select((eb) => abandoned(eb, ownerlessBefore).$castTo<boolean>().as('abandoned'))
    .$call(scoped(tenant))
    .where('key', '=', key)
    .executeTakeFirst();
}

/** The write that completes an in-flight record with the response to replay. */
export function completeIdempotencyKeyQuery(
  db: Kysely<Database>,
  tenant: Tenant,
  key: string,
  response: { readonly status: number; readonly body: string },
) {
  return db
    .updateTable('idempotency_keys')
    .set({ state: 'completed', response_status: response.status, response_body: response.body })
    .$call(scoped(tenant))
    .where('key', '=', key)
    .where('state', '=', 'in_flight');
}

export async function completeIdempotencyKey(
  db: Kysely<Database>,
  tenant: Tenant,
  key: string,
  response: { readonly status: number; readonly body: string },
): Promise<void> {
  await completeIdempotencyKeyQuery(db, tenant, key, response).execute();
}

/** Forgets an in-flight record so that a retry can run (after an unexpected failure). */
export async function releaseIdempotencyKey(
  db: Kysely<Database>,
  tenant: Tenant,
  key: string,
): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .$call(scoped(tenant))
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
