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
}
