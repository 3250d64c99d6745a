import type { Api } from './api.js';
import type { ListParams, PageList } from './pagination.js';
import type { RequestOptions } from './transport.js';
import type {
  BodyOf,
  Keyed,
  QueryOf,
  Subscription,
  SubscriptionSettings,
  UpcomingInvoice,
} from './types.js';

// Subscriptions: a customer billed for plans every period (an order and an invoice each
// period, charged to the saved payment method), moved by the actions its
// `availableActions` list. Each path is written out, so that sdk/REFERENCE.md
// (scripts/sdk-reference.mjs) names the call it makes.

export type { Subscription, SubscriptionSettings, UpcomingInvoice };
export type SubscriptionCreateParams = Keyed<BodyOf<'POST /v1/subscriptions', 'subscription'>>;
export type SubscriptionUpdateParams = Keyed<
  BodyOf<'PATCH /v1/subscriptions/{subscription_id}', 'subscription'>
>;
export type SubscriptionPauseParams = Keyed<
  BodyOf<'POST /v1/subscriptions/{subscription_id}/pause_collection', 'pause_collection'>
>;

/** The items after a change (every plan kept, with its seats, and any new one), its proration. */
export type SubscriptionChangeParams = Keyed<
  BodyOf<'POST /v1/subscriptions/{subscription_id}/change', 'subscription_change'>
>;

/** `prorate`: credit the current period's unused time to the customer's balance. */
export type SubscriptionCancelParams = Keyed<{ readonly prorate?: boolean }>;

const id = (value: string) => encodeURIComponent(value);
type One = { subscription: Subscription };
const subscriptionOf = (r: One) => r.subscription;

export class Subscriptions {
  constructor(private readonly api: Api) {}
  /** Pays the first period now with the saved payment method, or starts a trial. */
  create(params: SubscriptionCreateParams, options?: RequestOptions): Promise<Subscription> {
    return this.api.one('POST', '/v1/subscriptions', 'subscription', params, options);
  }
  get(subscriptionId: string): Promise<Subscription> {
    return this.api.one('GET', `/v1/subscriptions/${id(subscriptionId)}`, 'subscription');
  }
  /** The same as `get`. */
  retrieve(subscriptionId: string): Promise<Subscription> {
    return this.get(subscriptionId);
  }
  /** The default payment method, cancel at period end and metadata. */
  update(
    subscriptionId: string,
    params: SubscriptionUpdateParams,
    options?: RequestOptions,
  ): Promise<Subscription> {
    return this.api.one(
      'PATCH',
      `/v1/subscriptions/${id(subscriptionId)}`,
      'subscription',
      params,
      options,
    );
  }
  list(
    params: ListParams & Partial<QueryOf<'GET /v1/subscriptions'>> = {},
  ): PageList<Subscription> {
    return this.api.list('/v1/subscriptions', 'subscriptions', params);
  }
  /** Cancels now: no period is billed again; `prorate: true` credits the unused time. */
  cancel(
    subscriptionId: string,
    params: SubscriptionCancelParams = {},
    options?: RequestOptions,
  ): Promise<Subscription> {
    return this.api
      .raw<One>('POST', `/v1/subscriptions/${id(subscriptionId)}/cancel`, params, options)
      .then(subscriptionOf);
  }
  /** Cancels at the end of the current period. */
  cancelAtPeriodEnd(subscriptionId: string, options?: RequestOptions): Promise<Subscription> {
    return this.api
      .raw<One>(
        'POST',
        `/v1/subscriptions/${id(subscriptionId)}/cancel_at_period_end`,
        undefined,
        options,
      )
      .then(subscriptionOf);
  }
  /** Undoes a cancel at period end: the subscription renews again. */
  reactivate(subscriptionId: string, options?: RequestOptions): Promise<Subscription> {
    return this.api
      .raw<One>('POST', `/v1/subscriptions/${id(subscriptionId)}/reactivate`, undefined, options)
      .then(subscriptionOf);
  }
  /** Periods are not invoiced (`behavior: "void"`) or kept as drafts (`"keep_as_draft"`). */
  pauseCollection(
    subscriptionId: string,
    params: SubscriptionPauseParams,
    options?: RequestOptions,
  ): Promise<Subscription> {
    const { idempotencyKey, ...pause } = params;
    return this.api
      .raw<One>(
        'POST',
        `/v1/subscriptions/${id(subscriptionId)}/pause_collection`,
        { pauseCollection: pause, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) },
        options,
      )
      .then(subscriptionOf);
  }
  /** Resumes paused collection. */
  resumeCollection(subscriptionId: string, options?: RequestOptions): Promise<Subscription> {
    return this.api
      .raw<One>(
        'POST',
        `/v1/subscriptions/${id(subscriptionId)}/resume_collection`,
        undefined,
        options,
      )
      .then(subscriptionOf);
  }
  /** Resumes a `paused` subscription (its trial ended without a payment method): billed now. */
  resume(subscriptionId: string, options?: RequestOptions): Promise<Subscription> {
    return this.api
      .raw<One>('POST', `/v1/subscriptions/${id(subscriptionId)}/resume`, undefined, options)
      .then(subscriptionOf);
  }
  /**
   * What a change would bill now (unused time credited, time left charged), written
   * nowhere; pass its `prorationDate` and `subscriptionVersion` to `change` to bill exactly it.
   */
  preview(
    subscriptionId: string,
    params: SubscriptionChangeParams,
    options?: RequestOptions,
  ): Promise<UpcomingInvoice> {
    return this.api
      .raw<{ upcomingInvoice: UpcomingInvoice }>(
        'POST',
        `/v1/subscriptions/${id(subscriptionId)}/preview`,
        changeBody(params),
        options,
      )
      .then((r) => r.upcomingInvoice);
  }
  /** Changes plans or seats: the proration is billed and charged now (`prorationBehavior`). */
  change(
    subscriptionId: string,
    params: SubscriptionChangeParams,
    options?: RequestOptions,
  ): Promise<Subscription> {
    return this.api
      .raw<One>(
        'POST',
        `/v1/subscriptions/${id(subscriptionId)}/change`,
        changeBody(params),
        options,
      )
      .then(subscriptionOf);
  }
  /** The next invoice as its renewal would bill it now; nothing is written. */
  upcomingInvoice(subscriptionId: string): Promise<UpcomingInvoice> {
    return this.api.one(
      'GET',
      `/v1/subscriptions/${id(subscriptionId)}/upcoming_invoice`,
      'upcoming_invoice',
    );
  }
}

function changeBody(params: SubscriptionChangeParams) {
  const { idempotencyKey, ...change } = params;
  return {
    subscriptionChange: change,
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  };
}

export class SubscriptionSettingsResource {
  constructor(private readonly api: Api) {}
  /** Dunning (retry days, what happens after them), trial and upcoming-invoice notices. */
  get(): Promise<SubscriptionSettings> {
    return this.api.one('GET', '/v1/subscription_settings', 'subscription_settings');
  }
  /** The same as `get`. */
  retrieve(): Promise<SubscriptionSettings> {
    return this.get();
  }
  /** Only what is given changes. */
  update(
    params: Keyed<BodyOf<'POST /v1/subscription_settings', 'subscription_settings'>>,
    options?: RequestOptions,
  ): Promise<SubscriptionSettings> {
    return this.api.one(
      'POST',
      '/v1/subscription_settings',
      'subscription_settings',
      params,
      options,
    );
  }
}
