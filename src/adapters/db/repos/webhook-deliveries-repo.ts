import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { rowsFromJson } from '../json-rows.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { Database, EventRow } from '../schema.js';
import type {
  WebhookDeliveryAttemptRow,
  WebhookDeliveryRow,
  WebhookEndpointRow,
} from '../schema-webhooks.js';
import { scoped } from '../scoped.js';
import type { WorkerScope } from './webhook-outbox-repo.js';

/** Rows per insert: 14 columns each, well under PostgreSQL's 65,535 parameters a statement. */
const INSERT_CHUNK = 1000;

export async function insertWebhookDeliveries(
  db: Kysely<Database>,
  rows: readonly WebhookDeliveryRow[],
): Promise<void> {
  for (let at = 0; at < rows.length; at += INSERT_CHUNK) {
    await db
      .insertInto('webhook_deliveries')
      .values(rows.slice(at, at + INSERT_CHUNK))
      .execute();
  }
}

/**
 * The database's clock, to the millisecond (what a JS Date holds, so a lease read back
 * compares equal): leases are set and checked by it, never by a process's own clock, so
 * workers on machines whose clocks disagree still agree on when a lease has run out.
 */
export const DB_NOW = sql<Date>`date_trunc('milliseconds', now())`;

/**
 * Takes a lease on up to `limit` due deliveries (rows another worker holds are skipped) and
 * returns them with their new `locked_until`. The lease is the claim: the sender commits it
 * before it sends, so a crashed worker's deliveries are taken over once `leaseMs` has passed
 * by the database's clock. `now` (the worker's clock) only decides which attempts are due.
 */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  scope: WorkerScope,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<Array<WebhookDeliveryRow & { locked_until: Date }>> {
  if (scope.accountIds?.length === 0) return [];
  let due = db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', DB_NOW)]));
  if (scope.accountIds) due = due.where('account_id', 'in', scope.accountIds);
  const claimed = await db
    .updateTable('webhook_deliveries')
    .set({ locked_until: sql<Date>`${DB_NOW} + ${leaseMs} * interval '1 millisecond'` })
    .where('id', 'in', due.orderBy('next_attempt_at').limit(limit).forUpdate().skipLocked())
    .returningAll()
    .execute();
  return claimed as Array<WebhookDeliveryRow & { locked_until: Date }>;
}

/** The endpoints of claimed deliveries as they are now (same account and mode), by delivery id. */
export async function selectEndpointsOfDeliveries(
  db: Kysely<Database>,
  deliveryIds: readonly string[],
): Promise<Map<string, WebhookEndpointRow>> {
  return selectOfDeliveries(db, deliveryIds, 'webhook_endpoints as ep', 'endpoint_id');
}

/** The events of claimed deliveries (same account and mode), by delivery id. */
export async function selectEventsOfDeliveries(
  db: Kysely<Database>,
  deliveryIds: readonly string[],
): Promise<Map<string, EventRow>> {
  return selectOfDeliveries(db, deliveryIds, 'events as ev', 'event_id');
}

// Kysely cannot resolve the columns of a table its caller names: untyped inside, typed by
// the two functions above, which are all that use it.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Untyped = Kysely<any>;

/** The row each delivery's `column` names in `joined`, of the delivery's account and mode. */
async function selectOfDeliveries<R>(
  db: Kysely<Database>,
  deliveryIds: readonly string[],
  joined: `${string} as ${string}`,
  column: 'endpoint_id' | 'event_id',
): Promise<Map<string, R>> {
  if (deliveryIds.length === 0) return new Map();
  const alias = joined.slice(joined.indexOf(' as ') + 4);
  const rows = await (db as unknown as Untyped)
    .selectFrom('webhook_deliveries as d')
    .innerJoin(joined, (join) =>
      join
        .onRef(`${alias}.id`, '=', `d.${column}`)
        .onRef(`${alias}.account_id`, '=', 'd.account_id')
        .onRef(`${alias}.mode`, '=', 'd.mode'),
    )
    .selectAll(alias)
    .select('d.id as delivery_id')
    .where('d.id', 'in', deliveryIds)
    .execute();
  return new Map(rows.map(({ delivery_id, ...row }) => [delivery_id as string, row as R]));
}

export type DeliveryChanges = Partial<
  Pick<
    WebhookDeliveryRow,
    | 'status'
    | 'attempt_count'
    | 'next_attempt_at'
    | 'locked_until'
    | 'last_response_status'
    | 'last_error'
    | 'delivered_at'
  >
> &
  Pick<WebhookDeliveryRow, 'updated_at'>;

/**
 * Records what an attempt changed, only while the caller still holds its lease on a pending
 * delivery; false when it does not (the lease ran out and another worker took over).
 */
export async function updateLeasedDelivery(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
  lease: Date,
  changes: DeliveryChanges,
): Promise<boolean> {
  const updated = await db
    .updateTable('webhook_deliveries')
    .set(changes)
    .$call(scoped(scope))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('locked_until', '=', lease)
    .returning('id')
    .execute();
  return updated.length > 0;
}

export async function insertDeliveryAttempt(
  db: Kysely<Database>,
  row: WebhookDeliveryAttemptRow,
): Promise<void> {
  await db.insertInto('webhook_delivery_attempts').values(row).execute();
}

/**
 * Ends the pending deliveries of an endpoint that will not be sent (it was disabled or
 * deleted). One being sent right now is left to its worker, which records its outcome.
 */
export async function failPendingDeliveries(
  db: Kysely<Database>,
  scope: Tenant,
  endpointId: string,
  now: Date,
  error: string,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', next_attempt_at: null, last_error: error, updated_at: now })
    .$call(scoped(scope))
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', DB_NOW)]))
    .execute();
}

export interface DeliveryWithAttempts extends WebhookDeliveryRow {
  readonly event_type: string;
  readonly attempts: WebhookDeliveryAttemptRow[];
}

function deliveriesWithAttempts(db: Kysely<Database>, scope: Tenant) {
  return db
    .selectFrom('webhook_deliveries as d')
    .selectAll('d')
    .select([
      sql<string>`(select ev.type from events ev where ev.id = d.event_id)`.as('event_type'),
      sql<unknown>`(select coalesce(json_agg(a order by a.attempt), '[]')
        from webhook_delivery_attempts a where a.delivery_id = d.id)`.as('attempts'),
    ])
    .$call(scoped(scope, 'd'));
}

function withAttempts(row: WebhookDeliveryRow & { event_type: string; attempts: unknown }) {
  return {
    ...row,
    attempts: rowsFromJson<WebhookDeliveryAttemptRow>(row.attempts, ['started_at']),
  };
}

/** An endpoint's delivery log, newest first, each delivery with its attempts. */
export async function listDeliveriesOfEndpoint(
  db: Kysely<Database>,
  scope: Tenant,
  endpointId: string,
  filter: { readonly eventId?: string | undefined },
  page: PageRequest,
): Promise<Page<DeliveryWithAttempts>> {
  let query = deliveriesWithAttempts(db, scope).where('d.endpoint_id', '=', endpointId);
  if (filter.eventId !== undefined) query = query.where('d.event_id', '=', filter.eventId);
  const result = await fetchPage(query, 'd.id', page);
  return { ...result, items: result.items.map(withAttempts) };
}
