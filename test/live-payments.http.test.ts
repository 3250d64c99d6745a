import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import { Buyer, createSession, GOOD_CARD, hidden } from './checkout-page-client.js';
import { signedInUser } from './console-client.js';
import { type FakeStripe, startServerOnFakeStripe } from './fake-stripe.js';
import { createTestAccount, request, type TestAccount, type TestServer } from './harness.js';

// Issue 15 §3: the sandbox moves no money, so live mode never pays through it. With no
// real processor a live payment is refused before anything is reserved, the hosted page
// says card payments are not set up, and the console says live mode is not set up.

let fake: FakeStripe;
let server: TestServer;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ server, fake, close } = await startServerOnFakeStripe());
});
afterAll(() => close());

async function setProcessor(account: TestAccount, processor: Record<string, unknown>) {
  const res = await request(server, 'PUT', '/v1/processor', {
    key: account.liveKey,
    body: { processor },
  });
  expect(res.status, res.text).toBe(200);
}

const liveStripe = {
  type: 'stripe',
  secret_key: `sk_live_51${randomBytes(12).toString('hex')}`,
  publishable_key: 'pk_live_51FlintLive0123',
};

/** What a payment would change: the order, the stock, its payments, the mode's events. */
async function state(key: string, orderId: string) {
  const reads = [
    `/v1/orders/${orderId}`,
    '/v1/products',
    '/v1/payment_intents',
    '/v1/events?limit=100',
  ];
  return Promise.all(reads.map(async (path) => (await request(server, 'GET', path, { key })).text));
}

/** A price of a product with one item in stock. */
async function stockedPrice(key: string): Promise<string> {
  const { product_id } = await create(server, key, 'products', 'product', {
    name: 'Last mat',
    inventory: { tracked: true, quantity: 1 },
  });
  return (
    await create(server, key, 'prices', 'price', {
      product_id,
      unit_amount: 3500,
      currency: 'USD',
    })
  ).price_id;
}

async function liveOrder(key: string) {
  const order = await create(server, key, 'orders', 'order', {
    line_items: [{ price_id: await stockedPrice(key), quantity: 1 }],
  });
  return order.order_id as string;
}

describe('a live payment without a real processor', () => {
  it('is a 409 processor_not_configured for every sandbox token, and nothing is created or reserved', async () => {
    const account = await createTestAccount(server);
    const orderId = await liveOrder(account.liveKey);
    const before = await state(account.liveKey, orderId);
    for (const token of ['tok_visa', 'tok_threeDSecureRequired', 'tok_chargeDeclined']) {
      const res = await request(server, 'POST', `/v1/orders/${orderId}/pay`, {
        key: account.liveKey,
        body: { payment: { payment_source_token: token } },
      });
      expectError(res, 409, 'conflict', 'processor_not_configured');
    }
    expect(await state(account.liveKey, orderId)).toEqual(before);
    expect(fake.requests.filter((r) => r.path === '/v1/payment_intents')).toEqual([]);
  });

  it('goes through Stripe once live Stripe keys are set; test mode keeps the sandbox', async () => {
    const account = await createTestAccount(server);
    await setProcessor(account, liveStripe);
    const orderId = await liveOrder(account.liveKey);
    const paid = await request(server, 'POST', `/v1/orders/${orderId}/pay`, {
      key: account.liveKey,
      body: { payment: { payment_source_token: 'tok_visa' } },
    });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.order.status).toBe('PAID');
    expect(paid.body.payment_intent.processor).toBe('stripe');
    expect(fake.paymentIntentFor(paid.body.payment_intent.payment_intent_id)).toBeDefined();

    const testOrder = await liveOrder(account.testKey);
    const sandbox = await request(server, 'POST', `/v1/orders/${testOrder}/pay`, {
      key: account.testKey,
      body: { payment: { payment_source_token: 'tok_visa' } },
    });
    expect(sandbox.status, sandbox.text).toBe(200);
    expect(sandbox.body.payment_intent.processor).toBe('sandbox');
  });

  it('the hosted page of a live session says card payments are not set up, and takes no card', async () => {
    const account = await createTestAccount(server);
    const session = await createSession(server, account.liveKey);
    const buyer = new Buyer(server);
    const page = await buyer.get(`/checkout/${session.checkout_session_id}`);
    expect(page.status).toBe(503);
    expect(page.text).toContain('Card payments are not available');
    expect(page.text).not.toContain('name="card_number"');

    // A form opened while live Stripe was connected, posted after it was switched off.
    await setProcessor(account, liveStripe);
    const open = await buyer.open(session.checkout_session_id);
    expect(open.page.status).toBe(200);
    await setProcessor(account, { type: 'sandbox' });
    const before = await state(account.liveKey, session.order_id);
    const posted = await buyer.post(`/checkout/${session.checkout_session_id}/pay`, {
      csrf_token: open.csrf,
      attempt: hidden(open.page.text, 'attempt'),
      ...GOOD_CARD,
      stripe_payment_method: 'pm_card_visa',
    });
    expect(posted.status).toBe(503);
    expect(posted.text).toContain('Card payments are not available');
    expect(await state(account.liveKey, session.order_id)).toEqual(before);
  });
});

describe('a live payment link without a real processor', () => {
  it('says card payments are not available and makes no order or session', async () => {
    const account = await createTestAccount(server);
    const key = account.liveKey;
    const link = await request(server, 'POST', '/v1/payment_links', {
      key,
      body: {
        payment_link: { line_items: [{ price_id: await stockedPrice(key), quantity: 1 }] },
      },
    });
    expect(link.status, link.text).toBe(200);
    const path = new URL(link.body.payment_link.url).pathname;
    const made = async () =>
      Promise.all(
        ['/v1/orders', '/v1/checkout/sessions'].map(
          async (list) => (await request(server, 'GET', list, { key })).text,
        ),
      );
    const before = await made();
    const visit = await new Buyer(server).get(path);
    expect(visit.status).toBe(503);
    expect(visit.text).toContain('Card payments are not available');
    expect(await made()).toEqual(before);

    await setProcessor(account, liveStripe);
    const ready = await new Buyer(server).get(path);
    expect(ready.status).toBe(303);
    expect(ready.location).toMatch(/\/checkout\/cs_/);
  });
});

describe('the console in live mode', () => {
  it('says live mode is not set up until a real processor is connected', async () => {
    const account = await createTestAccount(server);
    const { browser } = await signedInUser(server, account.liveKey);
    const banner = 'id="live-not-set-up"';
    const live = await browser.get('/console/orders?mode=live');
    expect(live.status).toBe(200);
    expect(live.text).toContain(banner);
    expect((await browser.get('/console/orders?mode=test')).text).not.toContain(banner);
    await setProcessor(account, liveStripe);
    expect((await browser.get('/console/orders?mode=live')).text).not.toContain(banner);
  });
});
