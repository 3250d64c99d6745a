import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { Database, EventRow } from '../schema.js';

/** Appends an event; called inside the transaction that made the change (the outbox). */
export async function insertEvent(db: Kysely<Database>, event: EventRow): Promise<void> {
  await db
    .insertInto('events')
    .values({
      ...event,
      data: JSON.stringify(event.data),
      amounts_before: event.amounts_before === null ? null : JSON.stringify(event.amounts_before),
      amounts_after: event.amounts_after === null ? null : JSON.stringify(event.amounts_after),
    })
    .execute();
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
