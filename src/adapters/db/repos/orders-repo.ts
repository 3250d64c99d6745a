import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type {
  CouponRow,
  Database,
  OrderLineItemRow,
  OrderRow,
  PaymentIntentRow,
} from '../schema.js';
import { selectPaymentIntentsByOrderIds } from './payment-intents-repo.js';

/** An order with its lines, coupons (in the order they were added) and payment intents. */
export interface OrderAggregate {
  readonly order: OrderRow;
  readonly lines: readonly OrderLineItemRow[];
  readonly coupons: readonly CouponRow[];
  readonly payments: readonly PaymentIntentRow[];
}

function orders(db: Kysely<Database>, tenant: Tenant) {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode);
}

async function withParts(
  db: Kysely<Database>,
  rows: readonly OrderRow[],
): Promise<OrderAggregate[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [lines, coupons, payments] = await Promise.all([
    db
      .selectFrom('order_line_items')
      .selectAll()
      .where('order_id', 'in', ids)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('order_coupons')
      .innerJoin('coupons', 'coupons.id', 'order_coupons.coupon_id')
      .selectAll('coupons')
      .select('order_coupons.order_id')
      .where('order_coupons.order_id', 'in', ids)
      .orderBy('order_coupons.position')
      .execute(),
    selectPaymentIntentsByOrderIds(db, ids),
  ]);
  return rows.map((order) => ({
    order,
    lines: lines.filter((l) => l.order_id === order.id),
    coupons: coupons.filter((c) => c.order_id === order.id).map(({ order_id: _, ...c }) => c),
    payments: payments.filter((p) => p.order_id === order.id),
  }));
}

export async function selectOrderAggregate(
  db: Kysely<Database>,
  tenant: Tenant,
  id: string,
): Promise<OrderAggregate | undefined> {
  const row = await orders(db, tenant).where('id', '=', id).executeTakeFirst();
  return row ? (await withParts(db, [row]))[0] : undefined;
}

/** Reads an order and locks its row until the transaction ends: changes to one order are serialized. */
export async function lockOrderAggregate(
  db: Kysely<Database>,
  tenant: Tenant,
  id: string,
): Promise<OrderAggregate | undefined> {
  const row = await orders(db, tenant).where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? (await withParts(db, [row]))[0] : undefined;
}

export interface OrderFilter {
  readonly status?: string | undefined;
  readonly customerId?: string | undefined;
  readonly createdGte?: Date | undefined;
  readonly createdLt?: Date | undefined;
}

export async function listOrderAggregates(
  db: Kysely<Database>,
  tenant: Tenant,
  filter: OrderFilter,
  page: PageRequest,
): Promise<Page<OrderAggregate>> {
  let query = orders(db, tenant);
  if (filter.status) query = query.where('status', '=', filter.status as OrderRow['status']);
  if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
  if (filter.createdGte) query = query.where('created_at', '>=', filter.createdGte);
  if (filter.createdLt) query = query.where('created_at', '<', filter.createdLt);
  const result = await fetchPage(query, 'id', page);
  return { ...result, items: await withParts(db, result.items) };
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

export async function insertOrder(db: Kysely<Database>, aggregate: OrderAggregate): Promise<void> {
  await db.insertInto('orders').values(orderValues(aggregate.order)).execute();
  if (aggregate.lines.length > 0) {
    await db.insertInto('order_line_items').values(aggregate.lines.map(lineValues)).execute();
  }
}

/** Writes the order row as given (the caller holds its lock). */
export async function updateOrder(db: Kysely<Database>, order: OrderRow): Promise<void> {
  const { id, account_id, mode, created_at: _created, ...changes } = orderValues(order);
  await db
    .updateTable('orders')
    .set(changes)
    .where('id', '=', id)
    .where('account_id', '=', account_id)
    .where('mode', '=', mode)
    .execute();
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
