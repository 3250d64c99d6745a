// Closed lists of values, each declared once (`as const`): the TypeScript types, the wire
// schemas (`literalUnion` in src/http/schemas.ts), the database row types and the
// console's options derive from them. A capability with its own rules keeps its lists
// beside them: order statuses in order-lifecycle.ts, refunds' in refunds/refund-values.ts,
// console roles in console-roles.ts.

/** A payment intent's status. */
export const PAYMENT_INTENT_STATUSES = [
  'requires_payment_method',
  'requires_action',
  'processing',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type PaymentIntentStatus = (typeof PAYMENT_INTENT_STATUSES)[number];

/** A checkout session's status. */
export const CHECKOUT_SESSION_STATUSES = ['open', 'complete', 'expired'] as const;
export type CheckoutSessionStatus = (typeof CHECKOUT_SESSION_STATUSES)[number];

/** What a checkout session does: pay an order, or save a customer's card for later. */
export const CHECKOUT_SESSION_MODES = ['payment', 'setup'] as const;
export type CheckoutSessionMode = (typeof CHECKOUT_SESSION_MODES)[number];

/** A webhook endpoint's status, and why a disabled one is. */
export const WEBHOOK_ENDPOINT_STATUSES = ['enabled', 'disabled'] as const;
export type WebhookEndpointStatus = (typeof WEBHOOK_ENDPOINT_STATUSES)[number];
export const WEBHOOK_DISABLED_REASONS = ['requested', 'gone', 'failing'] as const;
export type WebhookDisabledReason = (typeof WEBHOOK_DISABLED_REASONS)[number];

/** A webhook delivery's status. */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** The card processors an account can use. */
export const PROCESSOR_TYPES = ['sandbox', 'stripe'] as const;
export type ProcessorType = (typeof PROCESSOR_TYPES)[number];

/** How often a recurring price or a plan bills: every `interval_count` of these. */
export const RECURRING_INTERVALS = ['day', 'week', 'month', 'year'] as const;
export type RecurringInterval = (typeof RECURRING_INTERVALS)[number];
