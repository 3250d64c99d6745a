import type { TSchema } from 'typebox';
import { Account } from './routes/accounts/accounts.js';
import { ApiKey } from './routes/accounts/api-keys.js';
import { ConsoleUser } from './routes/accounts/console-users.js';
import { Coupon } from './routes/catalog/coupons.js';
import { Price } from './routes/catalog/prices.js';
import { Product } from './routes/catalog/products.js';
import { TaxRate } from './routes/catalog/tax-rates.js';
import { CheckoutSession } from './routes/checkout/checkout-sessions.js';
import { PaymentLink } from './routes/checkout/payment-links.js';
import { CustomerBalanceTransaction } from './routes/customers/balance-transactions.js';
import { Customer } from './routes/customers/customers.js';
import { Event } from './routes/events/events.js';
import { Invoice } from './routes/invoices/invoice-schemas.js';
import { InvoiceSettings } from './routes/invoices/invoice-settings.js';
import { Email } from './routes/mail/test-helper-emails.js';
import {
  LineItemInput,
  Money,
  MoneyInput,
  NetAmounts,
  Order,
  TimelineEntry,
} from './routes/orders/order-schemas.js';
import { PaymentMethod } from './routes/payment-methods/payment-methods.js';
import { PaymentIntent } from './routes/payments/payments.js';
import { Plan, PlanVersion } from './routes/plans/plan-schemas.js';
import { Processor } from './routes/processors/processor-settings.js';
import { RecoveryLink, RecoverySettings } from './routes/recovery-links/recovery-link-schemas.js';
import { Preview, Refund } from './routes/refunds/refund-schemas.js';
import { Return } from './routes/returns/return-schemas.js';
import { TestClock } from './routes/test-clocks/test-clocks.js';
import {
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from './routes/webhooks/webhook-schemas.js';
import { ErrorResponse, IdempotencyKey, Metadata, ScalarMetadata } from './schemas.js';

/**
 * The OpenAPI document's named schemas (`components.schemas`): every place the document
 * holds a schema equal to one of these gets a `$ref` to it instead (openapi.ts). A new
 * resource's wire shape belongs here; a test fails when a name is never used.
 */
export const NAMED_SCHEMAS: Readonly<Record<string, TSchema>> = {
  Account,
  ApiKey,
  CheckoutSession,
  ConsoleUser,
  Coupon,
  Customer,
  CustomerBalanceTransaction,
  Email,
  Error: ErrorResponse,
  Event,
  IdempotencyKey,
  Invoice,
  InvoiceSettings,
  LineItemInput,
  Metadata,
  Money,
  MoneyInput,
  NetAmounts,
  Order,
  OrderTimelineEntry: TimelineEntry,
  PaymentIntent,
  PaymentLink,
  Plan,
  PlanVersion,
  PaymentMethod,
  Price,
  Processor,
  Product,
  RecoveryLink,
  RecoverySettings,
  Refund,
  RefundPreview: Preview,
  Return,
  ScalarMetadata,
  TaxRate,
  TestClock,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
};

/**
 * Every operation's stable `operationId` (`METHOD path` → camelCase): what generators, MCP
 * tools and the docs call it. Never rename one; a test fails when a route has none.
 */
export const OPERATION_IDS: Readonly<Record<string, string>> = {
  'POST /v1/processors/stripe/webhook': 'receiveStripeWebhook',
  'POST /v1/accounts': 'createAccount',
  'GET /v1/account': 'retrieveAccount',
  'PATCH /v1/account': 'updateAccount',
  'POST /v1/api_keys': 'createApiKey',
  'GET /v1/api_keys': 'listApiKeys',
  'DELETE /v1/api_keys/{api_key_id}': 'revokeApiKey',
  'POST /v1/customers': 'createCustomer',
  'GET /v1/customers': 'listCustomers',
  'GET /v1/customers/{customer_id}': 'retrieveCustomer',
  'PATCH /v1/customers/{customer_id}': 'updateCustomer',
  'DELETE /v1/customers/{customer_id}': 'deleteCustomer',
  'POST /v1/products': 'createProduct',
  'GET /v1/products': 'listProducts',
  'GET /v1/products/{product_id}': 'retrieveProduct',
  'PATCH /v1/products/{product_id}': 'updateProduct',
  'POST /v1/prices': 'createPrice',
  'GET /v1/prices': 'listPrices',
  'GET /v1/prices/{price_id}': 'retrievePrice',
  'PATCH /v1/prices/{price_id}': 'updatePrice',
  'POST /v1/tax_rates': 'createTaxRate',
  'GET /v1/tax_rates': 'listTaxRates',
  'GET /v1/tax_rates/{tax_rate_id}': 'retrieveTaxRate',
  'PATCH /v1/tax_rates/{tax_rate_id}': 'updateTaxRate',
  'POST /v1/coupons': 'createCoupon',
  'GET /v1/coupons': 'listCoupons',
  'GET /v1/coupons/{coupon_id}': 'retrieveCoupon',
  'PATCH /v1/coupons/{coupon_id}': 'updateCoupon',
  'POST /v1/orders': 'createOrder',
  'GET /v1/orders': 'listOrders',
  'GET /v1/orders/{order_id}': 'retrieveOrder',
  'PATCH /v1/orders/{order_id}': 'updateOrder',
  'POST /v1/orders/{order_id}/coupons': 'applyOrderCoupon',
  'DELETE /v1/orders/{order_id}/coupons/{code}': 'removeOrderCoupon',
  'POST /v1/orders/{order_id}/cancel': 'cancelOrder',
  'POST /v1/orders/{order_id}/close': 'closeOrder',
  'GET /v1/orders/{order_id}/timeline': 'listOrderTimeline',
  'GET /v1/processor': 'retrieveProcessor',
  'PUT /v1/processor': 'setProcessor',
  'POST /v1/orders/{order_id}/pay': 'payOrder',
  'GET /v1/payment_intents/{payment_intent_id}': 'retrievePaymentIntent',
  'GET /v1/payment_intents': 'listPaymentIntents',
  'POST /v1/payment_intents/{payment_intent_id}/cancel': 'cancelPaymentIntent',
  'POST /v1/test_helpers/payment_intents/{payment_intent_id}/succeed':
    'testSucceedPaymentIntentAction',
  'POST /v1/test_helpers/payment_intents/{payment_intent_id}/fail': 'testFailPaymentIntentAction',
  'POST /v1/refunds': 'createRefund',
  'GET /v1/refunds': 'listRefunds',
  'POST /v1/refunds/preview': 'previewRefund',
  'GET /v1/refunds/{refund_id}': 'retrieveRefund',
  'PATCH /v1/refunds/{refund_id}': 'updateRefund',
  'POST /v1/refunds/{refund_id}/cancel': 'cancelRefund',
  'POST /v1/test_helpers/refunds/{refund_id}/succeed': 'testSucceedRefund',
  'POST /v1/test_helpers/refunds/{refund_id}/fail': 'testFailRefund',
  'POST /v1/checkout/sessions': 'createCheckoutSession',
  'GET /v1/checkout/sessions': 'listCheckoutSessions',
  'GET /v1/checkout/sessions/{checkout_session_id}': 'retrieveCheckoutSession',
  'POST /v1/checkout/sessions/{checkout_session_id}/expire': 'expireCheckoutSession',
  'POST /v1/checkout/sessions/{checkout_session_id}/refund': 'refundCheckoutSession',
  'POST /v1/payment_links': 'createPaymentLink',
  'GET /v1/payment_links': 'listPaymentLinks',
  'GET /v1/payment_links/{payment_link_id}': 'retrievePaymentLink',
  'PATCH /v1/payment_links/{payment_link_id}': 'updatePaymentLink',
  'POST /v1/plans': 'createPlan',
  'GET /v1/plans': 'listPlans',
  'GET /v1/plans/{plan_id}': 'retrievePlan',
  'PATCH /v1/plans/{plan_id}': 'updatePlan',
  'GET /v1/plans/{plan_id}/versions': 'listPlanVersions',
  'GET /v1/plans/{plan_id}/versions/{version}': 'retrievePlanVersion',
  'POST /v1/invoices': 'createInvoice',
  'GET /v1/invoices': 'listInvoices',
  'GET /v1/invoices/{invoice_id}': 'retrieveInvoice',
  'PATCH /v1/invoices/{invoice_id}': 'updateInvoice',
  'POST /v1/invoices/{invoice_id}/finalize': 'finalizeInvoice',
  'POST /v1/invoices/{invoice_id}/approve': 'approveInvoice',
  'POST /v1/invoices/{invoice_id}/reject': 'rejectInvoice',
  'POST /v1/invoices/{invoice_id}/void': 'voidInvoice',
  'POST /v1/invoices/{invoice_id}/mark_uncollectible': 'markInvoiceUncollectible',
  'POST /v1/invoices/{invoice_id}/pay': 'payInvoice',
  'POST /v1/invoices/{invoice_id}/send': 'sendInvoice',
  'POST /v1/invoices/{invoice_id}/remind': 'remindInvoice',
  'POST /v1/test_helpers/invoices/{invoice_id}/advance': 'testAdvanceInvoice',
  'GET /v1/invoices/{invoice_id}/pdf': 'retrieveInvoicePdf',
  'GET /v1/invoice_settings': 'retrieveInvoiceSettings',
  'POST /v1/orders/{order_id}/returns': 'createReturn',
  'GET /v1/orders/{order_id}/returns': 'listOrderReturns',
  'GET /v1/returns': 'listReturns',
  'GET /v1/returns/{return_id}': 'retrieveReturn',
  'PATCH /v1/returns/{return_id}': 'updateReturn',
  'POST /v1/returns/{return_id}/receive': 'receiveReturn',
  'POST /v1/returns/{return_id}/complete': 'completeReturn',
  'POST /v1/returns/{return_id}/cancel': 'cancelReturn',
  'POST /v1/invoice_settings': 'updateInvoiceSettings',
  'POST /v1/orders/{order_id}/recovery_links': 'createRecoveryLink',
  'GET /v1/orders/{order_id}/recovery_links': 'listOrderRecoveryLinks',
  'GET /v1/recovery_links': 'listRecoveryLinks',
  'GET /v1/recovery_links/{recovery_link_id}': 'retrieveRecoveryLink',
  'PATCH /v1/recovery_links/{recovery_link_id}': 'updateRecoveryLink',
  'POST /v1/recovery_links/{recovery_link_id}/deactivate': 'deactivateRecoveryLink',
  'GET /v1/recovery_settings': 'retrieveRecoverySettings',
  'POST /v1/recovery_settings': 'updateRecoverySettings',
  'GET /v1/events': 'listEvents',
  'GET /v1/events/{event_id}': 'retrieveEvent',
  'POST /v1/events/{event_id}/redeliver': 'redeliverEvent',
  'POST /v1/webhook_endpoints': 'createWebhookEndpoint',
  'GET /v1/webhook_endpoints': 'listWebhookEndpoints',
  'GET /v1/webhook_endpoints/{webhook_endpoint_id}': 'retrieveWebhookEndpoint',
  'PATCH /v1/webhook_endpoints/{webhook_endpoint_id}': 'updateWebhookEndpoint',
  'DELETE /v1/webhook_endpoints/{webhook_endpoint_id}': 'deleteWebhookEndpoint',
  'POST /v1/webhook_endpoints/{webhook_endpoint_id}/rotate_secret': 'rotateWebhookEndpointSecret',
  'GET /v1/webhook_endpoints/{webhook_endpoint_id}/deliveries': 'listWebhookEndpointDeliveries',
  'POST /v1/console_users': 'createConsoleUser',
  'GET /v1/console_users': 'listConsoleUsers',
  'PATCH /v1/console_users/{console_user_id}': 'updateConsoleUser',
  'POST /v1/console_users/{console_user_id}/invite': 'reinviteConsoleUser',
  'GET /v1/test_helpers/emails': 'testListEmails',
  'GET /v1/test_helpers/emails/{email_id}': 'testRetrieveEmail',
  'POST /v1/customers/{customer_id}/payment_methods': 'createPaymentMethod',
  'GET /v1/customers/{customer_id}/payment_methods': 'listCustomerPaymentMethods',
  'GET /v1/payment_methods/{payment_method_id}': 'retrievePaymentMethod',
  'PATCH /v1/payment_methods/{payment_method_id}': 'updatePaymentMethod',
  'POST /v1/payment_methods/{payment_method_id}/detach': 'detachPaymentMethod',
  'POST /v1/test_helpers/test_clocks': 'testCreateTestClock',
  'GET /v1/test_helpers/test_clocks': 'testListTestClocks',
  'GET /v1/test_helpers/test_clocks/{test_clock_id}': 'testRetrieveTestClock',
  'PATCH /v1/test_helpers/test_clocks/{test_clock_id}': 'testUpdateTestClock',
  'DELETE /v1/test_helpers/test_clocks/{test_clock_id}': 'testDeleteTestClock',
  'POST /v1/test_helpers/test_clocks/{test_clock_id}/advance': 'testAdvanceTestClock',
  'POST /v1/customers/{customer_id}/balance_transactions': 'createCustomerBalanceTransaction',
  'GET /v1/customers/{customer_id}/balance_transactions': 'listCustomerBalanceTransactions',
  'GET /v1/customer_balance_transactions': 'listAllCustomerBalanceTransactions',
  'GET /v1/customer_balance_transactions/{customer_balance_transaction_id}':
    'retrieveCustomerBalanceTransaction',
  'PATCH /v1/customer_balance_transactions/{customer_balance_transaction_id}':
    'updateCustomerBalanceTransaction',
};
