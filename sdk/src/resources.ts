import type { Api } from './api.js';
import type { Operations } from './generated/api.js';
import type { ListParams, PageList } from './pagination.js';
import type { RequestOptions } from './transport.js';
import type {
  BodyOf,
  CheckoutSession,
  Coupon,
  Customer,
  Email,
  FlintEvent,
  Keyed,
  Order,
  PaymentIntent,
  PaymentLink,
  Price,
  Product,
  QueryOf,
  Refund,
  RefundPreview,
  ResponseOf,
  Returned,
  TaxRate,
  WebhookEndpoint,
} from './types.js';

// Every resource of the API, camelCase in and out. Each method is one logical call; its
// retries reuse one idempotency key (pass `{ idempotencyKey }` to choose it).

type Query<N extends keyof Operations> = ListParams & Partial<QueryOf<N>>;

/** create, get, update and list of a catalog-like resource. */
class Crud<T, Create, Update, N extends keyof Operations> {
  constructor(
    protected readonly api: Api,
    private readonly base: string,
    private readonly root: string,
    private readonly plural: string,
  ) {}
  create(params: Keyed<Create>, options?: RequestOptions): Promise<T> {
    return this.api.one('POST', this.base, this.root, params, options);
  }
  get(id: string): Promise<T> {
    return this.api.one('GET', `${this.base}/${encodeURIComponent(id)}`, this.root);
  }
  update(id: string, params: Keyed<Update>, options?: RequestOptions): Promise<T> {
    return this.api.one(
      'PATCH',
      `${this.base}/${encodeURIComponent(id)}`,
      this.root,
      params,
      options,
    );
  }
  list(params: Query<N> = {}): PageList<T> {
    return this.api.list(this.base, this.plural, params);
  }
}

export class Customers extends Crud<
  Customer,
  BodyOf<'POST /v1/customers', 'customer'>,
  BodyOf<'PATCH /v1/customers/{customer_id}', 'customer'>,
  'GET /v1/customers'
> {
  constructor(api: Api) {
    super(api, '/v1/customers', 'customer', 'customers');
  }
  del(id: string): Promise<Customer> {
    return this.api.one('DELETE', `/v1/customers/${encodeURIComponent(id)}`, 'customer');
  }
}

export class Products extends Crud<
  Product,
  BodyOf<'POST /v1/products', 'product'>,
  BodyOf<'PATCH /v1/products/{product_id}', 'product'>,
  'GET /v1/products'
> {
  constructor(api: Api) {
    super(api, '/v1/products', 'product', 'products');
  }
}

export class Prices extends Crud<
  Price,
  BodyOf<'POST /v1/prices', 'price'>,
  BodyOf<'PATCH /v1/prices/{price_id}', 'price'>,
  'GET /v1/prices'
> {
  constructor(api: Api) {
    super(api, '/v1/prices', 'price', 'prices');
  }
}

export class TaxRates extends Crud<
  TaxRate,
  BodyOf<'POST /v1/tax_rates', 'tax_rate'>,
  BodyOf<'PATCH /v1/tax_rates/{tax_rate_id}', 'tax_rate'>,
  'GET /v1/tax_rates'
> {
  constructor(api: Api) {
    super(api, '/v1/tax_rates', 'tax_rate', 'tax_rates');
  }
}

export class Coupons extends Crud<
  Coupon,
  BodyOf<'POST /v1/coupons', 'coupon'>,
  BodyOf<'PATCH /v1/coupons/{coupon_id}', 'coupon'>,
  'GET /v1/coupons'
> {
  constructor(api: Api) {
    super(api, '/v1/coupons', 'coupon', 'coupons');
  }
}

export type Payment = NonNullable<ResponseOf<'POST /v1/orders/{order_id}/pay', 'payment_intent'>>;
export type TimelineEntry = Returned<
  Operations['GET /v1/orders/{order_id}/timeline']['response']['timeline'][number]
>;

export type PayParams = Keyed<BodyOf<'POST /v1/orders/{order_id}/pay', 'payment'>>;
/** `paymentIntent` is null when the order had nothing to pay (total 0) and was completed without one. */
export type PayResult = { order: Order; paymentIntent: Payment | null };

function withoutOrderId({ orderId: _, ...params }: PayParams & { orderId: string }): PayParams {
  return params;
}

