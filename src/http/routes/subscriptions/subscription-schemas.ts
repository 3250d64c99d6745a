import { Type } from 'typebox';
import { INVOICE_BILLING_REASONS } from '../../../domain/invoices/invoice-values.js';
import {
  BILLING_INTERVALS,
  CANCELLATION_REASONS,
  COUPON_DURATIONS,
  INVOICE_RETRIES_EXHAUSTED_OUTCOMES,
  MISSING_METHOD_OUTCOMES,
  PAUSE_BEHAVIORS,
  PRORATION_BEHAVIORS,
  RETRIES_EXHAUSTED_OUTCOMES,
  SUBSCRIPTION_ACTIONS,
  SUBSCRIPTION_STATUSES,
} from '../../../domain/subscriptions/subscription-values.js';
import {
  Fields,
  Id,
  IdempotencyKey,
  literalUnion,
  MetadataBody,
  ModeAndTimes,
  Nullable,
  Timestamp,
} from '../../schemas.js';
import { Money } from '../orders/order-schemas.js';

// The wire schemas of subscriptions: the resource, its bodies, the upcoming invoice and
// the account's settings.

export const SubscriptionStatus = literalUnion(SUBSCRIPTION_STATUSES);
const Stamp = Nullable(Timestamp);
const PauseCollection = Type.Object({
  behavior: literalUnion(PAUSE_BEHAVIORS),
  resumes_at: Stamp,
});

export const Subscription = Type.Object({
  subscription_id: Type.String(),
  object: Type.Literal('subscription'),
  customer_id: Type.String(),
  status: SubscriptionStatus,
  items: Type.Array(
    Type.Object({
      subscription_item_id: Type.String(),
      plan_id: Type.String(),
      plan_version: Type.Integer({
        description:
          "The plan's version whose terms it bills (a later edit of the plan does not change them)",
      }),
      plan_name: Type.String(),
      quantity: Type.Integer({ description: "Seats: multiplies the plan's per-seat lines" }),
      lines: Type.Array(
        Type.Object({
          name: Type.String(),
          unit_price_money: Money,
          quantity: Type.Integer(),
          price_id: Nullable(Type.String()),
          product_id: Nullable(Type.String()),
        }),
      ),
    }),
  ),
  currency: Type.String(),
  interval: literalUnion(BILLING_INTERVALS),
  interval_count: Type.Integer(),
  billing_cycle_anchor: Nullable({
    ...Timestamp,
    description:
      'Periods start here and every interval after, on the same day (clamped to the month’s last: Jan 31 → Feb 28 → Mar 31)',
  }),
  current_period_start: Stamp,
  current_period_end: Stamp,
  trial_start: Stamp,
  trial_end: Stamp,
  cancel_at_period_end: Type.Boolean(),
  cancel_at: Stamp,
  canceled_at: Stamp,
  ended_at: Stamp,
  cancellation_reason: Nullable(literalUnion(CANCELLATION_REASONS)),
  pause_collection: Nullable(PauseCollection),
  default_payment_method_id: Nullable(Type.String()),
  discount: Nullable(
    Type.Object({
      coupon_id: Type.String(),
      code: Nullable(Type.String()),
      duration: literalUnion(COUPON_DURATIONS),
      duration_in_periods: Nullable(Type.Integer()),
      periods_used: Type.Integer(),
    }),
  ),
  latest_invoice_id: Nullable(Type.String()),
  test_clock: Nullable(Type.String()),
  available_actions: Type.Array(literalUnion(SUBSCRIPTION_ACTIONS)),
  metadata: Type.Record(Type.String(), Type.String()),
  ...ModeAndTimes,
});

const Quantity = Type.Integer({ minimum: 1, maximum: 100_000 });

export const CreateSubscriptionBody = MetadataBody(
  'subscription',
  {
    customer_id: Id('cus'),
    items: Type.Array(
      Fields({
        plan_id: Id('plan'),
        quantity: Type.Optional(Quantity),
        plan_version: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
      }),
      { minItems: 1, maxItems: 20 },
    ),
    trial_period_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 730 })),
    trial_end: Type.Optional(Timestamp),
    billing_cycle_anchor: Type.Optional(Timestamp),
    default_payment_method_id: Type.Optional(Id('pm')),
    coupon_code: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    coupon_duration: Type.Optional(literalUnion(COUPON_DURATIONS)),
    coupon_duration_in_periods: Type.Optional(Type.Integer({ minimum: 1, maximum: 120 })),
    cancel_at_period_end: Type.Optional(Type.Boolean()),
  },
  "Subscribes a customer to plans (one currency and billing interval): with a trial, or paying the first period now with the customer's saved payment method. A billing_cycle_anchor (after now, at most one interval away, not with a trial) starts the periods there: the first, from now to it, is billed prorated",
);

