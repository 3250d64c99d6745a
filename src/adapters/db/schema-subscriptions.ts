import type { Selectable } from 'kysely';
import type {
  BillingInterval,
  CancellationReason,
  CouponDuration,
  InvoiceRetriesExhaustedOutcome,
  MissingMethodOutcome,
  PauseBehavior,
  RetriesExhaustedOutcome,
  SubscriptionStatus,
} from '../../domain/subscriptions/subscription-values.js';
import type { Mode } from '../../domain/tenant.js';
import type { Json, MetadataAndTimestamps, Nullable, TenantColumns } from './schema-columns.js';

/** A line a subscription bills each period, copied from its plan's version. */
export interface SubscriptionLine {
  readonly name: string;
  readonly unit_amount: number;
  readonly quantity: number;
  /** The item's quantity (seats) multiplies the line's. */
  readonly per_seat: boolean;
  readonly price_id: string | null;
  readonly product_id: string | null;
  /** The line's own tax rates; null: the account's defaults, as an order line without them. */
  readonly tax_rate_ids: readonly string[] | null;
  readonly tax_exempt: boolean;
}

/** One plan on a subscription: its version's terms, frozen, and the seats. */
export interface SubscriptionItem {
  readonly id: string;
  readonly plan_id: string;
  readonly plan_version: number;
  readonly plan_name: string;
  readonly quantity: number;
  readonly lines: readonly SubscriptionLine[];
}

/** The coupon a subscription's periods get, and for how many of them. */
export interface SubscriptionCoupon {
  readonly coupon_id: string;
  readonly code: string | null;
  readonly duration: CouponDuration;
  /** For `repeating`: how many periods in all. */
  readonly duration_in_periods: number | null;
  /** The periods billed with it so far. */
  readonly periods_used: number;
}

/**
 * A prorated line waiting for the next renewal (a change with `create_prorations`): an
 * order line input, as the period's order takes it.
 */
export interface PendingLine {
  readonly name: string;
  readonly quantity: number;
  readonly unit_price_money: { readonly amount: number };
  readonly product_id?: string;
  readonly tax_exempt?: boolean;
  readonly tax_rate_ids?: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
}

export interface PauseCollection {
  readonly behavior: PauseBehavior;
  readonly resumes_at: string | null;
}

export interface SubscriptionsTable extends TenantColumns, MetadataAndTimestamps {
  customer_id: string;
  status: SubscriptionStatus;
  items: Json<SubscriptionItem[]>;
  currency: string;
  interval: BillingInterval;
  interval_count: number;
  billing_cycle_anchor: Date;
  /** The current period's index from the anchor (0 is the one starting at the anchor). */
  period_index: number;
  current_period_start: Date;
  current_period_end: Date;
  trial_start: Nullable<Date>;
  trial_end: Nullable<Date>;
  cancel_at_period_end: boolean;
  canceled_at: Nullable<Date>;
  ended_at: Nullable<Date>;
  cancellation_reason: CancellationReason | null;
  pause_collection: Json<PauseCollection | null>;
  default_payment_method_id: string | null;
  coupon: Json<SubscriptionCoupon | null>;
  latest_invoice_id: string | null;
  test_clock_id: string | null;
  /** Bumped by every change: a preview's `proration_date` names the version it priced. */
  version: number;
  /** The create request's Idempotency-Key, when it had one. */
  request_key: string | null;
  /** Where its mails link to: the creating request's base URL (null before migration 0034). */
  base_url: string | null;
  /** Prorations billed with the next renewal (`create_prorations`), oldest first. */
  pending_lines: Json<PendingLine[]>;
}

export type SubscriptionRow = Selectable<SubscriptionsTable>;

export interface SubscriptionPeriodsTable {
  account_id: string;
  mode: Mode;
  subscription_id: string;
  period_index: number;
  period_start: Date;
  period_end: Date;
  order_id: string | null;
  invoice_id: string | null;
  created_at: Date;
}

export type SubscriptionPeriodRow = Selectable<SubscriptionPeriodsTable>;

export interface SubscriptionSettingsTable {
  account_id: string;
  mode: Mode;
  /** Days after a period's first failed charge when it is tried again. */
  retry_days: Json<number[]>;
  after_retries: RetriesExhaustedOutcome;
  invoice_after_retries: InvoiceRetriesExhaustedOutcome;
  missing_payment_method: MissingMethodOutcome;
  trial_will_end_days: number;
  upcoming_days: number;
}

export type SubscriptionSettingsRow = Selectable<SubscriptionSettingsTable>;
