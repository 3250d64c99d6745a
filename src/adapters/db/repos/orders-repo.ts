import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { SENT_WITH_NEXT } from '../deferring-client.js';
import { rowsFromJson } from '../json-rows.js';
import type { Write } from '../one-statement.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type {
  CouponRow,
  Database,
  OrderLineItemRow,
  OrderRow,
  PaymentIntentRow,
  TaxRateRow,
} from '../schema.js';
import { scoped } from '../scoped.js';
import { clockTimeOf, orderClockTimeSql } from './test-clocks-repo.js';

/** An order with its lines, coupons (in the order they were added) and payment intents. */
export interface OrderAggregate {
  readonly order: OrderRow;
  readonly lines: readonly OrderLineItemRow[];
  readonly coupons: readonly CouponRow[];
  readonly payments: readonly PaymentIntentRow[];
}

/** An aggregate with the tax rates its lines and shipping name, read with it. */
export interface OrderAggregateWithRates extends OrderAggregate {
  readonly taxRates: readonly TaxRateRow[];
}

/**
 * An order's parts as JSON columns beside its row, so that the whole aggregate (and the
 * tax rates it names) is one statement: one round trip, one snapshot, under the same
 * lock as the row.
 */
const parts = {
  lines: sql<unknown>`(select coalesce(json_agg(l order by l.position), '[]')
    from order_line_items l where l.order_id = orders.id)`,
  coupons: sql<unknown>`(select coalesce(json_agg(c order by oc.position), '[]')
    from order_coupons oc join coupons c on c.id = oc.coupon_id where oc.order_id = orders.id)`,
  payments: sql<unknown>`(select coalesce(json_agg(p order by p.id), '[]')
    from payment_intents p where p.order_id = orders.id)`,
  taxRates: sql<unknown>`(select coalesce(json_agg(t order by t.id), '[]')
    from tax_rates t
    where t.account_id = orders.account_id and t.mode = orders.mode and t.id in (
      select jsonb_array_elements_text(l.tax_rate_ids) from order_line_items l where l.order_id = orders.id
      union all select jsonb_array_elements_text(orders.shipping_tax_rate_ids)))`,
};

function orders(db: Kysely<Database>, tenant: Tenant) {
  return db.selectFrom('orders').selectAll('orders').$call(scoped(tenant));
}

function aggregates(db: Kysely<Database>, tenant: Tenant) {
  return orders(db, tenant).select([
    parts.lines.as('agg_lines'),
    parts.coupons.as('agg_coupons'),
    parts.payments.as('agg_payments'),
    parts.taxRates.as('agg_tax_rates'),
  ]);
}

type AggregateRow = OrderRow & {
  agg_lines: unknown;
  agg_coupons: unknown;
  agg_payments: unknown;
  agg_tax_rates: unknown;
};

function aggregateOf(row: AggregateRow): OrderAggregateWithRates {
  const { agg_lines, agg_coupons, agg_payments, agg_tax_rates, ...order } = row;
  return {
    order,
    lines: rowsFromJson<OrderLineItemRow>(agg_lines, []),
    coupons: rowsFromJson<CouponRow>(agg_coupons, ['redeem_by', 'created_at', 'updated_at']),
    payments: rowsFromJson<PaymentIntentRow>(agg_payments, ['created_at', 'updated_at']),
    taxRates: rowsFromJson<TaxRateRow>(agg_tax_rates, ['created_at', 'updated_at']),
  };
}

export async function selectOrderAggregate(
  db: Kysely<Database>,
  tenant: Tenant,
  id: string,
): Promise<OrderAggregateWithRates | undefined> {
  const row = await aggregates(db, tenant).where('id', '=', id).executeTakeFirst();
  return row ? aggregateOf(row) : undefined;
}

/**
 * `selectOrderAggregate`, with the time of the test clock its customer lives on (test mode;
 * null: none), read in the same statement: a change to the order happens in that time.
 */
export async function selectOrderAggregateOnClock(
  db: Kysely<Database>,
  tenant: Tenant,
  id: string,
): Promise<{ aggregate: OrderAggregateWithRates; clockTime: Date | null } | undefined> {
  const row = await aggregates(db, tenant)
    .select(orderClockTimeSql('orders.id').as('clock_time'))
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { clock_time, ...rest } = row;
  return {
    aggregate: aggregateOf(rest),
    clockTime: clockTimeOf(clock_time),
  };
}

/** The order to lock: by its id, or as the order of one of its refunds. */
export type OrderKey = string | { readonly refundId: string };

/**
 * The one way to lock an order: its row, `FOR NO KEY UPDATE`, until the transaction ends
 * (changes to one order are serialized; ids never change, so foreign-key checks of rows
 * that reference it need not wait). By its id, or as the order of one of its refunds
 * without reading the refund first. Its answer is not read: it is sent with the next
 * statement (`SENT_WITH_NEXT`), which reads what the lock guards and finds whether the
 * tenant has such an order. A statement reads as of when it began, so rows read by the
 * locking statement itself could predate the change it waited for; the next one sees them.
 */