export const UpdateSubscriptionBody = MetadataBody(
  'subscription',
  {
    default_payment_method_id: Type.Optional(Nullable(Id('pm'))),
    cancel_at_period_end: Type.Optional(Type.Boolean()),
  },
  'Metadata is merged ("" removes a key); change plans or quantities with POST …/change',
);

export const PauseCollectionBody = Type.Object(
  {
    pause_collection: Fields({
      behavior: literalUnion(PAUSE_BEHAVIORS),
      resumes_at: Type.Optional(Timestamp),
    }),
  },
  { additionalProperties: false },
);

export const SubscriptionChangeBody = Type.Object(
  {
    subscription_change: Fields(
      {
        items: Type.Array(
          Fields({
            plan_id: Id('plan'),
            quantity: Type.Optional(Quantity),
            plan_version: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
          }),
          { minItems: 1, maxItems: 20 },
        ),
        proration_behavior: Type.Optional(literalUnion(PRORATION_BEHAVIORS)),
        proration_date: Type.Optional(
          Type.Integer({
            minimum: 0,
            maximum: 253_402_300_799,
            description: "Unix seconds in the current period: the preview's, to bill exactly it",
          }),
        ),
        subscription_version: Type.Optional(
          Type.Integer({
            minimum: 1,
            maximum: 2_147_483_647,
            description:
              'The version the preview priced: refused (409) if the subscription changed since',
          }),
        ),
      },
      'The items after the change (every plan kept, with its seats, and any new one). Items all on plans of another interval restart the billing cycle at the change: the unused time is credited and the new interval’s first period billed now',
    ),
    idempotency_key: Type.Optional(IdempotencyKey),
  },
  { additionalProperties: false },
);

export const CancelSubscriptionBody = Type.Object(
  {
    prorate: Type.Optional(
      Type.Boolean({
        description:
          "Credit the current period's unused time (what it was paid, prorated) to the customer's balance",
      }),
    ),
    idempotency_key: Type.Optional(IdempotencyKey),
  },
  { additionalProperties: false },
);

export const UpcomingInvoice = Type.Object({
  object: Type.Literal('upcoming_invoice'),
  subscription_id: Type.String(),
  customer_id: Nullable(Type.String()),
  currency: Type.String(),
  billing_reason: literalUnion(INVOICE_BILLING_REASONS),
  period_start: Stamp,
  period_end: Stamp,
  proration_date: Nullable(
    Type.Integer({
      description:
        'A change’s preview: the instant (Unix seconds) its proration was computed at; give it to the change to bill exactly this',
    }),
  ),
  subscription_version: Type.Integer(),
  lines: Type.Array(
    Type.Object({
      name: Type.String(),
      quantity: Type.Integer(),
      unit_price_money: Money,
      product_id: Nullable(Type.String()),
      discount_money: Money,
      tax_money: Money,
      total_money: Money,
      proration: Type.Boolean(),
    }),
  ),
  subtotal_money: Money,
  discount_money: Money,
  tax_money: Money,
  credit_money: Money,
  total_money: Money,
  amount_due_money: Money,
  unused_time_credit_money: Money,
  ending_credit_balance_money: Money,
});

export const SubscriptionSettings = Type.Object({
  object: Type.Literal('subscription_settings'),
  retry_days: Type.Array(Type.Integer(), {
    description:
      "Days after a period's first failed charge when it is tried again (a soft decline); default [1, 3, 5, 7]",
  }),
  after_retries: literalUnion(RETRIES_EXHAUSTED_OUTCOMES),
  invoice_after_retries: literalUnion(INVOICE_RETRIES_EXHAUSTED_OUTCOMES),
  missing_payment_method: literalUnion(MISSING_METHOD_OUTCOMES),
  trial_will_end_days: Type.Integer(),
  upcoming_days: Type.Integer(),
  test_mode: Type.Boolean(),
});

export const UpdateSubscriptionSettingsBody = Type.Object(
  {
    subscription_settings: Fields({
      retry_days: Type.Optional(
        Type.Array(Type.Integer({ minimum: 1, maximum: 60 }), { maxItems: 8 }),
      ),
      after_retries: Type.Optional(literalUnion(RETRIES_EXHAUSTED_OUTCOMES)),
      invoice_after_retries: Type.Optional(literalUnion(INVOICE_RETRIES_EXHAUSTED_OUTCOMES)),
      missing_payment_method: Type.Optional(literalUnion(MISSING_METHOD_OUTCOMES)),
      trial_will_end_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })),
      upcoming_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 })),
    }),
  },
  { additionalProperties: false },
);
