// A subscription's closed lists of values, each declared once: the wire schemas
// (`literalUnion`), the row types, the console's options and the domain's rules derive
// from these.

/** A subscription's status, with Stripe's names; `subscription-state.ts` moves it. */
export const SUBSCRIPTION_STATUSES = [
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'canceled',
  'paused',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** What a caller can do to a subscription; each answer lists the ones it allows. */
export const SUBSCRIPTION_ACTIONS = [
  'update',
  'cancel',
  'cancel_at_period_end',
  'reactivate',
  'pause_collection',
  'resume_collection',
  'resume',
] as const;
export type SubscriptionAction = (typeof SUBSCRIPTION_ACTIONS)[number];

/** What happens to a subscription by itself: its payments, its clock, its dunning. */
export const SUBSCRIPTION_EVENTS = [
  'first_payment_succeeded',
  'first_payment_expired',
  'trial_ended',
  'period_paid',
  'period_failed',
  'period_unattempted',
  'invoice_paid',
  'trial_ended_without_method_pause',
  'trial_ended_without_method_cancel',
  'retries_exhausted_unpaid',
  'retries_exhausted_cancel',
  'period_end_cancel',
] as const;
export type SubscriptionEvent = (typeof SUBSCRIPTION_EVENTS)[number];

export type { RecurringInterval as BillingInterval } from '../value-lists.js';
/** How often a subscription bills: every `interval_count` of these (a recurring price's). */
export { RECURRING_INTERVALS as BILLING_INTERVALS } from '../value-lists.js';

/** While collection is paused, a period's invoice is voided or kept as a draft (Stripe's names). */
export const PAUSE_BEHAVIORS = ['void', 'keep_as_draft'] as const;
export type PauseBehavior = (typeof PAUSE_BEHAVIORS)[number];

/** How long a subscription's coupon applies (Stripe's `duration`). */
export const COUPON_DURATIONS = ['once', 'repeating', 'forever'] as const;
export type CouponDuration = (typeof COUPON_DURATIONS)[number];

/**
 * How a change mid-period is billed (Stripe's `proration_behavior`): the proration invoiced
 * and charged now (`always_invoice`, Flint's default), its lines added to the next renewal's
 * invoice (`create_prorations`), or nothing billed (the new terms from the next period).
 */
export const PRORATION_BEHAVIORS = ['always_invoice', 'create_prorations', 'none'] as const;
export type ProrationBehavior = (typeof PRORATION_BEHAVIORS)[number];

/**
 * After the last retry of a period's payment fails (an account setting, as Stripe's): the
 * subscription `unpaid` (billed, not charged), `canceled`, or left `past_due` (still
 * charged each period).
 */
export const RETRIES_EXHAUSTED_OUTCOMES = ['unpaid', 'canceled', 'past_due'] as const;
export type RetriesExhaustedOutcome = (typeof RETRIES_EXHAUSTED_OUTCOMES)[number];

/** …and its unpaid invoice: left `open`, or marked `uncollectible` (it can still be paid). */
export const INVOICE_RETRIES_EXHAUSTED_OUTCOMES = ['open', 'uncollectible'] as const;
export type InvoiceRetriesExhaustedOutcome = (typeof INVOICE_RETRIES_EXHAUSTED_OUTCOMES)[number];

/** A trial that ends with no payment method (an account setting; Stripe's `missing_payment_method`). */
export const MISSING_METHOD_OUTCOMES = ['create_invoice', 'pause', 'cancel'] as const;
export type MissingMethodOutcome = (typeof MISSING_METHOD_OUTCOMES)[number];

/** Why a subscription was canceled. */
export const CANCELLATION_REASONS = [
  'requested',
  'payment_failed',
  'trial_ended_without_payment_method',
  'incomplete_expired',
] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

/** How a failed charge is followed up (`dunning.ts`). */
export const DECLINE_CLASSES = ['soft', 'hard', 'authentication_required'] as const;
export type DeclineClass = (typeof DECLINE_CLASSES)[number];
