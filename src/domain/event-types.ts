/**
 * Every event type Flint writes, in one list: webhook endpoints subscribe to these (or to
 * `*`, every type), and `enabled_events` is validated against it.
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
  'refund.pending',
  'refund.requires_action',
  'refund.succeeded',
  'refund.failed',
  'refund.canceled',
  'checkout.session.created',
  'checkout.session.completed',
  'checkout.session.expired',
  'webhook_endpoint.disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Subscribes an endpoint to every event type, including ones added later. */
export const ALL_EVENTS = '*';

/** What `enabled_events` may hold. */
export const SUBSCRIBABLE_EVENTS: readonly string[] = [ALL_EVENTS, ...EVENT_TYPES];

/** Whether an endpoint subscribed to `enabled` receives events of `type`. */
export function isSubscribed(enabled: readonly string[], type: string): boolean {
  return enabled.includes(ALL_EVENTS) || enabled.includes(type);
}