export class Orders extends Crud<
  Order,
  BodyOf<'POST /v1/orders', 'order'>,
  BodyOf<'PATCH /v1/orders/{order_id}', 'order'>,
  'GET /v1/orders'
> {
  constructor(api: Api) {
    super(api, '/v1/orders', 'order', 'orders');
  }
  private at(id: string, action = ''): string {
    return `/v1/orders/${encodeURIComponent(id)}${action}`;
  }
  /** Applies a coupon by code; the totals are recomputed. */
  applyCoupon(
    id: string,
    params: Keyed<{ couponCode: string }>,
    options?: RequestOptions,
  ): Promise<Order> {
    return this.api
      .raw<{ order: Order }>('POST', this.at(id, '/coupons'), params, options)
      .then((r) => r.order);
  }
  removeCoupon(id: string, code: string, options?: RequestOptions): Promise<Order> {
    return this.api
      .raw<{ order: Order }>(
        'DELETE',
        this.at(id, `/coupons/${encodeURIComponent(code)}`),
        undefined,
        options,
      )
      .then((r) => r.order);
  }
  /**
   * Charges (part of) the balance through the account's processor. An order with nothing
   * to pay (a 100 % coupon, free lines) needs no params: `pay(id)` completes it (PAID) with
   * no processor call, and `paymentIntent` is null.
   */
  pay(id: string, params?: PayParams, options?: RequestOptions): Promise<PayResult>;
  /** The same, the order's id among the params: `pay({ orderId, paymentSourceTokens })`. */
  pay(params: PayParams & { orderId: string }, options?: RequestOptions): Promise<PayResult>;
  pay(
    order: string | (PayParams & { orderId: string }),
    paramsOrOptions?: PayParams | RequestOptions,
    lastOptions?: RequestOptions,
  ): Promise<PayResult> {
    const [id, params, options] =
      typeof order === 'string'
        ? [order, (paramsOrOptions ?? {}) as PayParams, lastOptions]
        : [order.orderId, withoutOrderId(order), paramsOrOptions as RequestOptions | undefined];
    const { idempotencyKey, ...payment } = params;
    return this.api.raw('POST', this.at(id, '/pay'), { payment, idempotencyKey }, options);
  }
  cancel(id: string, options?: RequestOptions): Promise<Order> {
    return this.api
      .raw<{ order: Order }>('POST', this.at(id, '/cancel'), undefined, options)
      .then((r) => r.order);
  }
  close(id: string, options?: RequestOptions): Promise<Order> {
    return this.api
      .raw<{ order: Order }>('POST', this.at(id, '/close'), undefined, options)
      .then((r) => r.order);
  }
  /** Every change of the order, oldest first, with who made it and the amounts around it. */
  timeline(id: string, params: ListParams = {}): PageList<TimelineEntry> {
    return this.api.list(this.at(id, '/timeline'), 'timeline', params);
  }
}

export class PaymentIntents {
  constructor(private readonly api: Api) {}
  get(id: string): Promise<PaymentIntent> {
    return this.api.one('GET', `/v1/payment_intents/${encodeURIComponent(id)}`, 'payment_intent');
  }
  list(params: Query<'GET /v1/payment_intents'> = {}): PageList<PaymentIntent> {
    return this.api.list('/v1/payment_intents', 'payment_intents', params);
  }
  /** Stops a payment waiting for the buyer's 3-D Secure step. */
  cancel(
    id: string,
    options?: RequestOptions,
  ): Promise<{ order: Order; paymentIntent: PaymentIntent }> {
    return this.api.raw(
      'POST',
      `/v1/payment_intents/${encodeURIComponent(id)}/cancel`,
      undefined,
      options,
    );
  }
}

