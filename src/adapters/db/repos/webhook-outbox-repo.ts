import { type Kysely, sql } from 'kysely';
import type { Mode } from '../../../domain/tenant.js';
import type { Database } from '../schema.js';

/**
 * The webhook worker's side of the outbox. It serves every tenant, so it claims events
 * across accounts; `accountIds` narrows it (tests sharing one database run their own).
 */
export interface WorkerScope {
  readonly accountIds?: readonly string[] | undefined;
}

export interface UndispatchedEvent {
  readonly id: string;
  readonly account_id: string;
  readonly mode: Mode;
}

/** Locks a batch of events not yet fanned out; events other workers hold are skipped. */
export async function claimUndispatchedEvents(
  db: Kysely<Database>,
  scope: WorkerScope,
  limit: number,
): Promise<UndispatchedEvent[]> {
  let query = db
    .selectFrom('events')
    .select(['id', 'account_id', 'mode'])
    .where('dispatched_at', 'is', null);
  if (scope.accountIds) {
    if (scope.accountIds.length === 0) return [];
    query = query.where('account_id', 'in', scope.accountIds);
  }
  return query.orderBy('id').limit(limit).forUpdate().skipLocked().execute();
}

export interface Subscription {
  readonly event_id: string;
  readonly endpoint_id: string;
  readonly account_id: string;
  readonly mode: Mode;
}

/**
 * For each event, the endpoints of its account and mode that are enabled, subscribed to its
 * type and existed when it happened (events from before an endpoint are not sent to it).
 */
export async function selectSubscriptions(
  db: Kysely<Database>,
  eventIds: readonly string[],
): Promise<Subscription[]> {
  if (eventIds.length === 0) return [];
  return db
    .selectFrom('events as ev')
    .innerJoin('webhook_endpoints as ep', (join) =>
      join.onRef('ep.account_id', '=', 'ev.account_id').onRef('ep.mode', '=', 'ev.mode'),
    )
    .select(['ev.id as event_id', 'ep.id as endpoint_id', 'ev.account_id', 'ev.mode'])
    .where('ev.id', 'in', eventIds)
    .where('ep.status', '=', 'enabled')
    .where('ep.deleted_at', 'is', null)
    .whereRef('ep.created_at', '<=', 'ev.created_at')
    .where(
      sql<boolean>`(ep.enabled_events @> '["*"]'::jsonb or ep.enabled_events @> jsonb_build_array(ev.type))`,
    )
    .orderBy('ev.id')
    .orderBy('ep.id')
    .execute();
}

export async function markEventsDispatched(
  db: Kysely<Database>,
  eventIds: readonly string[],
  now: Date,
): Promise<void> {
  if (eventIds.length === 0) return;
  await db.updateTable('events').set({ dispatched_at: now }).where('id', 'in', eventIds).execute();
}
