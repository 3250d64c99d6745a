import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/ports/clock.js';
import {
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
  testDatabase,
} from './harness.js';

// FLINT_PUBLIC_URL: the base of hosted-page URLs in API objects and in events, which are
// written without a request to take an address from.
const PUBLIC_URL = 'https://pay.example.com/flint';
const lines = [
  { name: 'Yoga mat', quantity: 1, unit_price_money: { amount: 3500, currency: 'USD' } },
];

let configured: TestServer;
let bare: TestServer;
beforeAll(async () => {
  const { db } = await testDatabase();
  configured = await startTestServer({ deps: { db, clock: systemClock, publicUrl: PUBLIC_URL } });
  bare = await startTestServer();
});
afterAll(async () => {
  await configured.close();
  await bare.close();
});

async function sessionAndEvent(server: TestServer) {
  const { testKey: key } = await createTestAccount(server);
  const created = await request(server, 'POST', '/v1/checkout/sessions', {
    key,
    body: { checkout_session: { success_url: 'https://shop.example/done', line_items: lines } },
  });
  expect(created.status, created.text).toBe(200);
  const session = created.body.checkout_session;
  const events = await request(
    server,
    'GET',
    `/v1/events?type=checkout.session.created&object_id=${session.checkout_session_id}`,
    { key },
  );
  expect(events.body.events).toHaveLength(1);
  return { key, session, object: events.body.events[0].data.object };
}

describe('FLINT_PUBLIC_URL', () => {
  it('is the base of a checkout session url in the API and in its events', async () => {
    const { key, session, object } = await sessionAndEvent(configured);
    const url = `${PUBLIC_URL}/checkout/${session.checkout_session_id}`;
    expect(session.url).toBe(url);
    expect(object.url).toBe(url);
    // Whatever address the API is called at: another process answers alike.
    const got = await request(bare, 'GET', `/v1/checkout/sessions/${session.checkout_session_id}`, {
      key,
    });
    expect(got.status).toBe(200);
    expect(new URL(got.body.checkout_session.url).origin).toBe(bare.url);
    const again = await request(
      configured,
      'GET',
      `/v1/checkout/sessions/${session.checkout_session_id}`,
      { key, headers: { host: 'elsewhere.example:8080' } },
    );
    expect(again.body.checkout_session.url).toBe(url);
  });

  it('without it, the API answers with the address it was called at and events carry no url', async () => {
    const { session, object } = await sessionAndEvent(bare);
    expect(session.url).toBe(`${bare.url}/checkout/${session.checkout_session_id}`);
    expect(object).not.toHaveProperty('url');
    expect(object.checkout_session_id).toBe(session.checkout_session_id);
  });
});