export class CheckoutSessions {
  constructor(private readonly api: Api) {}
  create(
    params: Keyed<BodyOf<'POST /v1/checkout/sessions', 'checkout_session'>>,
    options?: RequestOptions,
  ): Promise<CheckoutSession> {
    return this.api.one('POST', '/v1/checkout/sessions', 'checkout_session', params, options);
  }
  get(id: string): Promise<CheckoutSession> {
    return this.api.one(
      'GET',
      `/v1/checkout/sessions/${encodeURIComponent(id)}`,
      'checkout_session',
    );
  }
  list(params: Query<'GET /v1/checkout/sessions'> = {}): PageList<CheckoutSession> {
    return this.api.list('/v1/checkout/sessions', 'checkout_sessions', params);
  }
  expire(id: string, options?: RequestOptions): Promise<CheckoutSession> {
    return this.api
      .raw<{ checkoutSession: CheckoutSession }>(
        'POST',
        `/v1/checkout/sessions/${encodeURIComponent(id)}/expire`,
        undefined,
        options,
      )
      .then((r) => r.checkoutSession);
  }
  /** The refund guide's endpoint: by line items, by amount, or (no params) in full. */
  refund(
    id: string,
    params: Keyed<
      BodyOf<'POST /v1/checkout/sessions/{checkout_session_id}/refund', 'checkout_session'>
    > = {},
    options?: RequestOptions,
  ): Promise<CheckoutSession> {
    return this.api.one(
      'POST',
      `/v1/checkout/sessions/${encodeURIComponent(id)}/refund`,
      'checkout_session',
      params,
      options,
    );
  }
}

export class Refunds {
  constructor(private readonly api: Api) {}
  create(
    params: Keyed<BodyOf<'POST /v1/refunds', 'refund'>>,
    options?: RequestOptions,
  ): Promise<Refund> {
    return this.api.one('POST', '/v1/refunds', 'refund', params, options);
  }
  /** The refund Flint would create, creating nothing. */
  preview(params: BodyOf<'POST /v1/refunds/preview', 'refund'>): Promise<RefundPreview> {
    return this.api
      .raw<{ refundPreview: RefundPreview }>('POST', '/v1/refunds/preview', { refund: params })
      .then((r) => r.refundPreview);
  }
  get(id: string): Promise<Refund> {
    return this.api.one('GET', `/v1/refunds/${encodeURIComponent(id)}`, 'refund');
  }
  list(params: Query<'GET /v1/refunds'> = {}): PageList<Refund> {
    return this.api.list('/v1/refunds', 'refunds', params);
  }
  /** Only `reason` and `metadata` change; amounts and status never do. */
  update(
    id: string,
    params: Keyed<BodyOf<'PATCH /v1/refunds/{refund_id}', 'refund'>>,
    options?: RequestOptions,
  ): Promise<Refund> {
    return this.api.one(
      'PATCH',
      `/v1/refunds/${encodeURIComponent(id)}`,
      'refund',
      params,
      options,
    );
  }
  /** Cancels a refund that is still pending. */
  cancel(id: string, options?: RequestOptions): Promise<Refund> {
    return this.api
      .raw<{ refund: Refund }>(
        'POST',
        `/v1/refunds/${encodeURIComponent(id)}/cancel`,
        undefined,
        options,
      )
      .then((r) => r.refund);
  }
}

export class PaymentLinks extends Crud<
  PaymentLink,
  BodyOf<'POST /v1/payment_links', 'payment_link'>,
  BodyOf<'PATCH /v1/payment_links/{payment_link_id}', 'payment_link'>,
  'GET /v1/payment_links'
> {
  constructor(api: Api) {
    super(api, '/v1/payment_links', 'payment_link', 'payment_links');
  }
}

export class Events {
  constructor(private readonly api: Api) {}
  get(id: string): Promise<FlintEvent> {
    return this.api.one('GET', `/v1/events/${encodeURIComponent(id)}`, 'event');
  }
  list(params: Query<'GET /v1/events'> = {}): PageList<FlintEvent> {
    return this.api.list('/v1/events', 'events', params);
  }
  /** Sends the event to the account's endpoints again (same `webhook-id`). */
  redeliver(id: string, options?: RequestOptions): Promise<unknown> {
    return this.api.raw(
      'POST',
      `/v1/events/${encodeURIComponent(id)}/redeliver`,
      undefined,
      options,
    );
  }
}

export type WebhookDelivery = Returned<
  Operations['GET /v1/webhook_endpoints/{webhook_endpoint_id}/deliveries']['response']['webhook_deliveries'][number]
>;

export class WebhookEndpoints extends Crud<
  WebhookEndpoint,
  BodyOf<'POST /v1/webhook_endpoints', 'webhook_endpoint'>,
  BodyOf<'PATCH /v1/webhook_endpoints/{webhook_endpoint_id}', 'webhook_endpoint'>,
  'GET /v1/webhook_endpoints'
