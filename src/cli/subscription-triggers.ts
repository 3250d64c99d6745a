import type { EventType } from '../domain/event-types.js';
import { callApi } from './api-client.js';
import type { TriggerSteps } from './trigger-steps.js';

// `flint trigger customer.subscription.<x>` and `invoice.upcoming`: a customer on a new
// test clock (a card saved, or none), a plan, a subscription, then the calls — or the
// clock's advance — that record the event, each printing what it made or changed.

const DAY_MS = 86_400_000;

interface SubscriptionBody {
  readonly subscription: {
    readonly subscription_id: string;
    readonly status: string;
    readonly trial_end: string | null;
    readonly current_period_end: string | null;
  };
}
interface Settings {
  readonly missing_payment_method: string;
  readonly trial_will_end_days: number;
  readonly upcoming_days: number;
}
interface InvoiceList {
  readonly invoices: readonly {
    readonly invoice_id: string;
    readonly status: string;
    readonly billing_reason: string;
    readonly order_id: string;
  }[];
}
interface OrderBody {
  readonly order: {
    readonly status: string;
    readonly payments: readonly { readonly payment_intent_id: string; readonly status: string }[];
  };
}

type Subscription = SubscriptionBody['subscription'];

interface Subscriber {
  readonly clockId: string;
  readonly customerId: string;
  readonly subscription: Subscription;
}

/** Now, to the whole second (a test clock's time is in whole seconds). */
const wholeSecond = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();

async function post<T>(s: TriggerSteps, path: string, body?: unknown, method?: 'PATCH') {
  return (await callApi<T>(s.target, method ?? 'POST', path, { body })).body;
}

async function subscriptionCall(
  s: TriggerSteps,
  path: string,
  { body, method }: { readonly body?: unknown; readonly method?: 'PATCH' } = {},
): Promise<Subscription> {
  const { subscription } = await post<SubscriptionBody>(s, path, body, method);
  s.say('subscription', subscription.subscription_id, subscription.status);
  return subscription;
}

/** Prints the subscription as it is now (after the clock moved it). */
async function showSubscription(s: TriggerSteps, id: string): Promise<void> {
  const { body } = await callApi<SubscriptionBody>(s.target, 'GET', `/v1/subscriptions/${id}`);
  s.say('subscription', id, body.subscription.status);
}

async function saveCard(s: TriggerSteps, customerId: string): Promise<void> {
  const { payment_method } = await post<{ payment_method: { payment_method_id: string } }>(
    s,
    `/v1/customers/${customerId}/payment_methods`,
    { payment_method: { payment_source_token: 'tok_visa' } },
  );
  s.say('payment_method', payment_method.payment_method_id, 'attached (tok_visa)');
  s.say('customer', customerId, 'updated (default payment method)');
}

/**
 * A test clock now, a customer on it (with a saved card unless `card: false`), a monthly
 * plan of 2000 and a subscription to it (a trial of `trialDays` when given).
 */
async function subscribe(
  s: TriggerSteps,
  { card = true, trialDays }: { readonly card?: boolean; readonly trialDays?: number } = {},
): Promise<Subscriber> {
  const { test_clock } = await post<{ test_clock: { test_clock_id: string; frozen_time: string } }>(
    s,
    '/v1/test_helpers/test_clocks',
    { test_clock: { frozen_time: wholeSecond(Date.now()), name: `flint trigger ${s.tag}` } },
  );
  const clockId = test_clock.test_clock_id;
  s.say('test_clock', clockId, `created at ${test_clock.frozen_time}`);
  const { customer } = await post<{ customer: { customer_id: string } }>(s, '/v1/customers', {
    customer: {
      email: 'subscriber@example.com',
      test_clock: clockId,
      metadata: { flint_trigger: s.tag },
    },
  });
  s.say('customer', customer.customer_id, `created (on ${clockId})`);
  if (card) await saveCard(s, customer.customer_id);
  const { plan } = await post<{ plan: { plan_id: string } }>(s, '/v1/plans', {
    plan: {
      name: `flint trigger ${s.tag}`,
      currency: 'USD',
      interval: 'month',
      line_items: [{ name: 'Monthly plan', unit_amount: 2000 }],
      metadata: { flint_trigger: s.tag },
    },
  });
  s.say('plan', plan.plan_id, 'created (2000 a month)');
  const subscription = await subscriptionCall(s, '/v1/subscriptions', {
    body: {
      subscription: {
        customer_id: customer.customer_id,
        items: [{ plan_id: plan.plan_id }],
        trial_period_days: trialDays ?? 0,
        metadata: { flint_trigger: s.tag },
      },
    },
  });
  await sayBilled(s, customer.customer_id);
  return { clockId, customerId: customer.customer_id, subscription };
}

