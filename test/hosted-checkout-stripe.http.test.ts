import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Buyer, createSession, hidden } from './checkout-page-client.js';
import { type FakeStripe, startFakeStripe } from './fake-stripe.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// The hosted page of an account on Stripe (a local stand-in for api.stripe.com): the card
// is collected by Stripe.js in the buyer's browser, so the page's form carries only
// Stripe's payment method id. Stripe.js itself cannot run here (no internet): the browser
// tests drive the sandbox page; these check what Flint serves and does.

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

async function stripeAccount(publishableKey: string | null = 'pk_test_51Flint0123abcDEF') {
  const account = await createTestAccount(server, 'Stripe Shop');
  const res = await request(server, 'PUT', '/v1/processor', {
    key: account.testKey,
    body: {
      processor: {
        type: 'stripe',
        secret_key: `sk_test_51${randomBytes(12).toString('hex')}`,
        ...(publishableKey ? { publishable_key: publishableKey } : {}),
      },
    },
  });
  expect(res.status, res.text).toBe(200);
  expect(res.body.processor.stripe.publishable_key).toBe(publishableKey);
  return account.testKey;
}

describe('the hosted page on Stripe', () => {
  it('loads Stripe.js under the nonce with the publishable key; no card field of its own', async () => {
    const key = await stripeAccount();
    const cs = await createSession(server, key);
    const page = await new Buyer(server).get(`/checkout/${cs.checkout_session_id}`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(csp).toContain(`script-src 'nonce-${nonce}' https://js.stripe.com`);
    expect(csp).toContain('frame-src https://js.stripe.com https://hooks.stripe.com');
    expect(csp).toContain('connect-src https://api.stripe.com');
    expect(page.text).toContain(
      `<script nonce="${nonce}" src="https://js.stripe.com/v3/"></script>`,
    );
    expect(page.text).toContain('data-publishable-key="pk_test_51Flint0123abcDEF"');
    expect(page.text).toContain(
      '<div id="card-element" role="group" aria-labelledby="card-label"></div>',
    );
    expect(page.text).not.toContain('name="card_number"');
  });

  it("charges Stripe with the buyer's payment method; a decline can be retried", async () => {
    const key = await stripeAccount();
    const cs = await createSession(server, key);
    const buyer = new Buyer(server);
    const form = async (payment_method: string) => {
      const { csrf, attempt } = await buyer.open(cs.checkout_session_id);
      return buyer.post(`/checkout/${cs.checkout_session_id}/pay`, {
        csrf_token: csrf,
        attempt,
        email: 'buyer@example.com',
        payment_method,
      });
    };
    const declined = await form('pm_card_chargeDeclinedInsufficientFunds');
    expect(declined.status).toBe(402);
    expect(declined.text).toContain('Your card has insufficient funds.');
    const from = fake.requests.length;
    const paid = await form('pm_card_visa');
    expect(paid.status).toBe(303);
    expect(paid.location).toContain(`session_id=${cs.checkout_session_id}`);
    const charge = fake.requests.slice(from).find((r) => r.path === '/v1/payment_intents');
    expect(charge?.form).toMatchObject({
      payment_method: 'pm_card_visa',
      amount: '6500',
      confirm: 'true',
      receipt_email: 'buyer@example.com',
    });
    const session = await request(
      server,
      'GET',
      `/v1/checkout/sessions/${cs.checkout_session_id}`,
      {
        key,
      },
    );
    expect(session.body.checkout_session.status).toBe('complete');
    // A malformed payment method never reaches Stripe.
    const other = await createSession(server, key);
    const before = fake.requests.length;
    const { csrf, attempt } = await buyer.open(other.checkout_session_id);
    const bad = await buyer.post(`/checkout/${other.checkout_session_id}/pay`, {
      csrf_token: csrf,
      attempt,
      email: 'buyer@example.com',
      payment_method: '4242424242424242',
    });
    expect(bad.status).toBe(422);
    expect(fake.requests.length).toBe(before);
  });

  it("3-D Secure runs Stripe's own step with the payment's client secret, then Flint records it", async () => {
    const key = await stripeAccount();
    const cs = await createSession(server, key);
    const id = cs.checkout_session_id;
    const buyer = new Buyer(server);
    const { csrf, attempt } = await buyer.open(id);
    const asked = await buyer.post(`/checkout/${id}/pay`, {
      csrf_token: csrf,
      attempt,
      email: 'buyer@example.com',
      payment_method: 'pm_card_authenticationRequired',
    });
    expect(asked.status).toBe(303);
    const challenge = await buyer.get(`/checkout/${id}`);
    expect(challenge.text).toContain('Confirm your payment');
    const secret = /data-client-secret="([^"]+)"/.exec(challenge.text)?.[1] ?? '';
    expect(secret).toMatch(/^pi_fake\d+_secret_fake\d+$/);
    // Before the buyer finishes, confirming leaves it waiting.
    const early = await buyer.post(`/checkout/${id}/authenticate`, {
      csrf_token: hidden(challenge.text, 'csrf_token'),
      result: 'stripe',
    });
    expect(early.status).toBe(303);
    expect(early.location).toBe(`/checkout/${id}`);
    // The buyer completes Stripe's challenge; Stripe's PaymentIntent has succeeded.
    const stripeId = secret.split('_secret_')[0] ?? '';
    fake.updatePaymentIntent(stripeId, {
      status: 'succeeded',
      amount_received: 6500,
      latest_charge: 'ch_fake3ds',
    });
    const done = await buyer.post(`/checkout/${id}/authenticate`, {
      csrf_token: hidden(challenge.text, 'csrf_token'),
      result: 'stripe',
    });
    expect(done.status).toBe(303);
    expect(done.location).toContain(`session_id=${id}`);
    const order = await request(server, 'GET', `/v1/orders/${cs.order_id}`, { key });
    expect(order.body.order.status).toBe('PAID');
    expect(order.body.order.payments).toMatchObject([
      { status: 'succeeded', latest_charge: 'ch_fake3ds' },
    ]);
  });

  it('embedded: Stripe.js collects the card inside the frame, and its 3-D Secure step runs there too; no cookie', async () => {
    const key = await stripeAccount();
    const created = await request(server, 'POST', '/v1/checkout/sessions', {
      key,
      body: {
        checkout_session: {
          line_items: [
            { name: 'Tea', quantity: 1, unit_price_money: { amount: 6500, currency: 'USD' } },
          ],
          ui_mode: 'embedded',
          allowed_origins: ['https://shop.example'],
          return_url: 'https://shop.example/thanks',
        },
      },
    });
    expect(created.status, created.text).toBe(200);
    const { checkout_session_id: id, order_id: orderId } = created.body.checkout_session;
    const page = await new Buyer(server).get(`/checkout/${id}`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain('frame-ancestors https://shop.example');
    expect(csp).toContain('frame-src https://js.stripe.com https://hooks.stripe.com');
    expect(page.text).toContain('<div id="card-element"');
    expect(page.text).not.toContain('name="card_number"');
    expect(page.headers.get('set-cookie')).toBeNull();
    // Posted as the frame does: no cookie, the bound token, from Flint's own origin.
    const post = (path: string, form: Record<string, string>) =>
      fetch(server.url + path, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: server.url,
          'sec-fetch-site': 'same-origin',
        },
        body: new URLSearchParams(form).toString(),
      });
    const asked = await post(`/checkout/${id}/pay`, {
      csrf_token: hidden(page.text, 'csrf_token'),
      attempt: hidden(page.text, 'attempt'),
      email: 'buyer@example.com',
      payment_method: 'pm_card_authenticationRequired',
    });
    expect(asked.status).toBe(303);
    const challenge = await new Buyer(server).get(`/checkout/${id}`);
    expect(challenge.headers.get('content-security-policy')).toContain(
      'frame-ancestors https://shop.example',
    );
    const secret = /data-client-secret="([^"]+)"/.exec(challenge.text)?.[1] ?? '';
    fake.updatePaymentIntent(secret.split('_secret_')[0] ?? '', {
      status: 'succeeded',
      amount_received: 6500,
      latest_charge: 'ch_fake_embedded',
    });
    const done = await post(`/checkout/${id}/authenticate`, {
      csrf_token: hidden(challenge.text, 'csrf_token'),
      result: 'stripe',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/checkout/${id}`);
    const order = await request(server, 'GET', `/v1/orders/${orderId}`, { key });
    expect(order.body.order.status).toBe('PAID');
  });

  it('an account on Stripe without a publishable key shows a clear page, no form', async () => {
    const key = await stripeAccount(null);
    const cs = await createSession(server, key);
    const page = await new Buyer(server).get(`/checkout/${cs.checkout_session_id}`);
    expect(page.status).toBe(503);
    expect(page.text).toContain('Card payments are not available');
    expect(page.text).not.toContain('<form');
  });

  it('a publishable key of the other mode, or on the sandbox, is refused', async () => {
    const { testKey } = await createTestAccount(server);
    for (const [body, loc] of [
      [
        { type: 'stripe', secret_key: 'sk_test_51abc', publishable_key: 'pk_live_51abc' },
        'publishable_key',
      ],
      [{ type: 'sandbox', publishable_key: 'pk_test_51abc' }, 'publishable_key'],
    ] as const) {
      const res = await request(server, 'PUT', '/v1/processor', {
        key: testKey,
        body: { processor: body },
      });
      expect(res.status, res.text).toBe(422);
      expect(res.body.error.errors[0].loc).toEqual(['processor', loc]);
    }
    const pattern = await request(server, 'PUT', '/v1/processor', {
      key: testKey,
      body: {
        processor: {
          type: 'stripe',
          secret_key: 'sk_test_51abc',
          publishable_key: 'sk_test_51abc',
        },
      },
    });
    expect(pattern.status).toBe(422);
  });
});