export async function lockOrder(
  db: Kysely<Database>,
  tenant: Tenant,
  key: OrderKey,
): Promise<void> {
  await db
    .selectFrom('orders')
    .select('id')
    .$call(scoped(tenant))
    .where('id', '=', (eb) =>
      typeof key === 'string'
        ? eb.val(key)
        : eb
            .selectFrom('refunds')
            .select('refunds.order_id')
            .where('refunds.id', '=', key.refundId)
            .$call(scoped(tenant, 'refunds')),
    )
    .forNoKeyUpdate()
    .modifyEnd(SENT_WITH_NEXT)
    .execute();
}

export interface OrderFilter {
  readonly status?: string | undefined;
  readonly customerId?: string | undefined;
  readonly createdGte?: Date | undefined;
  readonly createdLt?: Date | undefined;
  /**
   * The console's search box: an order id, a customer's or buyer's email, a refund's
   * reference number, or any metadata value of the order, matched exactly (emails without
   * regard to case).
   */
  readonly search?: string | undefined;
}

export async function listOrderAggregates(
  db: Kysely<Database>,
  tenant: Tenant,
  filter: OrderFilter,
  page: PageRequest,
): Promise<Page<OrderAggregateWithRates>> {
  let query = aggregates(db, tenant);
  if (filter.status) query = query.where('status', '=', filter.status as OrderRow['status']);
  if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
  if (filter.createdGte) query = query.where('created_at', '>=', filter.createdGte);
  if (filter.createdLt) query = query.where('created_at', '<', filter.createdLt);
  if (filter.search) {
    const q = filter.search;
    query = query.where(
      sql<boolean>`(orders.id = ${q}
        or exists (select 1 from customers c where c.id = orders.customer_id and lower(c.email) = lower(${q}))
        or exists (select 1 from payment_intents p where p.order_id = orders.id and lower(p.buyer_email) = lower(${q}))
        or exists (select 1 from refunds r where r.order_id = orders.id and r.reference_id = ${q})
        or exists (select 1 from refund_items ri join refunds r2 on r2.id = ri.refund_id where r2.order_id = orders.id and ri.reference_id = ${q})
        or exists (select 1 from jsonb_each_text(orders.metadata) m where m.value = ${q}))`,
    );
  }
  const result = await fetchPage(query, 'id', page);
  return { ...result, items: result.items.map(aggregateOf) };
}

function orderValues(order: OrderRow) {
  return {
    ...order,
    metadata: JSON.stringify(order.metadata),
    shipping_tax_rate_ids: JSON.stringify(order.shipping_tax_rate_ids),
  };
}

function lineValues(line: OrderLineItemRow) {
  return {
    ...line,
    metadata: JSON.stringify(line.metadata),
    tax_rate_ids: line.tax_rate_ids === null ? null : JSON.stringify(line.tax_rate_ids),
  };
}

/** The inserts of a new order: its row, its lines, and its coupons in the order given. */
export function insertOrderQueries(db: Kysely<Database>, aggregate: OrderAggregate): Write[] {
  const { order, lines, coupons } = aggregate;
  return [
    db.insertInto('orders').values(orderValues(order)),
    ...(lines.length > 0 ? [db.insertInto('order_line_items').values(lines.map(lineValues))] : []),
    ...(coupons.length > 0
      ? [
          db.insertInto('order_coupons').values(
            coupons.map((coupon, i) => ({
              order_id: order.id,
              coupon_id: coupon.id,
              position: i + 1,
            })),
          ),
        ]
      : []),
  ];
}

/** Writes the order row as given (the caller holds its lock). */
export async function updateOrder(db: Kysely<Database>, order: OrderRow): Promise<void> {
  await updateOrderQuery(db, order).execute();
}

/** The update of `updateOrder`, to run with other writes. */
export function updateOrderQuery(db: Kysely<Database>, order: OrderRow) {
  const { id, account_id, mode, created_at: _created, ...changes } = orderValues(order);
  return db
    .updateTable('orders')
    .set(changes)
    .where('id', '=', id)
    .$call(scoped({ accountId: account_id, mode }));
}

export async function replaceOrderLines(
  db: Kysely<Database>,
  orderId: string,
  lines: readonly OrderLineItemRow[],
): Promise<void> {
  await db.deleteFrom('order_line_items').where('order_id', '=', orderId).execute();
  if (lines.length > 0)
    await db.insertInto('order_line_items').values(lines.map(lineValues)).execute();
}

export async function insertOrderCoupon(
  db: Kysely<Database>,
  orderId: string,
  couponId: string,
): Promise<void> {
  await db
    .insertInto('order_coupons')
    .values({
      order_id: orderId,
      coupon_id: couponId,
      position: sql<number>`(select coalesce(max(position), 0) + 1 from order_coupons where order_id = ${orderId})`,
    })
    .execute();
}

export async function deleteOrderCoupon(
  db: Kysely<Database>,
  orderId: string,
  couponId: string,
): Promise<void> {
  await db
    .deleteFrom('order_coupons')
    .where('order_id', '=', orderId)
    .where('coupon_id', '=', couponId)
    .execute();
}
