import type { Kysely } from 'kysely';
import { selectOrderAggregate } from '../../adapters/db/repos/orders-repo.js';
import { selectPaymentIntentById } from '../../adapters/db/repos/payment-intents-repo.js';
import { selectRefundsByOrder } from '../../adapters/db/repos/refunds-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Metadata } from '../../domain/metadata.js';
import { sum } from '../../domain/money.js';
import { moneyOf, requireAction } from '../../domain/order-lifecycle.js';
import {
  type OrderRefundFacts,
  planRefund,
  type RefundPlan,
  type RefundRequest,
  refundableOrderOf,
} from '../../domain/refunds/refund-planning.js';
import { checkReplaceable, refundableCharges } from '../../domain/refunds/refund-policy.js';
import type { RefundMethod, RefundReason } from '../../domain/refunds/refund-values.js';
import type { Tenant } from '../../domain/tenant.js';
import type { OrderView } from '../../resources/order.js';
import { viewOrder } from '../orders/order-pricing.js';
import type { TenantContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';

// Reading a refund request against its order: which order, and what the refund would do
// (the rules are the domain's, `refund-planning.ts` and `refund-policy.ts`).

export type { RefundPlan } from '../../domain/refunds/refund-planning.js';

export interface CreateRefundInput extends RefundRequest {
  readonly order_id?: string | undefined;
  readonly reason?: RefundReason | null | undefined;
  readonly metadata?: Metadata | undefined;
  /**
   * How the money goes back: through the processor (the default), or made outside Flint
   * and recorded here (succeeded at once; nothing is sent to the processor).
   */
  readonly method?: RefundMethod | undefined;
  /**
   * A failed refund of the order this one makes good: refused if another refund already
   * took its place (unless that one was canceled), so it is made good only once; a
   * replacement that failed too is the one to make good next.
   */
  readonly replaces_refund_id?: string | undefined;
}

/** Where a refund request came from: the body's root key, and the checkout session if any. */
export interface RefundOrigin {
  readonly root: 'refund' | 'checkout_session';
  readonly checkoutSessionId: string | null;
}

export const DIRECT: RefundOrigin = { root: 'refund', checkoutSessionId: null };

/** Which order a refund request is for: the one named, or the payment intent's. */
export async function orderIdOf(
  deps: Deps,
  tenant: Tenant,
  input: CreateRefundInput,
): Promise<Result<string>> {
  if (input.payment_intent_id) {
    const intent = await selectPaymentIntentById(deps.db, tenant, input.payment_intent_id);
    if (!intent)
      return fail({ ...missing('payment intent'), loc: ['refund', 'payment_intent_id'] });
    if (input.order_id && input.order_id !== intent.order_id) {
      return fail({
        code: 'parameter_invalid',
        message: 'The payment intent belongs to another order',
        loc: ['refund', 'order_id'],
      });
    }
    return ok(intent.order_id);
  }
  if (input.order_id) return ok(input.order_id);
  return fail({
    code: 'parameter_invalid',
    message: 'Give order_id or payment_intent_id',
    loc: ['refund'],
  });
}

/** The order's priced lines and components, as an itemized refund reads them. */
export function orderRefundFacts(view: OrderView): OrderRefundFacts {
  const priced = new Map(view.pricing.lines.map((l) => [l.id, l]));
  return {
    lines: view.lines.map((row) => {
      const line = priced.get(row.id);
      if (!line) throw new Error(`line ${row.id} was not priced`);
      return {
        id: row.id,
        productId: row.product_id,
        priceId: row.price_id,
        amount: line.taxable,
        tax: line.total - line.taxable,
      };
    }),
    exclusiveTax: sum(view.pricing.taxes.filter((t) => !t.inclusive).map((t) => t.amount)),
    shipping: view.order.shipping,
    discount: view.pricing.net.discount,
  };
}

/**
 * Plans a refund against an order (under its lock when it is to be created): the order
 * must allow refunds, a failed refund it makes good must be open, then the domain plans
 * the amount and the charges it draws on.
 */
export async function planOrderRefund(
  tx: Kysely<Database>,
  view: OrderView,
  { input, origin }: { readonly input: CreateRefundInput; readonly origin: RefundOrigin },
): Promise<Result<RefundPlan>> {
  const allowed = requireAction(view.order.status, 'refund', moneyOf(view));
  if (!allowed.ok) return allowed;
  const refunds = await selectRefundsByOrder(tx, view.order.id);
  if (input.replaces_refund_id) {
    const loc = [origin.root, 'replaces_refund_id'];
    const replaceable = checkReplaceable(refunds, input.replaces_refund_id, loc);
    if (!replaceable.ok) return replaceable;
  }
  return planRefund(
    input,
    {
      currency: view.order.currency,
      charges: refundableCharges(view.payments, refunds),
      order: () => refundableOrderOf(orderRefundFacts(view), refunds),
    },
    origin.root,
  );
}

/** Shows what a refund would do, and creates nothing. */
export async function previewRefund(
  { deps, tenant }: TenantContext,
  input: CreateRefundInput,
  { origin = DIRECT }: { readonly origin?: RefundOrigin | undefined } = {},
): Promise<Result<RefundPlan & { orderId: string }>> {
  const orderId = await orderIdOf(deps, tenant, input);
  if (!orderId.ok) return orderId;
  const aggregate = await selectOrderAggregate(deps.db, tenant, orderId.value);
  if (!aggregate) return fail({ ...missing('order'), loc: ['refund', 'order_id'] });
  const view = await viewOrder(deps.db, tenant, aggregate);
  const planned = await planOrderRefund(deps.db, view, { input, origin });
  return planned.ok ? ok({ ...planned.value, orderId: orderId.value }) : planned;
}
