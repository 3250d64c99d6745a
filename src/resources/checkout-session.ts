import type { RefundAggregate } from '../adapters/db/repos/refunds-repo.js';
import type { CheckoutSessionRow, CustomerRow } from '../adapters/db/schema.js';
import { type OrderView, orderResource } from './order.js';
import { refundResource } from './refund.js';

/** A payment session's row: it always has its order. */
export type PaymentSessionRow = CheckoutSessionRow & { readonly order_id: string };

/** A payment session with what it shows: its order (priced now), the customer, the refunds. */
export interface PaymentSessionView {
  readonly session: PaymentSessionRow;
  readonly order: OrderView;
  readonly customer: CustomerRow | null;
  readonly refunds: readonly RefundAggregate[];
}

/** A setup session (`mode: "setup"`): no order, no amount; the customer whose card it saves. */
export interface SetupSessionView {
  readonly session: CheckoutSessionRow;
  readonly order: null;
  /** Null once the customer is deleted. */
  readonly customer: CustomerRow | null;
  readonly refunds: readonly [];
}

export type CheckoutSessionView = PaymentSessionView | SetupSessionView;

/** Whether a session's row is a payment session's (it has an order). */
export function isPaymentSession(session: CheckoutSessionRow): session is PaymentSessionRow {
  return session.session_mode === 'payment' && session.order_id !== null;
}

/**
 * The checkout session exactly as the refund guide shows it (flat amounts, lower-case
 * currency, nested customer and payment intent), plus `order_id` and `url`.
 */
export function checkoutSessionUrl(baseUrl: string, id: string): string {
  return `${baseUrl}/checkout/${id}`;
}

export function checkoutSessionResource(view: CheckoutSessionView, baseUrl: string) {
  const { session, order, customer } = view;
  const payments = order?.payments ?? [];
  const intent =
    [...payments].reverse().find((p) => p.status === 'succeeded') ??
    payments[payments.length - 1] ??
    null;
  return {
    checkout_session_id: session.id,
    object: 'checkout_session' as const,
    mode: session.session_mode,
    status: session.status,
    // A setup session has no order, so no amount and no currency (as Stripe's).
    amount_total: order ? order.pricing.net.total : null,
    amount_subtotal: order ? order.pricing.net.subtotal : null,
    currency: order ? order.order.currency.toLowerCase() : null,
    customer: customer
      ? { customer_id: customer.id, email: customer.email, name: customer.name }
      : null,
    payment_intent: intent
      ? {
          payment_intent_id: intent.id,
          amount: intent.amount,
          amount_received: intent.amount_received,
          status: intent.status,
        }
      : null,
    payment_intent_id: intent?.id ?? null,
    latest_charge: intent?.latest_charge ?? null,
    payment_method_id: session.payment_method_id,
    line_items: order ? orderResource(order).line_items : [],
    refunds: view.refunds.map(refundResource),
    order_id: order ? order.order.id : null,
    url: checkoutSessionUrl(baseUrl, session.id),
    ...sessionEnd(session),
  };
}

/**
 * A checkout session as its events carry it: the session's own fields, and its `url` when
 * Flint knows its public address (`FLINT_PUBLIC_URL`; events are written without a
 * request to take it from). Its amounts, lines and payment are its order's (in the
 * order's events of the same change): GET the session for those.
 */
export function checkoutSessionEventObject(
  session: CheckoutSessionRow,
  publicUrl: string | undefined,
) {
  return {
    checkout_session_id: session.id,
    object: 'checkout_session' as const,
    mode: session.session_mode,
    status: session.status,
    order_id: session.order_id,
    // A setup session's customer and, once complete, the method saved (GET it for the card).
    ...(session.session_mode === 'setup'
      ? { customer_id: session.customer_id, payment_method_id: session.payment_method_id }
      : {}),
    ...(publicUrl === undefined ? {} : { url: checkoutSessionUrl(publicUrl, session.id) }),
    ...sessionEnd(session),
  };
}

/** What a session ends with, after its `url`: the same in the API and in events. */
function sessionEnd(session: CheckoutSessionRow) {
  return {
    success_url: session.success_url,
    cancel_url: session.cancel_url,
    ui_mode: session.ui_mode,
    allowed_origins: [...session.allowed_origins],
    return_url: session.return_url,
    metadata: session.metadata,
    test_mode: session.mode === 'test',
    expires_at: session.expires_at.toISOString(),
    created_at: session.created_at.toISOString(),
    updated_at: session.updated_at.toISOString(),
  };
}
