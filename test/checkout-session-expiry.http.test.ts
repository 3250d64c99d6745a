import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDueCheckoutSessions } from '../src/app/checkout/checkout-sessions.js';
import type { Clock } from '../src/ports/clock.js';
import { expectError } from './catalog-fixtures.js';
import { Buyer, createSession, GOOD_CARD } from './checkout-page-client.js';
import {
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
  testDatabase,
} from './harness.js';

// A checkout session takes payment until its expires_at (24 hours unless set shorter,
// within Stripe's 30 minutes to 24 hours); then it expires: on the page at once, and
// through the API when the expiry worker passes.

let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
let server: TestServer;
beforeAll(async () => {
  const { db } = await testDatabase();
  server = await startTestServer({
    deps: { db, clock },
    pageRateLimits: { pages: 1000, payments: 1000 },
  });
});
afterAll(() => server.close());

const HOUR = 3600_000;
const get = (key: string, path: string) => request(server, 'GET', path, { key });

describe('checkout session expiry', () => {
  it('is 24 hours after creation by default; expires_at may be set within 30 minutes to 24 hours', async () => {
    offsetMs = 0;
    const { testKey: key } = await createTestAccount(server);
    const before = Date.now();
    const cs = (await createSession(server, key)) as unknown as Record<string, string>;
    const expiresAt = Date.parse(cs.expires_at ?? '');
    expect(expiresAt - Date.parse(cs.created_at ?? '')).toBe(24 * HOUR);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 24 * HOUR);
    const at = new Date(Date.now() + 2 * HOUR).toISOString();
    const chosen = (await createSession(server, key, { expires_at: at })) as unknown as Record<
      string,
      string
    >;
    expect(chosen.expires_at).toBe(at);
    for (const bad of [
      new Date(Date.now() + 10 * 60_000).toISOString(),
      new Date(Date.now() + 25 * HOUR).toISOString(),
      new Date(Date.now() - HOUR).toISOString(),
    ]) {
      const res = await request(server, 'POST', '/v1/checkout/sessions', {
        key,
        body: {
          checkout_session: {
            success_url: 'https://shop.example/done',
            line_items: [{ name: 'X', quantity: 1, unit_price_money: { amount: 100 } }],
            expires_at: bad,
          },
        },
      });
      expectError(res, 422, 'validation_error', 'parameter_invalid', [
        ['checkout_session', 'expires_at'],
      ]);
    }
  });

  it('past expires_at the page shows the session expired and takes no payment', async () => {
    offsetMs = 0;
    const { testKey: key } = await createTestAccount(server);
    const cs = await createSession(server, key, {
      expires_at: new Date(Date.now() + HOUR).toISOString(),
    });
    const buyer = new Buyer(server);
    const { csrf, attempt } = await buyer.open(cs.checkout_session_id);
    offsetMs = HOUR + 1000;
    const late = await buyer.post(`/checkout/${cs.checkout_session_id}/pay`, {
      csrf_token: csrf,
      attempt,
      ...GOOD_CARD,
    });
    expect(late.status).toBe(303);
    const page = await buyer.get(`/checkout/${cs.checkout_session_id}`);
    expect(page.status).toBe(410);
    expect(page.text).toContain('This checkout has expired');
    const session = await get(key, `/v1/checkout/sessions/${cs.checkout_session_id}`);
    expect(session.body.checkout_session.status).toBe('expired');
    const order = await get(key, `/v1/orders/${cs.order_id}`);
    expect(order.body.order.payments).toEqual([]);
    const events = await get(
      key,
      `/v1/events?type=checkout.session.expired&object_id=${cs.checkout_session_id}`,
    );
    expect(events.body.events).toHaveLength(1);
  });

  it('the expiry worker expires due sessions once, with their event; paid and open ones stay', async () => {
    offsetMs = 0;
    const { testKey: key } = await createTestAccount(server);
    const due = await createSession(server, key, {
      expires_at: new Date(Date.now() + HOUR).toISOString(),
    });
    const paid = await createSession(server, key, {
      expires_at: new Date(Date.now() + HOUR).toISOString(),
    });
    const later = await createSession(server, key);
    expect((await new Buyer(server).pay(paid.checkout_session_id)).status).toBe(303);
    offsetMs = 2 * HOUR;
    const deps = { db: (await testDatabase()).db, clock };
    expect(await expireDueCheckoutSessions(deps)).toBeGreaterThanOrEqual(1);
    expect(await expireDueCheckoutSessions(deps)).toBe(0);
    const status = async (id: string) =>
      (await get(key, `/v1/checkout/sessions/${id}`)).body.checkout_session.status;
    expect(await status(due.checkout_session_id)).toBe('expired');
    expect(await status(paid.checkout_session_id)).toBe('complete');
    expect(await status(later.checkout_session_id)).toBe('open');
    const events = await get(
      key,
      `/v1/events?type=checkout.session.expired&object_id=${due.checkout_session_id}`,
    );
    expect(events.body.events).toHaveLength(1);
    expect(events.body.events[0].data.object).toMatchObject({
      checkout_session_id: due.checkout_session_id,
      status: 'expired',
    });
    offsetMs = 0;
  });
});
