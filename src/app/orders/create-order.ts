import type { Kysely } from 'kysely';
import { type Write, writeAsOne } from '../../adapters/db/one-statement.js';
import { selectOrderContext } from '../../adapters/db/repos/catalog-lookups-repo.js';
import { selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { insertOrderQueries } from '../../adapters/db/repos/orders-repo.js';
import { selectTestClockTime } from '../../adapters/db/repos/test-clocks-repo.js';
import type { CouponRow, CustomerRow, Database, OrderRow } from '../../adapters/db/schema.js';
import { checkCoupon } from '../../domain/coupons.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import type { OrderView } from '../../resources/order.js';
import { orderEvent } from '../events/record-events.js';
import type { AnswerOption } from '../shared/answer-once.js';
import type { ChangeContext } from '../shared/command-context.js';
import { newId } from '../shared/ids.js';
import { type LineItemInput, type MoneyInput, orderCurrency, resolveLines } from './order-lines.js';
import {
  couponRules,
  priceWithinLimits,
  subtotalOf,
  taxRateIdsOf,
  withTotals,
} from './order-pricing.js';

export interface CreateOrderInput {
  readonly currency?: string | undefined;
  readonly customer_id?: string | undefined;
  readonly line_items: readonly LineItemInput[];
  readonly shipping_money?: MoneyInput | undefined;
  readonly tip_money?: MoneyInput | undefined;
  /** Applied in this order, with every coupon rule checked. */
  readonly coupon_codes?: readonly string[] | undefined;
  readonly metadata?: Metadata | undefined;
}

/** Checks an optional money input is in the order's currency; returns its amount. */
export function amountIn(
  input: MoneyInput | undefined,
  currency: string,
  loc: readonly string[],
): Result<number> {
  if (!input) return ok(0);
  if (input.currency !== undefined && input.currency.toUpperCase() !== currency) {
    return fail({
      code: 'currency_mismatch',
      message: `Amounts must be in ${currency}`,
      loc: [...loc, 'currency'],
    });
  }
  return ok(input.amount);
}

/**
 * Creates an OPEN order: resolves its lines (prices, products, tax rates, stock),
 * prices it, and writes the order, its lines, coupons and `order.created` in one
 * statement, with the request's answer when it has an Idempotency-Key (atomic by itself: nothing here is read under a lock, so a transaction
 * around the reads would add two round trips and no guarantee).
 */
export async function createOrder(
  { deps, tenant, actor }: ChangeContext,
  input: CreateOrderInput,
  { answer }: AnswerOption<OrderView> = {},
): Promise<Result<OrderView>> {
  const { db } = deps;
  const drafted = await draftOrder(
    db,
    { tenant, now: deps.clock.now(), onCustomerClock: deps.clock.id === undefined },
    input,
  );
  if (!drafted.ok) return drafted;
  const view = drafted.value;
  await writeAsOne(db, [
    ...newOrderWrites(db, { tenant, actor }, view),
    // The request's Idempotency-Key completed in the same statement: a crash can never
    // leave the order made and its key free for a retry to make a second one.
    ...(answer ? [answer(db, view)] : []),
  ]);
  return ok(view);
}

/** The writes of a new order: its rows and `order.created`. */
export function newOrderWrites(
  db: Kysely<Database>,
  author: Pick<ChangeContext, 'tenant' | 'actor'>,
  view: OrderView,
): Write[] {
  const now = view.order.created_at;
  return [
    ...insertOrderQueries(db, view),
    insertEventsQuery(db, [orderEvent(author, { type: 'order.created', view, before: null, now })]),
  ];
}

/**
 * A new OPEN order as `createOrder` makes it, priced, not yet written (`db` may be a
 * transaction: an exchange's follow-up order is drafted and written in its return's).
 */
export async function draftOrder(
  db: Kysely<Database>,
  {
    tenant,
    now: given,
    customer,
    keepArchived,
    onCustomerClock = false,
  }: {
    readonly tenant: Tenant;
    readonly now: Date;
    /** The order's customer, when the caller has read it: not looked up again. */
    readonly customer?: Pick<CustomerRow, 'id'> | undefined;
    /** Lines may name archived prices, products and tax rates (see `resolveLines`). */
    readonly keepArchived?: boolean | undefined;
    /** A customer on a test clock gets the order in the clock's time, not `now`. */
    readonly onCustomerClock?: boolean | undefined;
  },
  input: CreateOrderInput,
): Promise<Result<OrderView>> {
  const codes = input.coupon_codes ?? [];
  const context = await selectOrderContext(db, tenant, codes);
  if (!context) throw new Error(`account ${tenant.accountId} vanished`);
  const { account } = context;
  const read = customer !== undefined && customer.id === input.customer_id;
  const found =
    input.customer_id && !read
      ? await selectCustomerById(db, tenant, input.customer_id)
      : undefined;
  if (input.customer_id && !read && !found) {
    return fail({ ...missing('customer'), loc: ['order', 'customer_id'] });
  }
  // One statement more only for a customer on a test clock.
  const clockId = onCustomerClock ? found?.test_clock_id : null;
  const now = clockId ? ((await selectTestClockTime(db, tenant, clockId)) ?? given) : given;
  const currency = orderCurrency(input.currency, account.default_currency);
  if (!currency.ok) return currency;
  const shipping = amountIn(input.shipping_money, currency.value, ['order', 'shipping_money']);
  if (!shipping.ok) return shipping;
  const tip = amountIn(input.tip_money, currency.value, ['order', 'tip_money']);
  if (!tip.ok) return tip;

  const id = newId('ord');
  const lines = await resolveLines(db, tenant, {
    orderId: id,
    currency: currency.value,
    inputs: input.line_items,
    defaultRates: context.defaultRates,
    keepArchived,
  });
  if (!lines.ok) return lines;
  const { explicitRates, defaultRates } = lines.value;
  const shippingRates = account.tax_shipping ? defaultRates.map((r) => r.id) : [];
  const order: OrderRow = {
    id,
    account_id: tenant.accountId,
    mode: tenant.mode,
    status: 'OPEN',
    currency: currency.value,
    customer_id: input.customer_id ?? null,
    shipping: shipping.value,
    shipping_tax_rate_ids: shippingRates,
    tip: tip.value,
    paid: 0,
    refunded: 0,
    subtotal: 0,
    discount: 0,
    tax: 0,
    total: 0,
    balance: 0,
    version: 1,
    credit: 0,
    exchange_for_order_id: null,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  };
  const coupons = checkCoupons(codes, context.coupons, {
    currency: currency.value,
    subtotal: subtotalOf(lines.value.lines),
    now,
  });
  if (!coupons.ok) return coupons;
  const draft = { order, lines: lines.value.lines, coupons: coupons.value, payments: [] };
  // The rates were loaded while resolving the lines: no second look-up.
  const known = new Map([...explicitRates, ...defaultRates].map((r) => [r.id, r]));
  const taxRates = taxRateIdsOf(draft).flatMap((rateId) => known.get(rateId) ?? []);
  const pricing = priceWithinLimits(draft, taxRates);
  if (!pricing.ok) return pricing;
  return ok({
    ...draft,
    order: withTotals(order, pricing.value),
    taxRates,
    pricing: pricing.value,
  });
}

/** Checks the coupons the codes named, each against the order and those before it. */
function checkCoupons(
  codes: readonly string[],
  found: readonly (CouponRow | undefined)[],
  order: { readonly currency: string; readonly subtotal: number; readonly now: Date },
): Result<CouponRow[]> {
  const coupons: CouponRow[] = [];
  for (const i of codes.keys()) {
    const coupon = found[i];
    if (!coupon) return fail({ ...missing('coupon'), loc: ['order', 'coupon_codes', i] });
    const checked = checkCoupon(couponRules(coupon), {
      ...order,
      applied: coupons.map(couponRules),
    });
    if (!checked.ok) return fail({ ...checked.error, loc: ['order', 'coupon_codes', i] });
    coupons.push(coupon);
  }
  return ok(coupons);
}
