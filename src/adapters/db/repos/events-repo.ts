import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { Database, EventRow } from '../schema.js';

function eventValues(event: EventRow) {
  return {
    ...event,
    data: JSON.stringify(event.data),
    amounts_before: event.amounts_before === null ? null : JSON.stringify(event.amounts_before),
    amounts_after: event.amounts_after === null ? null : JSON.stringify(event.amounts_after),
  };
}

/** Appends events; called inside the transaction that made the change (the outbox). */
export async function insertEvents(
  db: Kysely<Database>,
  events: readonly EventRow[],
): Promise<void> {
  if (events.length > 0) await insertEventsQuery(db, events).execute();
}

/** The insert of `insertEvents` (at least one event), to run with other writes. */
export function insertEventsQuery(db: Kysely<Database>, events: readonly EventRow[]) {
  return db.insertInto('events').values(events.map(eventValues));
}

export async function listEventsForObject(
  db: Kysely<Database>,
  tenant: Tenant,
  objectId: string,
  page: PageRequest,
): Promise<Page<EventRow>> {
  const query = db
    .selectFrom('events')
    .selectAll()
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode)
    .where('object_id', '=', objectId);
  return fetchPage(query, 'id', page);
}
