import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from './catalog-fixtures.js';
import { type FakeStripe, type StripeRequest, startServerOnFakeStripe } from './fake-stripe.js';
import { createTestAccount, oneLine, request, type TestServer } from './harness.js';

// Saved payment methods on an account on Stripe (a local stand-in): one Stripe Customer per
// Flint customer, cards attached by off-session SetupIntents, renewals charged off session.

let server: TestServer;
let fake: FakeStripe;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ server, fake, close } = await startServerOnFakeStripe());
});
afterAll(() => close());

async function stripeAccount() {
  const account = await createTestAccount(server);
  const secretKey = `sk_test_51${randomBytes(12).toString('hex')}`;
  const res = await request(server, 'PUT', '/v1/processor', {
    key: account.testKey,
    body: { processor: { type: 'stripe', secret_key: secretKey } },
  });
  expect(res.status, res.text).toBe(200);
  return { key: account.testKey, secretKey };
}

function sentWith(secretKey: string): StripeRequest[] {
  return fake.requests.filter((r) => r.headers.authorization === `Bearer ${secretKey}`);
}

describe('saved payment methods on Stripe', () => {
  it('makes one Stripe Customer, attaches cards by SetupIntent, and charges a renewal off session', async () => {
    const { key, secretKey } = await stripeAccount();
    const cus = (await create(server, key, 'customers', 'customer', { email: 'jo@example.com' }))
      .customer_id;
    const save = (token: string) =>
      request(server, 'POST', `/v1/customers/${cus}/payment_methods`, {
        key,
        body: { payment_method: { payment_source_token: token } },
      });
    const first = await save('tok_visa');
    expect(first.status, first.text).toBe(200);
    expect(first.body.payment_method).toMatchObject({
      processor: 'stripe',
      card: { brand: 'visa', last4: '4242' },
      status: 'attached',
    });
    expect(first.body.payment_method.processor_payment_method_id).toMatch(/^pm_fake/);
    const second = await save('tok_chargeCustomerFail');
    expect(second.status, second.text).toBe(200);

    const sent = sentWith(secretKey);
    const customers = sent.filter((r) => r.path === '/v1/customers');
    expect(customers).toHaveLength(1);
    expect(customers[0]?.form).toMatchObject({
      email: 'jo@example.com',
      'metadata[flint_customer_id]': cus,
    });
    const setups = sent.filter((r) => r.path === '/v1/setup_intents');
    expect(setups).toHaveLength(2);
    expect(setups[0]?.form).toMatchObject({
      payment_method: 'tok_visa',
      confirm: 'true',
      usage: 'off_session',
    });
    expect(setups[1]?.form.customer).toBe(setups[0]?.form.customer);

    const orderOf = async () =>
      (
        await create(server, key, 'orders', 'order', {
          line_items: oneLine(1500),
          customer_id: cus,
        })
      ).order_id;
    const pay = async (pm: string) =>
      request(server, 'POST', `/v1/orders/${await orderOf()}/pay`, {
        key,
        body: { payment: { payment_method_id: pm, off_session: true } },
      });
    const paid = await pay(first.body.payment_method.payment_method_id);
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.payment_intent).toMatchObject({ status: 'succeeded', off_session: true });
    const charge = sentWith(secretKey)
      .filter((r) => r.path === '/v1/payment_intents')
      .at(-1);
    expect(charge?.form).toMatchObject({
      customer: setups[0]?.form.customer,
      payment_method: first.body.payment_method.processor_payment_method_id,
      off_session: 'true',
      confirm: 'true',
    });
    const declined = await pay(second.body.payment_method.payment_method_id);
    expect(declined.status, declined.text).toBe(402);
    expect(declined.body.error.code).toBe('generic_decline');
  });

  it('a card Stripe declines on attach is a 402 and nothing is saved; detach reaches Stripe', async () => {
    const { key, secretKey } = await stripeAccount();
    const cus = (await create(server, key, 'customers', 'customer', {})).customer_id;
    const refused = await request(server, 'POST', `/v1/customers/${cus}/payment_methods`, {
      key,
      body: { payment_method: { payment_source_token: 'tok_chargeDeclinedInsufficientFunds' } },
    });
    expect(refused.status, refused.text).toBe(402);
    expect(refused.body.error.code).toBe('insufficient_funds');
    const needs3ds = await request(server, 'POST', `/v1/customers/${cus}/payment_methods`, {
      key,
      body: { payment_method: { payment_source_token: 'tok_threeDSecureRequired' } },
    });
    expect(needs3ds.status, needs3ds.text).toBe(402);
    expect(needs3ds.body.error.code).toBe('authentication_required');
    const list = await request(server, 'GET', `/v1/customers/${cus}/payment_methods`, { key });
    expect(list.body.payment_methods).toEqual([]);

    const saved = await request(server, 'POST', `/v1/customers/${cus}/payment_methods`, {
      key,
      body: { payment_method: { payment_source_token: 'tok_visa' } },
    });
    const method = saved.body.payment_method;
    const detached = await request(
      server,
      'POST',
      `/v1/payment_methods/${method.payment_method_id}/detach`,
      { key, body: {} },
    );
    expect(detached.status, detached.text).toBe(200);
    expect(sentWith(secretKey).map((r) => r.path)).toContain(
      `/v1/payment_methods/${method.processor_payment_method_id}/detach`,
    );
  });
});
