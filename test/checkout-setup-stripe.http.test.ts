import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Buyer } from './checkout-page-client.js';
import { type FakeStripe, startFakeStripe } from './fake-stripe.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// A setup session's page on a Stripe account (a local stand-in for api.stripe.com): the
// card comes from Stripe.js as a payment method id, saved by an off-session SetupIntent.
// A card that asks for 3-D Secure to be saved is refused on the page, saying so.

let fake: FakeStripe;
let server: TestServer;
beforeAll(async () => {
  fake = await startFakeStripe();
  server = await startTestServer({
    encryptionKey: randomBytes(32),
    stripe: { host: '127.0.0.1', port: fake.port, protocol: 'http', maxNetworkRetries: 0 },
    pageRateLimits: { pages: 1000, payments: 1000 },
  });
});
afterAll(async () => {
  await server.close();
  await fake.close();
});

async function stripeSetupSession() {
  const { testKey: key } = await createTestAccount(server, 'Stripe Shop');
  const processor = await request(server, 'PUT', '/v1/processor', {
    key,
    body: {
      processor: {
        type: 'stripe',
        secret_key: `sk_test_51${randomBytes(12).toString('hex')}`,
        publishable_key: 'pk_test_51Flint0123abcDEF',
      },
    },
  });
  expect(processor.status, processor.text).toBe(200);
  const customer = await request(server, 'POST', '/v1/customers', {
    key,
    body: { customer: { email: 'jo@example.com' } },
  });
  const cs = await request(server, 'POST', '/v1/checkout/sessions', {
    key,
    body: {
      checkout_session: {
        mode: 'setup',
        customer_id: customer.body.customer.customer_id,
        success_url: 'https://shop.example/card-saved',
      },
    },
  });
  expect(cs.status, cs.text).toBe(200);
  return {
    key,
    customerId: customer.body.customer.customer_id as string,
    id: cs.body.checkout_session.checkout_session_id as string,
  };
}

describe('a setup session on Stripe', () => {
  it("saves Stripe.js's payment method as the default; refuses one that needs 3-D Secure", async () => {
    const { key, customerId, id } = await stripeSetupSession();
    const buyer = new Buyer(server);
    const save = async (paymentMethod: string) => {
      const { page, csrf, attempt } = await buyer.open(id);
      expect(page.text).toContain('data-publishable-key="pk_test_51Flint0123abcDEF"');
      expect(page.text).toContain('>Save card</button>');
      return buyer.post(`/checkout/${id}/pay`, {
        csrf_token: csrf,
        attempt,
        email: 'jo@example.com',
        payment_method: paymentMethod,
      });
    };
    const asks = await save('pm_card_authenticationRequired');
    expect(asks.status).toBe(402);
    expect(asks.text).toContain(
      'Your bank asks to confirm this card, which cannot be done on this page yet. Try another card.',
    );
    const none = await request(server, 'GET', `/v1/customers/${customerId}/payment_methods`, {
      key,
    });
    expect(none.body.payment_methods).toEqual([]);

    const saved = await save('pm_card_visa');
    expect(saved.status, saved.text).toBe(303);
    expect(saved.location).toBe(`https://shop.example/card-saved?session_id=${id}`);
    const session = (await request(server, 'GET', `/v1/checkout/sessions/${id}`, { key })).body
      .checkout_session;
    expect(session.status).toBe('complete');
    const method = (
      await request(server, 'GET', `/v1/payment_methods/${session.payment_method_id}`, { key })
    ).body.payment_method;
    expect(method).toMatchObject({ processor: 'stripe', card: { last4: '4242' } });
    expect(method.processor_payment_method_id).toMatch(/^pm_fake/);
    const owner = (await request(server, 'GET', `/v1/customers/${customerId}`, { key })).body
      .customer;
    expect(owner.default_payment_method_id).toBe(session.payment_method_id);
  });
});
