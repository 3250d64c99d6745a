import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { rowsFromJson } from '../json-rows.js';
import { type Write, writeAsOne } from '../one-statement.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type {
  Database,
  RefundItemRow,
  RefundLineItemRow,
  RefundRow,
  RefundStatus,
} from '../schema.js';
import { scoped } from '../scoped.js';
import { tableRows } from '../table-rows.js';
import { clockTimeOf, orderClockTimeSql } from './test-clocks-repo.js';

/** A refund with its parts per payment intent, and what it took from each order line. */
export interface RefundAggregate {
  readonly refund: RefundRow;
  readonly items: readonly RefundItemRow[];
  readonly lines: readonly RefundLineItemRow[];
}

const refunds = tableRows('refunds', { json: ['metadata'] });

/** Writes a new refund, its parts and its lines in one statement. */
export async function insertRefund(
  db: Kysely<Database>,
  aggregate: RefundAggregate,
): Promise<void> {
  await writeAsOne(db, insertRefundQueries(db, aggregate));
}

/** The inserts of `insertRefund`, to run with other writes (e.g. a changeOrder's). */
export function insertRefundQueries(db: Kysely<Database>, aggregate: RefundAggregate): Write[] {
  return [
    refunds.insertQuery(db, aggregate.refund),
    db.insertInto('refund_items').values([...aggregate.items]),
    ...(aggregate.lines.length > 0
      ? [db.insertInto('refund_line_items').values([...aggregate.lines])]
      : []),
  ];
}

/** A refund's items and lines as JSON columns beside its row: a refund in one statement. */
const parts = [
  sql<unknown>`(select coalesce(json_agg(i order by i.payment_intent_id), '[]')
    from refund_items i where i.refund_id = refunds.id)`.as('agg_items'),
  sql<unknown>`(select coalesce(json_agg(l order by l.line_item_id), '[]')
    from refund_line_items l where l.refund_id = refunds.id)`.as('agg_lines'),
];

function aggregateOf(row: RefundRow & { agg_items: unknown; agg_lines: unknown }): RefundAggregate {
  const { agg_items, agg_lines, ...refund } = row;
  return {
    refund,
    items: rowsFromJson<RefundItemRow>(agg_items, []),
    lines: rowsFromJson<RefundLineItemRow>(agg_lines, []),
  };
}

/** A refund with its items and lines, in one statement. */
export async function selectRefund(
  db: Kysely<Database>,
  tenant: Tenant,
  id: string,
): Promise<RefundAggregate | undefined> {
  const row = await refunds.rows(db, tenant).select(parts).where('id', '=', id).executeTakeFirst();
  return row && aggregateOf(row);
}

/**
 * `selectRefund`, with the time of the test clock its order's customer lives on (null:
 * none), in the same statement: an answer about the refund is recorded in that time.
 */
export async function selectRefundOnClock(
  db: Kysely<Database>,
  tenant: Tenant,
  id: string,
): Promise<{ refund: RefundAggregate; clockTime: Date | null } | undefined> {
  const row = await refunds
    .rows(db, tenant)
    .select(parts)
    .select(orderClockTimeSql('refunds.order_id').as('clock_time'))
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { clock_time, ...rest } = row;
  return { refund: aggregateOf(rest), clockTime: clockTimeOf(clock_time) };
}

/** The newest refund started since `since` by a request with the client's `key`. */
export async function selectRefundByRequestKey(
  db: Kysely<Database>,
  tenant: Tenant,
  key: string,
  since: Date,
): Promise<RefundAggregate | undefined> {
  const row = await refunds
    .rows(db, tenant)
    .select(parts)
    .where('request_key', '=', key)
    .where('created_at', '>', since)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row && aggregateOf(row);
}

export async function selectRefundsByOrder(
  db: Kysely<Database>,
  orderId: string,
): Promise<RefundAggregate[]> {
  const rows = await db
    .selectFrom('refunds')
    .selectAll()
    .select(parts)
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
  return rows.map(aggregateOf);
}

export interface RefundFilter {
  readonly paymentIntentId?: string | undefined;
  readonly checkoutSessionId?: string | undefined;
  readonly orderId?: string | undefined;
  readonly status?: RefundStatus | undefined;
}

export async function listRefunds(
  db: Kysely<Database>,
  tenant: Tenant,
  filter: RefundFilter,
  page: PageRequest,
): Promise<Page<RefundAggregate>> {
  let query = refunds.rows(db, tenant).select(parts);
  if (filter.paymentIntentId) query = query.where('payment_intent_id', '=', filter.paymentIntentId);
  if (filter.checkoutSessionId) {
    // A session's refunds are its order's, whichever endpoint created them.
    const sessionId = filter.checkoutSessionId;
    query = query.where('order_id', 'in', (qb) =>
      qb.selectFrom('checkout_sessions').select('order_id').where('id', '=', sessionId),
    );
  }
  if (filter.orderId) query = query.where('order_id', '=', filter.orderId);
  if (filter.status) query = query.where('status', '=', filter.status);
  const result = await fetchPage(query, 'id', page);
  return { ...result, items: result.items.map(aggregateOf) };
}

/** Writes the refund and its items as given (the caller holds the order's lock). */
export async function updateRefund(
  db: Kysely<Database>,
  aggregate: RefundAggregate,
): Promise<void> {
  await writeAsOne(db, updateRefundQueries(db, aggregate));
}

/** The updates of `updateRefund` (the refund row, then each item), to run with other writes. */
export function updateRefundQueries(db: Kysely<Database>, aggregate: RefundAggregate): Write[] {
  const { id, metadata, ...rest } = aggregate.refund;
  return [
    db
      .updateTable('refunds')
      .set({ ...rest, metadata: JSON.stringify(metadata) })
      .where('id', '=', id),
    ...aggregate.items.map((item) => {
      const { refund_id, payment_intent_id, ...changes } = item;
      return db
        .updateTable('refund_items')
        .set(changes)
        .where('refund_id', '=', refund_id)
        .where('payment_intent_id', '=', payment_intent_id);
    }),
  ];
}

/** Pending refund parts of refunds last changed before `before`, in any account. */
export async function selectPendingRefundItems(
  db: Kysely<Database>,
  before: Date,
  limit: number,
  accountId?: string,
): Promise<
  (RefundItemRow & {
    account_id: string;
    mode: RefundRow['mode'];
    order_id: string;
    currency: string;
  })[]
> {
  let query = db
    .selectFrom('refund_items')
    .innerJoin('refunds', 'refunds.id', 'refund_items.refund_id')
    .selectAll('refund_items')
    .select(['refunds.account_id', 'refunds.mode', 'refunds.order_id', 'refunds.currency'])
    .where('refund_items.status', '=', 'pending')
    .where('refunds.updated_at', '<', before);
  if (accountId) query = query.where('refunds.account_id', '=', accountId);
  return query.orderBy('refund_items.refund_id').limit(limit).execute();
}

/** The refund part a processor's refund id belongs to, in this tenant (processor webhooks). */
export async function selectRefundItemByProcessorRefundId(
  db: Kysely<Database>,
  tenant: Tenant,
  processorRefundId: string,
): Promise<RefundItemRow | undefined> {
  return db
    .selectFrom('refund_items')
    .innerJoin('refunds', 'refunds.id', 'refund_items.refund_id')
    .selectAll('refund_items')
    .$call(scoped(tenant, 'refunds'))
    .where('refund_items.processor_refund_id', '=', processorRefundId)
    .executeTakeFirst();
}