/** Prints the customer's invoices (each period's), their orders and payments. */
async function sayBilled(s: TriggerSteps, customerId: string): Promise<void> {
  const { body } = await callApi<InvoiceList>(
    s.target,
    'GET',
    `/v1/invoices?customer_id=${customerId}&limit=100`,
  );
  for (const invoice of [...body.invoices].reverse()) {
    s.say('invoice', invoice.invoice_id, `${invoice.status} (${invoice.billing_reason})`);
    const order = await callApi<OrderBody>(s.target, 'GET', `/v1/orders/${invoice.order_id}`);
    s.say('order', invoice.order_id, `${order.body.order.status.toLowerCase()} (the period's)`);
    for (const payment of order.body.order.payments) {
      s.say('payment_intent', payment.payment_intent_id, payment.status);
    }
  }
}

async function advance(s: TriggerSteps, clockId: string, to: number): Promise<void> {
  const { test_clock } = await post<{ test_clock: { status: string; frozen_time: string } }>(
    s,
    `/v1/test_helpers/test_clocks/${clockId}/advance`,
    { test_clock: { frozen_time: wholeSecond(to) } },
  );
  s.say('test_clock', clockId, `advanced to ${test_clock.frozen_time} (${test_clock.status})`);
}

async function settings(s: TriggerSteps): Promise<Settings> {
  const { body } = await callApi<{ subscription_settings: Settings }>(
    s.target,
    'GET',
    '/v1/subscription_settings',
  );
  return body.subscription_settings;
}

/**
 * Runs `work` with the account's subscription settings changed as given, and puts back
 * what they were afterwards, whatever happens (a trigger leaves the account as it found it).
 */
async function withSettings<T>(
  s: TriggerSteps,
  changes: Partial<Settings>,
  work: () => Promise<T>,
): Promise<T> {
  const before = await settings(s);
  const differ = Object.entries(changes).filter(
    ([key, value]) => before[key as keyof Settings] !== value,
  );
  if (differ.length === 0) return work();
  const put = (values: Partial<Settings>) =>
    post(s, '/v1/subscription_settings', { subscription_settings: values });
  await put(Object.fromEntries(differ));
  const shown = differ.map(([key, value]) => `${key} ${String(value)}`).join(', ');
  s.say('settings', 'subscription', `${shown} (for this trigger)`);
  try {
    return await work();
  } finally {
    const restored = Object.fromEntries(
      differ.map(([key]) => [key, before[key as keyof Settings]]),
    );
    await put(restored);
    s.say('settings', 'subscription', 'restored');
  }
}

/** A trial on a customer with no card, ended: the account's `pause` makes it `paused`. */
async function paused(s: TriggerSteps): Promise<Subscriber> {
  return withSettings(s, { missing_payment_method: 'pause' }, async () => {
    const sub = await subscribe(s, { card: false, trialDays: 1 });
    const trialEnd = Date.parse(sub.subscription.trial_end ?? '');
    await advance(s, sub.clockId, trialEnd + 1000);
    await showSubscription(s, sub.subscription.subscription_id);
    return sub;
  });
}

type Scenario = (steps: TriggerSteps) => Promise<string>;

const idOf = (sub: Subscriber) => sub.subscription.subscription_id;

/** Every subscription event the sandbox can produce on demand. */
export const SUBSCRIPTION_SCENARIOS = {
  'customer.subscription.created': async (s) => idOf(await subscribe(s)),
  'customer.subscription.updated': async (s) => {
    const id = idOf(await subscribe(s));
    await subscriptionCall(s, `/v1/subscriptions/${id}`, {
      method: 'PATCH',
      body: { subscription: { metadata: { flint_trigger_updated: 'true' } } },
    });
    return id;
  },
  'customer.subscription.trial_will_end': async (s) => {
    const { trial_will_end_days: days } = await settings(s);
    const sub = await subscribe(s, { trialDays: days + 7 });
    const trialEnd = Date.parse(sub.subscription.trial_end ?? '');
    await advance(s, sub.clockId, trialEnd - days * DAY_MS);
    await showSubscription(s, idOf(sub));
    return idOf(sub);
  },
  'customer.subscription.paused': async (s) => idOf(await paused(s)),
  'customer.subscription.resumed': async (s) => {
    const sub = await paused(s);
    await saveCard(s, sub.customerId);
    await subscriptionCall(s, `/v1/subscriptions/${idOf(sub)}/resume`);
    await sayBilled(s, sub.customerId);
    return idOf(sub);
  },
  'customer.subscription.deleted': async (s) => {
    const id = idOf(await subscribe(s));
    await subscriptionCall(s, `/v1/subscriptions/${id}/cancel`);
    return id;
  },
  'invoice.upcoming': async (s) => {
    const { upcoming_days: days } = await settings(s);
    return withSettings(s, { upcoming_days: days > 0 ? days : 7 }, async () => {
      const sub = await subscribe(s);
      const end = Date.parse(sub.subscription.current_period_end ?? '');
      await advance(s, sub.clockId, end - (days > 0 ? days : 7) * DAY_MS);
      return idOf(sub);
    });
  },
} satisfies Partial<Record<EventType, Scenario>>;
