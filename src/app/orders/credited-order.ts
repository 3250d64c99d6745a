import type { Kysely } from 'kysely';
import { writeAsOne } from '../../adapters/db/one-statement.js';
import type { Database } from '../../adapters/db/schema.js';
import { ok, type Result } from '../../domain/errors.js';
import type { OrderView } from '../../resources/order.js';
import { takeCustomerCreditIn } from '../customers/customer-balance.js';
import { completeWithoutPayment } from '../payments/complete-without-payment.js';
import type { ChangeContext } from '../shared/command-context.js';
import { type CreateOrderInput, draftOrder, newOrderWrites } from './create-order.js';
import { priceWith, withTotals } from './order-pricing.js';

// An order made inside another capability's transaction with a `credit`: a pricing
// component after tax (it lowers no taxable amount), like an exchange's store credit.
// total = subtotal − discount + exclusive tax + shipping + tip − credit. A credited order is
// frozen (its lines, coupons and cancel refused: the credit would be stranded); one whose
// credit covers it all is PAID at once through `completeWithoutPayment`, with no payment
// intent and no processor call.

export interface CreditedOrderInput {
  /** The order as `POST /v1/orders` takes it. */
  readonly order: CreateOrderInput;
  /** At most this much credit (the order takes min(credit, what it comes to)). */
  readonly credit: number;
  readonly now: Date;
}

/** What a credited order was made with: the order as written and the credit it took. */
export interface CreditedOrder {
  readonly view: OrderView;
  readonly credit: number;
}

/**
 * Drafts, credits and writes an order in the caller's transaction (`order.created`, then
 * `order.paid` when nothing is left to pay: the credit covers it, or a trial or a 100 %
 * coupon made it 0). Its refusals are `draftOrder`'s (their `loc` under `order`).
 */
export async function createCreditedOrderIn(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  { order, credit, now }: CreditedOrderInput,
): Promise<Result<CreditedOrder>> {
  return makeCreditedOrder(tx, ctx, { order, now, creditFor: async () => credit });
}

/**
 * `createCreditedOrderIn` with the credit taken from the order's customer's balance: as
 * much as it has in the order's currency, up to what the order comes to
 * (`takeCustomerCreditIn`, an `applied_to_order` balance transaction). No customer, or no
 * credit: an order like any other.
 */
export async function createOrderOnCustomerBalanceIn(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  { order, now }: Omit<CreditedOrderInput, 'credit'>,
): Promise<Result<CreditedOrder>> {
  return makeCreditedOrder(tx, ctx, {
    order,
    now,
    creditFor: async (draft) => {
      const customerId = draft.order.customer_id;
      if (customerId === null) return 0;
      return takeCustomerCreditIn(tx, ctx.tenant, {
        customerId,
        currency: draft.order.currency,
        upTo: draft.pricing.net.total,
        orderId: draft.order.id,
        now,
      });
    },
  });
}

async function makeCreditedOrder(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: {
    readonly order: CreateOrderInput;
    readonly now: Date;
    readonly creditFor: (draft: OrderView) => Promise<number>;
  },
): Promise<Result<CreditedOrder>> {
  const drafted = await draftOrder(tx, { tenant: ctx.tenant, now: p.now }, p.order);
  if (!drafted.ok) return drafted;
  const draft = drafted.value;
  const wanted = await p.creditFor(draft);
  const credit = Math.max(0, Math.min(wanted, draft.pricing.net.total));
  const view = credit > 0 ? credited(draft, credit) : draft;
  await writeAsOne(tx, newOrderWrites(tx, ctx, view));
  if (view.pricing.net.total > 0) return ok({ view, credit });
  const paid = await completeWithoutPayment(tx, ctx, { before: view, now: p.now });
  return paid.ok ? ok({ view: paid.value, credit }) : paid;
}

/** The order priced again with its credit. */
function credited(view: OrderView, credit: number): OrderView {
  const order = { ...view.order, credit };
  const pricing = priceWith({ ...view, order }, view.taxRates);
  return { ...view, order: withTotals(order, pricing), pricing };
}
