import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, keysetQuery, type Page, type PageRequest, pageOf } from '../pagination.js';
import type { Database, EventRow, NewEventRow } from '../schema.js';
import { tableRows } from '../table-rows.js';

// Events go in several at a time (`insertEventsQuery`); `eventRows` reads them.
const eventRows = tableRows('events', { json: ['data', 'amounts_before', 'amounts_after'] });

/**
 * An event's columns, and its `sequence`: one more than its object's highest recorded
 * (read in the insert itself, from the unique index's last entry), plus `nth` for the
 * object's earlier events in the same insert (its nth event in it is `highest + nth`).
 */
function eventValues(event: NewEventRow, nth: number) {
  return {
    ...event,
    data: JSON.stringify(event.data),
    amounts_before: event.amounts_before === null ? null : JSON.stringify(event.amounts_before),
    amounts_after: event.amounts_after === null ? null : JSON.stringify(event.amounts_after),
    sequence: sql<number>`(select coalesce(max(prior.sequence), 0) + ${nth} from events as prior
      where prior.account_id = ${event.account_id} and prior.mode = ${event.mode}
      and prior.object_id = ${event.object_id})`,
  };
}

/**
 * Appends events; called inside the transaction that made the change (the outbox).
 * The caller holds the lock of each event's object (or makes the object in the same
 * statement): `insertEventsQuery` says why.
 */
export async function insertEvents(
  db: Kysely<Database>,
  events: readonly NewEventRow[],
): Promise<void> {
  if (events.length > 0) await insertEventsQuery(db, events).execute();
}

/**
 * The insert of `insertEvents` (at least one event), to run with other writes, in
 * one statement. Each event gets the next `sequence` of its object, its events numbered
 * in the order given. The number is read from the statement's snapshot, so the writer
 * must hold the object's row lock, taken by an EARLIER statement of its transaction (its
 * `lock…` read, or an update of the row), or be making the object in this statement:
 * then no other transaction can be numbering that object's events until it commits.
 * One statement must not carry two inserts with events of the same object (neither sees
 * the other's rows). The unique index refuses a duplicate number either way: a broken
 * rule fails the change, never numbers two events alike.
 */
export function insertEventsQuery(db: Kysely<Database>, events: readonly NewEventRow[]) {
  const seen = new Map<string, number>();
  const rows = events.map((event) => {
    const nth = (seen.get(event.object_id) ?? 0) + 1;
    seen.set(event.object_id, nth);
    return eventValues(event, nth);
  });
  return db.insertInto('events').values(rows);
}

export async function listEventsForObject(
  db: Kysely<Database>,
  tenant: Tenant,
  objectId: string,
  page: PageRequest,
): Promise<Page<EventRow>> {
  return fetchPage(eventRows.rows(db, tenant).where('object_id', '=', objectId), 'id', page);
}

export interface EventFilter {
  /** Any of these types (each read from its own index range); every type when empty. */
  readonly types: readonly string[];
  readonly objectId?: string | undefined;
  /** Strictly after / before these instants. */
  readonly createdAfter?: Date | undefined;
  readonly createdBefore?: Date | undefined;
}

function accountEvents(db: Kysely<Database>, tenant: Tenant, filter: EventFilter) {
  let query = eventRows.rows(db, tenant);
  if (filter.objectId !== undefined) query = query.where('object_id', '=', filter.objectId);
  if (filter.createdAfter) query = query.where('created_at', '>', filter.createdAfter);
  if (filter.createdBefore) query = query.where('created_at', '<', filter.createdBefore);
  return query;
}

/**
 * A page of an account's events, newest first. Several types are read as a union of one
 * bounded page per type, then the page of those: the cost stays with the page size.
 */
export async function listEvents(
  db: Kysely<Database>,
  tenant: Tenant,
  filter: EventFilter,
  page: PageRequest,
): Promise<Page<EventRow>> {
  const base = accountEvents(db, tenant, filter);
  const [only, ...others] = filter.types;
  if (only === undefined) return fetchPage(base, 'id', page);
  if (others.length === 0) return fetchPage(base.where('type', '=', only), 'id', page);
  const parts = filter.types.map((type, i) =>
    db.selectFrom(keysetQuery(base.where('type', '=', type), 'id', page).as(`t${i}`)).selectAll(),
  );
  const union = parts.reduce((all, part) => all.unionAll(part));
  const rows = await keysetQuery(
    db.selectFrom(union.as('any_type')).selectAll(),
    'id',
    page,
  ).execute();
  return pageOf(rows, page);
}

export const selectEventById = eventRows.byId;
