import type { ColumnType, Insertable, Selectable } from 'kysely';
import type { CardBrand, CardFunding } from '../../domain/card-details.js';
import type { CheckoutUiMode } from '../../domain/embedded-pay.js';
import type { OrderStatus } from '../../domain/order-lifecycle.js';
import type {
  ReferenceStatus,
  RefundMethod,
  RefundStatus,
} from '../../domain/refunds/refund-values.js';
import type { Mode } from '../../domain/tenant.js';
import type {
  CheckoutSessionMode,
  CheckoutSessionStatus,
  PaymentIntentStatus,
  ProcessorType,
  RecurringInterval,
} from '../../domain/value-lists.js';
import type {
  Json,
  MetadataAndTimestamps,
  Nullable,
  TenantColumns,
  Timestamp,
  Timestamps,
} from './schema-columns.js';
import type {
  ConsoleSessionsTable,
  ConsoleUsersTable,
  SignInFailuresTable,
} from './schema-console.js';
import type { InvoicePdfsTable, InvoiceSettingsTable, InvoicesTable } from './schema-invoices.js';
import type { DueJobsTable } from './schema-jobs.js';
import type { EmailsTable } from './schema-mail.js';
import type { PaymentMethodsTable } from './schema-payment-methods.js';
import type { PlansTable, PlanVersionsTable } from './schema-plans.js';
import type { RecoveryLinksTable, RecoverySettingsTable } from './schema-recovery.js';
import type { ReturnsTable } from './schema-returns.js';
import type {
  SubscriptionPeriodsTable,
  SubscriptionSettingsTable,
  SubscriptionsTable,
} from './schema-subscriptions.js';
import type { CustomerBalanceTransactionsTable, TestClocksTable } from './schema-test-clocks.js';
import type {
  WebhookDeliveriesTable,
  WebhookDeliveryAttemptsTable,
  WebhookEndpointsTable,
} from './schema-webhooks.js';

export type { Mode };

export interface AccountsTable extends MetadataAndTimestamps {
  id: string;
  name: string;
  default_currency: string;
  /** Whether shipping is taxed (at the default rates). */
  tax_shipping: boolean;
}

export interface ApiKeysTable extends TenantColumns {
  name: string | null;
  key_hash: string;
  redacted: string;
  created_at: Timestamp;
  last_used_at: ColumnType<Date | null, Date | null, Date | null>;
  revoked_at: ColumnType<Date | null, Date | null, Date | null>;
}

export interface CustomersTable extends TenantColumns, MetadataAndTimestamps {
  email: string | null;
  name: string | null;
  phone: string | null;
  description: string | null;
  deleted_at: ColumnType<Date | null, Date | null, Date | null>;
  /** The saved payment method a renewal charges (one of its attached ones), if any. */
  default_payment_method_id: string | null;
  /** The processor's customer its saved methods are attached to (Stripe's `cus_…`). */
  processor_customer_id: string | null;
  /** The test clock the customer lives on (its time), or null: real time. */
  test_clock_id: string | null;
  /** Negative: credit the customer has; changed only with a balance transaction. */
  balance: number;
  /** The balance's currency, set by its first transaction. */
  currency: string | null;
}

export interface IdempotencyKeysTable {
  account_id: string;
  mode: Mode;
  key: string;
  fingerprint: string;
  state: 'in_flight' | 'completed';
  response_status: number | null;
  response_body: string | null;
  created_at: Timestamp;
  locked_at: Timestamp;
  expires_at: Timestamp;
  /** The instance running the request while in flight (`flint_instances`). */
  owner_instance_id: string | null;
}

/** A running Flint process; its times come from the database's clock (`now()`). */
export interface FlintInstancesTable {
  id: string;
  started_at: ColumnType<Date, Date | undefined, never>;
  heartbeat_at: ColumnType<Date, Date | undefined, Date>;
  alive_until: Timestamp;
}

export interface ProductsTable extends TenantColumns, MetadataAndTimestamps {
  name: string;
  description: string | null;
  active: boolean;
  inventory_tracked: boolean;
  inventory_quantity: number | null;
}

export type { RecurringInterval };

export interface PricesTable extends TenantColumns, MetadataAndTimestamps {
  product_id: string;
  unit_amount: number;
  currency: string;
  recurring_interval: RecurringInterval | null;
  recurring_interval_count: number | null;
  active: boolean;
}

export interface TaxRatesTable extends TenantColumns, MetadataAndTimestamps {
  display_name: string;
  /** Canonical decimal text, e.g. "8.875". */
  percentage: string;
  inclusive: boolean;
  jurisdiction: string | null;
  is_default: boolean;
  active: boolean;
}