> {
  constructor(api: Api) {
    super(api, '/v1/webhook_endpoints', 'webhook_endpoint', 'webhook_endpoints');
  }
  del(id: string): Promise<unknown> {
    return this.api.raw('DELETE', `/v1/webhook_endpoints/${encodeURIComponent(id)}`);
  }
  /** A new signing secret; the old one keeps signing for 24 hours. */
  rotateSecret(id: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this.api
      .raw<{ webhookEndpoint: WebhookEndpoint }>(
        'POST',
        `/v1/webhook_endpoints/${encodeURIComponent(id)}/rotate_secret`,
        undefined,
        options,
      )
      .then((r) => r.webhookEndpoint);
  }
  deliveries(id: string, params: ListParams = {}): PageList<WebhookDelivery> {
    return this.api.list(
      `/v1/webhook_endpoints/${encodeURIComponent(id)}/deliveries`,
      'webhook_deliveries',
      params,
    );
  }
}

/** Test mode only: the mailbox of every mail Flint would have sent (a live key gets 403). */
export class TestEmails {
  constructor(private readonly api: Api) {}
  retrieve(id: string): Promise<Email> {
    return this.api.one('GET', `/v1/test_helpers/emails/${encodeURIComponent(id)}`, 'email');
  }
  /** Newest first; filter by `to`, `kind` or `relatedObjectId`. */
  list(params: Query<'GET /v1/test_helpers/emails'> = {}): PageList<Email> {
    return this.api.list('/v1/test_helpers/emails', 'emails', params);
  }
}

/** Test mode only: move sandbox payments and refunds as a processor later would; read mail. */
export class TestHelpers {
  readonly emails: TestEmails;
  constructor(private readonly api: Api) {
    this.emails = new TestEmails(api);
  }
  succeedRefund(id: string): Promise<Refund> {
    return this.api
      .raw<{ refund: Refund }>('POST', `/v1/test_helpers/refunds/${encodeURIComponent(id)}/succeed`)
      .then((r) => r.refund);
  }
  failRefund(id: string): Promise<Refund> {
    return this.api
      .raw<{ refund: Refund }>('POST', `/v1/test_helpers/refunds/${encodeURIComponent(id)}/fail`)
      .then((r) => r.refund);
  }
  /** Plays the buyer's 3-D Secure step on a sandbox payment. */
  authenticatePayment(
    id: string,
    result: 'succeed' | 'fail',
  ): Promise<{ order: Order; paymentIntent: PaymentIntent }> {
    return this.api.raw(
      'POST',
      `/v1/test_helpers/payment_intents/${encodeURIComponent(id)}/${result}`,
    );
  }
}

export type ConsoleUser = ResponseOf<'PATCH /v1/console_users/{console_user_id}', 'console_user'>;

/** The people who sign in to the operator console; invites carry a one-time `inviteUrl`. */
export class ConsoleUsers {
  constructor(private readonly api: Api) {}
  create(
    params: Keyed<BodyOf<'POST /v1/console_users', 'console_user'>>,
    options?: RequestOptions,
  ): Promise<ConsoleUser> {
    return this.api.one('POST', '/v1/console_users', 'console_user', params, options);
  }
  list(params: Query<'GET /v1/console_users'> = {}): PageList<ConsoleUser> {
    return this.api.list('/v1/console_users', 'console_users', params);
  }
  update(
    id: string,
    params: Keyed<BodyOf<'PATCH /v1/console_users/{console_user_id}', 'console_user'>>,
    options?: RequestOptions,
  ): Promise<ConsoleUser> {
    return this.api.one(
      'PATCH',
      `/v1/console_users/${encodeURIComponent(id)}`,
      'console_user',
      params,
      options,
    );
  }
  /** A new one-time link to set the password; the old one stops working. */
  invite(id: string, options?: RequestOptions): Promise<ConsoleUser> {
    return this.api
      .raw<{ consoleUser: ConsoleUser }>(
        'POST',
        `/v1/console_users/${encodeURIComponent(id)}/invite`,
        undefined,
        options,
      )
      .then((r) => r.consoleUser);
  }
}
