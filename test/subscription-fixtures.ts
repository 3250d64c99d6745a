import { expect } from 'vitest';
import { createTestAccount, request, type TestAccount, type TestServer } from './harness.js';

// A merchant with subscriptions: its account, a clock, customers with saved cards, plans.

export const START = '2030-01-31T10:00:00.000Z';

export class Merchant {
  private constructor(
    readonly server: TestServer,
    readonly account: TestAccount,
  ) {}

  static async open(server: TestServer): Promise<Merchant> {
    return new Merchant(server, await createTestAccount(server));
  }

  call(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    return request(this.server, method, path, { key: this.account.testKey, body, headers });
  }

  /** The call's body; fails the test on anything but 200. */
  async ok(method: string, path: string, body?: unknown) {
    const res = await this.call(method, path, body);
    expect(res.status, `${method} ${path}: ${res.text}`).toBe(200);
    return res.body;
  }

  async clock(frozenTime = START): Promise<string> {
    const body = await this.ok('POST', '/v1/test_helpers/test_clocks', {
      test_clock: { frozen_time: frozenTime },
    });
    return body.test_clock.test_clock_id;
  }

  async advance(clockId: string, to: string) {
    return this.ok('POST', `/v1/test_helpers/test_clocks/${clockId}/advance`, {
      test_clock: { frozen_time: to },
    });
  }

  /** A customer (on `clock` when given) with a card saved from `token` (none: no card). */
  async customer({ clock, token }: { clock?: string; token?: string | null } = {}) {
    const body = await this.ok('POST', '/v1/customers', {
      customer: {
        email: 'buyer@example.com',
        ...(clock ? { test_clock: clock } : {}),
      },
    });
    const id: string = body.customer.customer_id;
    let method: string | null = null;
    if (token !== null) {
      const saved = await this.ok('POST', `/v1/customers/${id}/payment_methods`, {
        payment_method: { payment_source_token: token ?? 'tok_visa' },
      });
      method = saved.payment_method.payment_method_id;
    }
    return { id, method };
  }

  async plan(fields: Record<string, unknown> = {}) {
    const body = await this.ok('POST', '/v1/plans', {
      plan: {
        name: 'Pro',
        currency: 'USD',
        interval: 'month',
        line_items: [{ name: 'Pro seat', unit_amount: 1000 }],
        ...fields,
      },
    });
    return body.plan.plan_id as string;
  }

  async subscribe(fields: Record<string, unknown>) {
    return this.call('POST', '/v1/subscriptions', { subscription: fields });
  }

  async subscription(id: string) {
    return (await this.ok('GET', `/v1/subscriptions/${id}`)).subscription;
  }

  async invoice(id: string) {
    return (await this.ok('GET', `/v1/invoices/${id}`)).invoice;
  }

  /** Every invoice of a subscription, oldest first. */
  async invoicesOf(customerId: string) {
    const body = await this.ok('GET', `/v1/invoices?customer_id=${customerId}&limit=100`);
    return [...body.invoices].reverse();
  }

  async events(objectId: string) {
    const body = await this.ok('GET', `/v1/events?object_id=${objectId}&limit=100`);
    return [...body.events].reverse();
  }

  /** The subscription's event types, oldest first; their `sequence`s count 1, 2, 3… */
  async subscriptionEvents(id: string): Promise<string[]> {
    const events = await this.events(id);
    expect(events.map((e: any) => e.sequence)).toEqual(events.map((_e: any, i: number) => i + 1));
    return events.map((e: any) => e.type);
  }

  async settings(fields: Record<string, unknown>) {
    return (await this.ok('POST', '/v1/subscription_settings', { subscription_settings: fields }))
      .subscription_settings;
  }

  /** Saves a card from `token` for the customer; its id. */
  async saveCard(customerId: string, token: string): Promise<string> {
    const saved = await this.ok('POST', `/v1/customers/${customerId}/payment_methods`, {
      payment_method: { payment_source_token: token },
    });
    return saved.payment_method.payment_method_id;
  }

  /**
   * An active monthly subscription (its first period paid with tok_visa) whose renewals are
   * charged to a card saved from `token`: the sandbox saves a declining card fine and
   * declines when it is charged.
   */
  async renewingWith(token: string, fields: Record<string, unknown> = {}) {
    const clock = await this.clock();
    const customer = await this.customer({ clock });
    const plan = await this.plan();
    const res = await this.subscribe({
      customer_id: customer.id,
      items: [{ plan_id: plan }],
      ...fields,
    });
    expect(res.status, res.text).toBe(200);
    const id: string = res.body.subscription.subscription_id;
    const method = await this.saveCard(customer.id, token);
    await this.ok('PATCH', `/v1/subscriptions/${id}`, {
      subscription: { default_payment_method_id: method },
    });
    return { clock, customer, plan, id, method };
  }

  /** Test-mode mail about an object (an invoice), oldest first. */
  async mails(objectId: string, kind?: string) {
    const query = new URLSearchParams({ related_object_id: objectId, limit: '100' });
    if (kind) query.set('kind', kind);
    const body = await this.ok('GET', `/v1/test_helpers/emails?${query}`);
    return [...body.emails].reverse();
  }

  /** The payment intents of an order, oldest first. */
  async intents(orderId: string) {
    const body = await this.ok('GET', `/v1/payment_intents?order=${orderId}&limit=100`);
    return [...body.payment_intents].reverse();
  }
}