export interface CouponsTable extends TenantColumns, MetadataAndTimestamps {
  code: string;
  name: string | null;
  percent_off: string | null;
  amount_off: number | null;
  currency: string | null;
  max_redemptions: number | null;
  times_redeemed: number;
  redeem_by: Nullable<Date>;
  min_subtotal: number | null;
  applies_to: ColumnType<string[] | null, string | null, string | null>;
  stackable: boolean;
  active: boolean;
}

export interface OrdersTable extends TenantColumns, MetadataAndTimestamps {
  status: OrderStatus;
  currency: string;
  customer_id: string | null;
  shipping: number;
  /** The rates that tax shipping, fixed when the order was created. */
  shipping_tax_rate_ids: ColumnType<string[], string, string>;
  tip: number;
  paid: number;
  refunded: number;
  subtotal: number;
  discount: number;
  tax: number;
  total: number;
  balance: number;
  version: number;
  /** What an exchange's return credits this follow-up order (after tax, like store credit). */
  credit: number;
  /** The order this one is an exchange for (its return's credit is on this one). */
  exchange_for_order_id: string | null;
}

export interface OrderLineItemsTable {
  id: string;
  order_id: string;
  position: number;
  name: string;
  quantity: number;
  unit_amount: number;
  product_id: string | null;
  price_id: string | null;
  /** The line's own rates (overriding the defaults); null uses the account defaults. */
  tax_rate_ids: ColumnType<string[] | null, string | null, string | null>;
  tax_exempt: boolean;
  metadata: Json<Record<string, string>>;
}

export interface OrderCouponsTable {
  order_id: string;
  coupon_id: string;
  position: number;
}

