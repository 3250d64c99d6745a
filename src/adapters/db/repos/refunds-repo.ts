import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { rowsFromJson } from '../json-rows.js';
import { type Write, writeAsOne } from '../one-statement.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { Database, RefundItemRow, RefundRow, RefundStatus } from '../schema.js';

/** A refund with its parts per payment intent. */
export interface RefundAggregate {
  readonly refund: RefundRow;
  readonly items: readonly RefundItemRow[];
}

/** Statuses whose money is out (or on its way out) of the charge. */
export const OUTSTANDING: readonly RefundStatus[] = ['pending', 'requires_action', 'succeeded'];

/** Writes a new refund and its parts in one statement. */
export async function insertRefund(
  db: Kysely<Database>,
  aggregate: RefundAggregate,
): Promise<void> {
  await writeAsOne(db, insertRefundQueries(db, aggregate));
}

/** The inserts of `insertRefund`, to run with other writes (e.g. a changeOrder's). */
export function insertRefundQueries(db: Kysely<Database>, aggregate: RefundAggregate): Write[] {
  return [
    db
      .insertInto('refunds')
      .values({ ...aggregate.refund, metadata: JSON.stringify(aggregate.refund.metadata) }),
    db.insertInto('refund_items').values([...aggregate.items]),
  ];
}

function refunds(db: Kysely<Database>, tenant: Tenant) {
  return db
    .selectFrom('refunds')
    .selectAll()
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode);
}

async function withItems(
  db: Kysely<Database>,
  rows: readonly RefundRow[],
): Promise<RefundAggregate[]> {
  if (rows.length === 0) return [];
  const items = await db
    .selectFrom('refund_items')
    .selectAll()
    .where(
      'refund_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('payment_intent_id')
    .execute();
  return rows.map((refund) => ({ refund, items: items.filter((i) => i.refund_id === refund.id) }));
}

/** A refund with its items, in one statement (the items as a JSON column). */
export async function selectRefund(
  db: Kysely<Database>,
  tenant: Tenant,
  id: string,
): Promise<RefundAggregate | undefined> {
  const row = await refunds(db, tenant)
    .select(
      sql<unknown>`(select coalesce(json_agg(i order by i.payment_intent_id), '[]')
        from refund_items i where i.refund_id = refunds.id)`.as('agg_items'),
    )
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { agg_items, ...refund } = row;
  return { refund, items: rowsFromJson<RefundItemRow>(agg_items, []) };
}

export async function selectRefundsByOrder(
  db: Kysely<Database>,
  orderId: string,
): Promise<RefundAggregate[]> {
  const rows = await db
    .selectFrom('refunds')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
  return withItems(db, rows);
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
  let query = refunds(db, tenant);
  if (filter.paymentIntentId) query = query.where('payment_intent_id', '=', filter.paymentIntentId);
  if (filter.checkoutSessionId)
    query = query.where('checkout_session_id', '=', filter.checkoutSessionId);
  if (filter.orderId) query = query.where('order_id', '=', filter.orderId);
  if (filter.status) query = query.where('status', '=', filter.status);
  const result = await fetchPage(query, 'id', page);
  return { ...result, items: await withItems(db, result.items) };
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
): Promise<(RefundItemRow & { account_id: string; mode: RefundRow['mode']; currency: string })[]> {
  let query = db
    .selectFrom('refund_items')
    .innerJoin('refunds', 'refunds.id', 'refund_items.refund_id')
    .selectAll('refund_items')
    .select(['refunds.account_id', 'refunds.mode', 'refunds.currency'])
    .where('refund_items.status', '=', 'pending')
    .where('refunds.updated_at', '<', before);
  if (accountId) query = query.where('refunds.account_id', '=', accountId);
  return query.orderBy('refund_items.refund_id').limit(limit).execute();
}
