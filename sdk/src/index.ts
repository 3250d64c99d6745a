import { Api } from './api.js';
import { CustomerBalanceTransactions } from './customer-balance.js';
import { InvoiceSettingsResource, Invoices } from './invoices.js';
import { PaymentMethods } from './payment-methods.js';
import { Plans } from './plans.js';
import { RecoveryLinks } from './recovery-links.js';
import {
  CheckoutSessions,
  ConsoleUsers,
  Coupons,
  Customers,
  Events,
  Orders,
  PaymentIntents,
  PaymentLinks,
  Prices,
  Products,
  Refunds,
  TaxRates,
  TestHelpers,
  WebhookEndpoints,
} from './resources.js';
import { Returns } from './returns.js';
import { SubscriptionSettingsResource, Subscriptions } from './subscriptions.js';
import { TestClocks } from './test-clocks.js';
import { type FlintOptions, Transport } from './transport.js';
import { signForTest, verify } from './webhooks.js';

export type {
  CustomerBalanceTransaction,
  CustomerBalanceTransactionCreateParams,
} from './customer-balance.js';
export {
  type FlintCompleteEvent,
  type FlintEmbed,
  type FlintEmbedded,
  type FlintMountOptions,
  type FlintMountTarget,
  loadFlintEmbed,
  mountCheckout,
} from './embed.js';
export * from './errors.js';
export type { Invoice, InvoicePayParams, InvoicePayResult } from './invoices.js';
export type { ListParams, Page, PageList } from './pagination.js';
export type { PaymentMethodAttachParams } from './payment-methods.js';
export type { Plan, PlanCreateParams, PlanUpdateParams, PlanVersion } from './plans.js';
export type { RecoveryLink, RecoverySettings } from './recovery-links.js';
export type {
  ConsoleUser,
  Payment,
  PayParams,
  PayResult,
  TimelineEntry,
  WebhookDelivery,
} from './resources.js';
export type { Return, ReturnCreateParams } from './returns.js';
export type {
  SubscriptionCancelParams,
  SubscriptionChangeParams,
  SubscriptionCreateParams,
  SubscriptionPauseParams,
  SubscriptionUpdateParams,
} from './subscriptions.js';
export type { TestClock, TestClockCreateParams } from './test-clocks.js';
export type { FlintOptions, RequestOptions } from './transport.js';
export type * from './types.js';
export {
  FlintSignatureError,
  type SignedWebhookHeaders,
  type SignForTestOptions,
  type WebhookEvent,
  type WebhookHeaders,
} from './webhooks.js';

/**
 * The Flint client: `new Flint('sk_test_…')` (or `new Flint({ apiKey, baseUrl })`), then
 * `flint.orders.create(…)`.
 * camelCase in and out; retries (network errors, 409 in flight, 429, 5xx) reuse one
 * idempotency key per call, so a retried payment or refund happens once.
 */
export class Flint {
  /**
   * `Flint.webhooks.verify(payload, headers, secret)`: a delivery, verified and typed.
   * `Flint.webhooks.signForTest(payload, secret, { timestamp? })`: the headers of a delivery
   * of `payload`, for testing a handler.
   */
  static readonly webhooks = { verify, signForTest };

  readonly customers: Customers;
  /** A customer's credit balance: `flint.customerBalanceTransactions.create(customerId, …)`. */
  readonly customerBalanceTransactions: CustomerBalanceTransactions;
  readonly products: Products;
  readonly prices: Prices;
  readonly taxRates: TaxRates;
  readonly coupons: Coupons;
  readonly orders: Orders;
  readonly paymentIntents: PaymentIntents;
  readonly checkoutSessions: CheckoutSessions;
  readonly refunds: Refunds;
  readonly paymentLinks: PaymentLinks;
  readonly plans: Plans;
  /** Customers billed for plans every period: `flint.subscriptions.create({ customerId, items })`. */
  readonly subscriptions: Subscriptions;
  /** Dunning, trial and upcoming-invoice notices, per mode. */
  readonly subscriptionSettings: SubscriptionSettingsResource;
  readonly invoices: Invoices;
  readonly recoveryLinks: RecoveryLinks;
  readonly invoiceSettings: InvoiceSettingsResource;
  readonly returns: Returns;
  readonly paymentMethods: PaymentMethods;
  readonly events: Events;
  readonly webhookEndpoints: WebhookEndpoints;
  readonly consoleUsers: ConsoleUsers;
  readonly testHelpers: TestHelpers;
  /** Test mode: clocks whose customers live in their time (`flint.testClocks.advance`). */
  readonly testClocks: TestClocks;

  /** `new Flint('sk_test_…')`, `new Flint('sk_test_…', { baseUrl })` or `new Flint({ apiKey, baseUrl })`. */
  constructor(apiKeyOrOptions: string | FlintOptions, options: Omit<FlintOptions, 'apiKey'> = {}) {
    const all =
      typeof apiKeyOrOptions === 'string'
        ? { ...options, apiKey: apiKeyOrOptions }
        : { ...apiKeyOrOptions, ...options };
    const api = new Api(new Transport(all));
    this.customers = new Customers(api);
    this.customerBalanceTransactions = new CustomerBalanceTransactions(api);
    this.products = new Products(api);
    this.prices = new Prices(api);
    this.taxRates = new TaxRates(api);
    this.coupons = new Coupons(api);
    this.orders = new Orders(api);
    this.paymentIntents = new PaymentIntents(api);
    this.checkoutSessions = new CheckoutSessions(api);
    this.refunds = new Refunds(api);
    this.paymentLinks = new PaymentLinks(api);
    this.plans = new Plans(api);
    this.subscriptions = new Subscriptions(api);
    this.subscriptionSettings = new SubscriptionSettingsResource(api);
    this.invoices = new Invoices(api);
    this.recoveryLinks = new RecoveryLinks(api);
    this.invoiceSettings = new InvoiceSettingsResource(api);
    this.returns = new Returns(api);
    this.paymentMethods = new PaymentMethods(api);
    this.events = new Events(api);
    this.webhookEndpoints = new WebhookEndpoints(api);
    this.consoleUsers = new ConsoleUsers(api);
    this.testHelpers = new TestHelpers(api);
    this.testClocks = new TestClocks(api);
  }
}

export default Flint;