export interface EventsTable extends TenantColumns {
  type: string;
  object_type: string;
  object_id: string;
  actor_type: 'api_key' | 'admin' | 'system' | 'console_user';
  actor_id: string | null;
  data: Json<Record<string, unknown>>;
  amounts_before: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  amounts_after: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  created_at: Timestamp;
  /**
   * The event's number among its object's events: 1 for the first, then one more each, in
   * commit order (`insertEventsQuery` computes it in the insert; unique per object).
   */
  sequence: number;
  /** When the webhook worker fanned it out to the subscribed endpoints (null: not yet). */
  dispatched_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type { PaymentIntentStatus };

export interface PaymentIntentsTable extends TenantColumns, Timestamps {
  order_id: string;
  amount: number;
  currency: string;
  status: PaymentIntentStatus;
  processor: string;
  processor_payment_id: string | null;
  latest_charge: string | null;
  amount_received: number;
  buyer_email: string | null;
  completes_order: boolean;
  payment_source: string | null;
  /** The client's Idempotency-Key, to resume this payment on a retry. */
  request_key: string | null;
  failure_code: string | null;
  failure_message: string | null;
  metadata: Json<Record<string, string>>;
  /** The card as the processor reported it with the outcome; all null until then. */
  card_brand: CardBrand | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
  card_funding: CardFunding | null;
  /** The saved payment method it charged (`payment_source` is then its processor id). */
  payment_method_id: string | null;
  /** Charged with the buyer away (a renewal): authentication fails instead of waiting. */
  off_session: boolean;
  /** The processor's customer of the saved method. */
  processor_customer_id: string | null;
}

export type { ReferenceStatus, RefundStatus };

export interface RefundsTable extends TenantColumns, MetadataAndTimestamps {
  order_id: string;
  payment_intent_id: string;
  checkout_session_id: string | null;
  amount: number;
  currency: string;
  status: RefundStatus;
  reason: string | null;
  failure_reason: string | null;
  reference_id: string | null;
  reference_type: string;
  reference_status: ReferenceStatus;
  amount_tax: number;
  amount_shipping: number;
  amount_discount: number;
  /** The part of `amount_tax` that was shipping's. */
  amount_shipping_tax: number;
  /** Planned from lines and components (refund_line_items may hold its lines). */
  itemized: boolean;
  /** Through the processor, or made outside Flint and recorded (succeeded at once). */
  method: RefundMethod;
  /** The failed refund this one makes good (a retry, or the money returned offline). */
  replaces_refund_id: string | null;
  /** The client's Idempotency-Key, to resume this refund on a retry. */
  request_key: string | null;
}

/** What an itemized refund took from one order line. */
export interface RefundLineItemsTable {
  refund_id: string;
  line_item_id: string;
  amount: number;
  amount_tax: number;
}

export interface RefundItemsTable {
  refund_id: string;
  payment_intent_id: string;
  amount: number;
  status: RefundStatus;
  processor_refund_id: string | null;
  reference_id: string | null;
  reference_status: ReferenceStatus;
  failure_reason: string | null;
}

export interface CheckoutSessionsTable extends TenantColumns, Timestamps {
  /** What the session does: pay an order, or save a customer's card (then no order). */
  session_mode: CheckoutSessionMode;
  /** Payment sessions: the order paid (null in setup mode). */
  order_id: string | null;
  /** Setup sessions: whose card is saved (a payment session shows its order's customer). */
  customer_id: string | null;
  /** Setup sessions, once complete: the payment method saved on the page. */
  payment_method_id: string | null;
  status: CheckoutSessionStatus;
  /** Hosted sessions only (embedded ones lead to `return_url`). */
  success_url: string | null;
  cancel_url: string | null;
  metadata: Json<Record<string, string>>;
  /** Shown on its own page, or framed in the merchant's (embedded pay). */
  ui_mode: CheckoutUiMode;
  /** Embedded: the origins that may frame it (`frame-ancestors`), normalized. */
  allowed_origins: Json<readonly string[]>;
  /** Embedded: where the merchant's page goes once it is paid. */
  return_url: string | null;
  /** When an open session stops taking payment and expires. */
  expires_at: Timestamp;
}

/** The card processor of one account in one mode; Stripe secrets are sealed (secret-box.ts). */
export interface ProcessorSettingsTable extends Timestamps {
  account_id: string;
  mode: Mode;
  processor: ProcessorType;
  stripe_secret_key: string | null;
  stripe_secret_key_redacted: string | null;
  stripe_webhook_secret: string | null;
  stripe_webhook_secret_redacted: string | null;
  /** Public: Stripe.js runs with it on the hosted page. */
  stripe_publishable_key: string | null;
}

/** A payment link's line, as stored in its JSON column. */
export interface PaymentLinkLine {
  readonly price_id: string;
  readonly quantity: number;
  readonly adjustable_quantity: {
    readonly enabled: boolean;
    readonly minimum: number;
    readonly maximum: number;
  } | null;
}

export interface PaymentLinksTable extends TenantColumns, MetadataAndTimestamps {
  active: boolean;
  currency: string;
  line_items: Json<PaymentLinkLine[]>;
  redirect_url: string | null;
  /** Where the checkout page's "Cancel" link goes (copied to each session). */
  cancel_url: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  customers: CustomersTable;
  idempotency_keys: IdempotencyKeysTable;
  flint_instances: FlintInstancesTable;
  settings: SettingsTable;
  products: ProductsTable;
  prices: PricesTable;
  tax_rates: TaxRatesTable;
  coupons: CouponsTable;
  orders: OrdersTable;
  order_line_items: OrderLineItemsTable;
  order_coupons: OrderCouponsTable;
  events: EventsTable;
  payment_intents: PaymentIntentsTable;
  refunds: RefundsTable;
  refund_items: RefundItemsTable;
  refund_line_items: RefundLineItemsTable;
  checkout_sessions: CheckoutSessionsTable;
  payment_links: PaymentLinksTable;
  invoices: InvoicesTable;
  returns: ReturnsTable;
  subscriptions: SubscriptionsTable;
  subscription_periods: SubscriptionPeriodsTable;
  subscription_settings: SubscriptionSettingsTable;
  payment_methods: PaymentMethodsTable;
  invoice_settings: InvoiceSettingsTable;
  invoice_pdfs: InvoicePdfsTable;
  processor_settings: ProcessorSettingsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
  console_users: ConsoleUsersTable;
  console_sessions: ConsoleSessionsTable;
  sign_in_failures: SignInFailuresTable;
  emails: EmailsTable;
  due_jobs: DueJobsTable;
  recovery_links: RecoveryLinksTable;
  recovery_settings: RecoverySettingsTable;
  plans: PlansTable;
  plan_versions: PlanVersionsTable;
  test_clocks: TestClocksTable;
  customer_balance_transactions: CustomerBalanceTransactionsTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;
export type NewCustomer = Insertable<CustomersTable>;
export type ProductRow = Selectable<ProductsTable>;
export type PriceRow = Selectable<PricesTable>;
export type TaxRateRow = Selectable<TaxRatesTable>;
export type CouponRow = Selectable<CouponsTable>;
export type OrderRow = Selectable<OrdersTable>;
export type OrderLineItemRow = Selectable<OrderLineItemsTable>;
/** An event as written; the outbox's `dispatched_at` is the webhook worker's business. */
export type EventRow = Omit<Selectable<EventsTable>, 'dispatched_at'>;
/** An event not yet written: the insert numbers it (`sequence`) among its object's. */
export type NewEventRow = Omit<EventRow, 'sequence'>;
export type PaymentIntentRow = Selectable<PaymentIntentsTable>;
export type RefundRow = Selectable<RefundsTable>;
export type RefundItemRow = Selectable<RefundItemsTable>;
export type RefundLineItemRow = Selectable<RefundLineItemsTable>;
export type CheckoutSessionRow = Selectable<CheckoutSessionsTable>;
export type PaymentLinkRow = Selectable<PaymentLinksTable>;
export type ProcessorSettingsRow = Selectable<ProcessorSettingsTable>;
