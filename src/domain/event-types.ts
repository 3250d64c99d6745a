/**
 * Every event type Flint records (PRODUCT.md §4): one per state change of an object, in
 * the transaction that made it. The list filters of GET /v1/events and the CLI name
 * types from here, so a typo is an error rather than an empty answer; webhook endpoints
 * subscribe to these (or to `*`), and `enabled_events` is validated against them.
 */
export const EVENT_TYPES = [
  'order.created',
  'order.updated',
  'order.paid',
  'order.partially_refunded',
  'order.refunded',
  'order.closed',
  'order.canceled',
  'payment_intent.created',
  'payment_intent.requires_action',
  'payment_intent.succeeded',
  'payment_intent.failed',
  'payment_intent.canceled',
  'refund.created',
  'refund.updated',
  'refund.requires_action',
  'refund.succeeded',
  'refund.failed',
  'refund.canceled',
  'checkout.session.created',
  'checkout.session.completed',
  'checkout.session.expired',
  'payment_link.created',
  'payment_link.updated',
  'invoice.created',
  'invoice.updated',
  'invoice.approval_requested',
  'invoice.finalized',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'invoice.paid',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'recovery_link.created',
  'recovery_link.updated',
  'recovery_link.completed',
  'recovery_link.expired',
  'recovery_link.deactivated',
  'invoice.sent',
  'invoice.overdue',
  'return.created',
  'return.updated',
  'return.received',
  'return.completed',
  'return.canceled',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.trial_will_end',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'customer.subscription.deleted',
  'invoice.upcoming',
  'plan.created',
  'plan.updated',
  'webhook_endpoint.disabled',
  'customer.updated',
  'payment_method.attached',
  'payment_method.updated',
  'payment_method.detached',
  'customer_balance_transaction.created',
  'customer_balance_transaction.updated',
  'test_helpers.test_clock.created',
  'test_helpers.test_clock.advancing',
  'test_helpers.test_clock.ready',
  'test_helpers.test_clock.internal_failure',
  'test_helpers.test_clock.deleted',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

const KNOWN: ReadonlySet<string> = new Set(EVENT_TYPES);

export function isEventType(value: string): value is EventType {
  return KNOWN.has(value);
}

/** Subscribes an endpoint to every event type, including ones added later. */
export const ALL_EVENTS = '*';

/** What `enabled_events` may hold. */
export const SUBSCRIBABLE_EVENTS: readonly string[] = [ALL_EVENTS, ...EVENT_TYPES];
