import type { OperationName, Operations } from './generated/api.js';

// The SDK's types: the generated wire types (snake_case), mapped to camelCase at the type
// level exactly as `casing.ts` maps the values, so the two cannot disagree.

export type CamelKey<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelKey<Tail>>}`
  : S;

type VerbatimKey = 'metadata' | 'refund_metadata';

/** A wire type in camelCase; metadata maps keep the merchant's own keys. */
export type Camel<T> = T extends readonly (infer U)[]
  ? Camel<U>[]
  : T extends object
    ? {
        [K in keyof T as K extends string ? CamelKey<K> : K]: K extends VerbatimKey
          ? T[K]
          : Camel<T[K]>;
      }
    : T;

/**
 * Where the wire puts objects that do not say their type (`object`): the order's
 * `payments` are payment intents. The same list as NESTED_TYPES in casing.ts.
 */
interface NestedTypes {
  payments: 'payment_intent';
}

/** `{ id }` for an object with its own `<type>_id`, as casing.ts adds it. */
type IdOf<T, Type> = [Type] extends [never]
  ? unknown
  : Type extends string
    ? `${Type}_id` extends keyof T
      ? { id: T[`${Type}_id`] }
      : unknown
    : unknown;

type OwnType<T, Place> = T extends { object: infer O extends string } ? O : Place;

/**
 * A wire answer as the SDK returns it: camelCase, metadata maps as they are, and every
 * object with its own `<type>_id` also answering to `id` (`order.id`, `order.payments[0].id`).
 */
export type Returned<T, Place = never> = T extends readonly (infer U)[]
  ? Returned<U, Place>[]
  : T extends object
    ? IdOf<T, OwnType<T, Place>> & {
        [K in keyof T as K extends string ? CamelKey<K> : K]: K extends VerbatimKey
          ? T[K]
          : Returned<T[K], K extends keyof NestedTypes ? NestedTypes[K] : never>;
      }
    : T;

type Op<N extends OperationName> = Operations[N];

/** The JSON body of an operation, in camelCase, without its root key. */
export type BodyOf<N extends OperationName, Root extends string> = Op<N>['body'] extends {
  [K in Root]: infer B;
}
  ? Camel<B>
  : never;

/** The 200 answer of an operation, as the SDK returns it, under its root key. */
export type ResponseOf<N extends OperationName, Root extends string> = Op<N>['response'] extends {
  [K in Root]: infer R;
}
  ? Returned<R>
  : never;

/** A write's params, which may carry its idempotency key (as `options.idempotencyKey` does). */
export type Keyed<T> = T & { readonly idempotencyKey?: string };

/** An operation's query, in camelCase. */
export type QueryOf<N extends OperationName> = Op<N>['query'] extends never
  ? never
  : Camel<Op<N>['query']>;

export type Customer = ResponseOf<'GET /v1/customers/{customer_id}', 'customer'>;
export type Product = ResponseOf<'GET /v1/products/{product_id}', 'product'>;
export type Price = ResponseOf<'GET /v1/prices/{price_id}', 'price'>;
export type TaxRate = ResponseOf<'GET /v1/tax_rates/{tax_rate_id}', 'tax_rate'>;
export type Coupon = ResponseOf<'GET /v1/coupons/{coupon_id}', 'coupon'>;
export type Order = ResponseOf<'GET /v1/orders/{order_id}', 'order'>;
export type PaymentIntent = ResponseOf<
  'GET /v1/payment_intents/{payment_intent_id}',
  'payment_intent'
>;
export type CheckoutSession = ResponseOf<
  'GET /v1/checkout/sessions/{checkout_session_id}',
  'checkout_session'
>;
export type Refund = ResponseOf<'GET /v1/refunds/{refund_id}', 'refund'>;
export type RefundPreview = ResponseOf<'POST /v1/refunds/preview', 'refund_preview'>;
export type PaymentLink = ResponseOf<'GET /v1/payment_links/{payment_link_id}', 'payment_link'>;
export type Invoice = ResponseOf<'GET /v1/invoices/{invoice_id}', 'invoice'>;
export type InvoiceSettings = ResponseOf<'GET /v1/invoice_settings', 'invoice_settings'>;
export type Return = ResponseOf<'GET /v1/returns/{return_id}', 'return'>;
export type Plan = ResponseOf<'GET /v1/plans/{plan_id}', 'plan'>;
export type PlanVersion = ResponseOf<'GET /v1/plans/{plan_id}/versions/{version}', 'plan_version'>;
export type Subscription = ResponseOf<'GET /v1/subscriptions/{subscription_id}', 'subscription'>;
/** A subscription's next invoice as its renewal would bill it now (nothing is written). */
export type UpcomingInvoice = ResponseOf<
  'GET /v1/subscriptions/{subscription_id}/upcoming_invoice',
  'upcoming_invoice'
>;
export type SubscriptionSettings = ResponseOf<
  'GET /v1/subscription_settings',
  'subscription_settings'
>;
export type PaymentMethod = ResponseOf<
  'GET /v1/payment_methods/{payment_method_id}',
  'payment_method'
>;
/** A mail Flint kept in test mode (the test-mode mailbox). */
export type Email = ResponseOf<'GET /v1/test_helpers/emails/{email_id}', 'email'>;
export type FlintEvent = ResponseOf<'GET /v1/events/{event_id}', 'event'>;
export type WebhookEndpoint = ResponseOf<
  'GET /v1/webhook_endpoints/{webhook_endpoint_id}',
  'webhook_endpoint'
>;
