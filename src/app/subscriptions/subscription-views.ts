import type { Kysely } from 'kysely';
import { type Write, writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  listSubscriptions as listRows,
  selectSubscriptionById,
  updateSubscriptionQuery,
} from '../../adapters/db/repos/subscriptions-repo.js';
import type { Database, NewEventRow } from '../../adapters/db/schema.js';
import type { SubscriptionRow } from '../../adapters/db/schema-subscriptions.js';
import type { EventType } from '../../domain/event-types.js';
import { subscriptionResource } from '../../resources/subscription.js';
import { type EventAuthor, objectEvent } from '../events/record-events.js';
import { readById, readPage } from '../shared/reads.js';

export type SubscriptionEventType = Extract<EventType, `customer.subscription.${string}`>;

export const getSubscription = readById('subscription', selectSubscriptionById);
export const listSubscriptions = readPage(listRows);

/** An event about a subscription: the subscription as the API now returns it. */
export function subscriptionEvent(
  author: EventAuthor,
  p: {
    readonly type: SubscriptionEventType;
    readonly row: SubscriptionRow;
    /** The subscription as it was, for `.updated`. */
    readonly before?: SubscriptionRow | undefined;
  },
): NewEventRow {
  return objectEvent(author, {
    type: p.type,
    objectType: 'subscription',
    objectId: p.row.id,
    object: subscriptionResource(p.row),
    now: p.row.updated_at,
    previous:
      p.type === 'customer.subscription.updated' && p.before
        ? subscriptionResource(p.before)
        : undefined,
  });
}

/** The columns a change of a subscription may set. */
export type SubscriptionChanges = Partial<
  Omit<SubscriptionRow, 'id' | 'account_id' | 'mode' | 'created_at' | 'customer_id' | 'version'>
>;

/**
 * A change of a locked subscription: its row after `changes` (version bumped, stamped
 * `now`), the update and its events — `.updated` (with what changed) unless `types` names
 * others, each carrying the subscription as the change left it. Unsent: the caller sends
 * them with its statement, or with `writeSubscriptionChange`.
 */
export function subscriptionChange(
  tx: Kysely<Database>,
  author: EventAuthor,
  p: {
    readonly current: SubscriptionRow;
    readonly changes: SubscriptionChanges;
    readonly now: Date;
    readonly types?: readonly SubscriptionEventType[];
  },
): { readonly row: SubscriptionRow; readonly writes: Write[]; readonly events: NewEventRow[] } {
  const row: SubscriptionRow = {
    ...p.current,
    ...p.changes,
    version: p.current.version + 1,
    updated_at: p.now,
  };
  const { id, account_id, mode, created_at, ...columns } = row;
  const types = p.types ?? ['customer.subscription.updated'];
  const events = types.map((type) => subscriptionEvent(author, { type, row, before: p.current }));
  return {
    row,
    writes: [updateSubscriptionQuery(tx, author.tenant, id, columns)],
    events,
  };
}

/** `subscriptionChange`, written in one statement sent with the commit. */
export async function writeSubscriptionChange(
  tx: Kysely<Database>,
  author: EventAuthor,
  p: Parameters<typeof subscriptionChange>[2] & { readonly also?: readonly Write[] },
): Promise<SubscriptionRow> {
  const { row, writes, events } = subscriptionChange(tx, author, p);
  await writeAsOne(tx, [...writes, insertEventsQuery(tx, events), ...(p.also ?? [])], {
    last: true,
  });
  return row;
}
