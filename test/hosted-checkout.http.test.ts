import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Buyer, createSession, GOOD_CARD, hidden } from './checkout-page-client.js';
import {
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
  testDatabase,
} from './harness.js';

// The hosted checkout page over real HTTP, as a browser without JavaScript uses it: every
// check the page's script makes is made again by the server. The browser tests
// (test/e2e) drive the same page in Chromium.

let logs = '';
let server: TestServer;
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  server = await startTestServer({
    logger: pino({ level: 'trace' }, sink),
    pageRateLimits: { pages: 1000, payments: 1000 },
  });
});
afterAll(() => server.close());

const api = (key: string, path: string) => request(server, 'GET', path, { key });

async function paymentsOf(key: string, orderId: string) {
  const res = await api(key, `/v1/orders/${orderId}`);
  expect(res.status).toBe(200);
  return res.body.order.payments as { status: string; amount_money: { amount: number } }[];
}

describe('the hosted checkout page', () => {
  it('shows the order exactly as the API prices it, under a strict policy', async () => {
    const { testKey: key } = await createTestAccount(server, 'Studio Nine');
    const cs = await createSession(server, key);
    expect(cs.url).toBe(`${server.url}/checkout/${cs.checkout_session_id}`);
    const page = await new Buyer(server).get(`/checkout/${cs.checkout_session_id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Studio Nine');
    expect(page.text).toContain('Test mode');
    expect(page.text).toContain('Yoga mat');
    expect(page.text).toContain('2 × $15.00');
    expect(page.text).toContain('Pay $65.00');
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self' https://shop.example");
    expect(csp).not.toContain('unsafe-inline');
    // Every script and style runs under this response's nonce, and only those.
    expect(page.text.match(/<script/g)?.length).toBe(page.text.match(/<script nonce="/g)?.length);
    expect(page.text).toContain(`<script nonce="${nonce}">`);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const cookie = page.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/flint_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict/);
  });

  it('pays with a test card: 303 to success_url with session_id, the session complete, the order PAID', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await createSession(server, key);
    const paid = await new Buyer(server).pay(cs.checkout_session_id);
    expect(paid.status, paid.text).toBe(303);
    const target = new URL(paid.location ?? '');
    expect(target.origin + target.pathname).toBe('https://shop.example/done');
    expect(Object.fromEntries(target.searchParams)).toEqual({
      ref: 'a',
      b: '1',
      session_id: cs.checkout_session_id,
    });
    const session = await api(key, `/v1/checkout/sessions/${cs.checkout_session_id}`);
    expect(session.body.checkout_session).toMatchObject({
      status: 'complete',
      payment_intent: { status: 'succeeded', amount: 6500, amount_received: 6500 },
    });
    const order = await api(key, `/v1/orders/${cs.order_id}`);
    expect(order.body.order.status).toBe('PAID');
    // The guide's refund endpoint works on a session paid on the page.
    const refund = await request(
      server,
      'POST',
      `/v1/checkout/sessions/${cs.checkout_session_id}/refund`,
      { key, body: { checkout_session: { amount: 1500 } } },
    );
    expect(refund.status, refund.text).toBe(200);
    expect(refund.body.checkout_session.refunds).toMatchObject([
      { amount: 1500, status: 'succeeded' },
    ]);
    // Coming back to the page shows it paid, with no form.
    const again = await new Buyer(server).get(`/checkout/${cs.checkout_session_id}`);
    expect(again.status).toBe(200);
    expect(again.text).toContain('Payment complete');
    expect(again.text).toContain('Paid with Visa •••• 4242');
    expect(again.text).not.toContain('<form');
  });

  it('the complete page names the test card that paid: its brand and last four', async () => {
    const { testKey: key } = await createTestAccount(server);
    for (const [card_number, card_cvc, label] of [
      ['3714 496353 98431', '1234', 'American Express •••• 8431'],
      ['4000 0566 5566 5556', '123', 'Visa •••• 5556'],
    ] as const) {
      const cs = await createSession(server, key);
      const buyer = new Buyer(server);
      const paid = await buyer.pay(cs.checkout_session_id, { card_number, card_cvc });
      expect(paid.status, paid.text).toBe(303);
      const done = await buyer.get(`/checkout/${cs.checkout_session_id}`);
      expect(done.text).toContain(`<p id="paid-with">Paid with ${label}</p>`);
    }
  });

  it('a declined card re-renders the form with the reason on the card field; a retry pays', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await createSession(server, key);
    const buyer = new Buyer(server);
    for (const [number, message] of [
      ['4000 0000 0000 0002', 'Your card was declined.'],
      ['4000 0000 0000 9995', 'Your card has insufficient funds.'],
    ] as const) {
      const declined = await buyer.pay(cs.checkout_session_id, { card_number: number });
      expect(declined.status).toBe(402);
      expect(declined.text).toContain(message);
      expect(declined.text).toMatch(/id="card_number"[^>]*aria-invalid="true"/);
      expect(declined.text).toContain('value="buyer@example.com"');
      // The card number is never sent back.
      expect(declined.text).not.toContain(number.replaceAll(' ', ''));
    }
    const paid = await buyer.pay(cs.checkout_session_id);
    expect(paid.status).toBe(303);
    expect((await paymentsOf(key, cs.order_id)).map((p) => p.status)).toEqual([
      'failed',
      'failed',
      'succeeded',
    ]);
  });

  it('3-D Secure: the challenge page, then completing it pays; failing it returns to the form', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await createSession(server, key);
    const id = cs.checkout_session_id;
    const buyer = new Buyer(server);
    const asked = await buyer.pay(id, { card_number: '4000 0025 0000 3155' });
    expect(asked.status).toBe(303);
    expect(asked.location).toBe(`/checkout/${id}`);
    const challenge = await buyer.get(`/checkout/${id}`);
    expect(challenge.text).toContain('Confirm your payment');
    const failed = await buyer.post(`/checkout/${id}/authenticate`, {
      csrf_token: hidden(challenge.text, 'csrf_token'),
      result: 'fail',
    });
    expect(failed.status).toBe(402);
    expect(failed.text).toContain('Your bank could not confirm this payment');
    await buyer.pay(id, { card_number: '4000 0025 0000 3155' });
    const second = await buyer.get(`/checkout/${id}`);
    const done = await buyer.post(`/checkout/${id}/authenticate`, {
      csrf_token: hidden(second.text, 'csrf_token'),
      result: 'succeed',
    });
    expect(done.status).toBe(303);
    expect(done.location).toContain(`session_id=${id}`);
    expect((await paymentsOf(key, cs.order_id)).map((p) => p.status)).toEqual([
      'failed',
      'succeeded',
    ]);
  });

  it('a double-submitted form charges once, sequentially or concurrently', async () => {
    const { testKey: key } = await createTestAccount(server);
    for (const concurrent of [false, true]) {
      const cs = await createSession(server, key);
      const buyer = new Buyer(server);
      const { csrf, attempt } = await buyer.open(cs.checkout_session_id);
      const form = { csrf_token: csrf, attempt, ...GOOD_CARD };
      const path = `/checkout/${cs.checkout_session_id}/pay`;
      const answers = concurrent
        ? await Promise.all([
            buyer.post(path, form),
            buyer.post(path, form),
            buyer.post(path, form),
          ])
        : [await buyer.post(path, form), await buyer.post(path, form)];
      // The first pays; the others land where the buyer should (success, or the page).
      expect(answers.some((a) => a.status === 303 && a.location?.includes('session_id'))).toBe(
        true,
      );
      for (const a of answers) expect([303, 409]).toContain(a.status);
      const payments = await paymentsOf(key, cs.order_id);
      expect(payments.filter((p) => p.status === 'succeeded')).toHaveLength(1);
      expect(
        payments.reduce((n, p) => n + (p.status === 'succeeded' ? p.amount_money.amount : 0), 0),
      ).toBe(6500);
    }
  });

  it('checks every field on the server too; nothing is charged for a bad form', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await createSession(server, key);
    const buyer = new Buyer(server);
    const bad = await buyer.pay(cs.checkout_session_id, {
      email: 'not-an-email',
      card_number: '4242 4242 4242 4241',
      card_expiry: '01 / 20',
      card_cvc: '12',
    });
    expect(bad.status).toBe(422);
    for (const [field, message] of [
      ['email', 'Enter an email address like name@example.com.'],
      ['card_number', 'Your card number is incomplete or not valid.'],
      ['card_expiry', 'Your card has expired.'],
      ['card_cvc', 'The security code is 3 digits.'],
    ]) {
      expect(bad.text).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
      expect(bad.text).toContain(`<p class="field-error" id="${field}-error">${message}</p>`);
      expect(bad.text).toContain(`<a href="#${field}">${message}</a>`);
    }
    // A real (non-test) card number is refused in sandbox mode before anything is sent.
    const real = await buyer.pay(cs.checkout_session_id, { card_number: '4111 1111 1111 1111' });
    expect(real.status).toBe(422);
    expect(real.text).toContain('This checkout takes test cards only');
    expect(await paymentsOf(key, cs.order_id)).toEqual([]);
  });

  it('refuses forms without the CSRF token, with another session’s, or without the cookie', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await createSession(server, key);
    const other = await createSession(server, key);
    const buyer = new Buyer(server);
    const { csrf, attempt } = await buyer.open(cs.checkout_session_id);
    const { csrf: otherCsrf } = await buyer.open(other.checkout_session_id);
    const path = `/checkout/${cs.checkout_session_id}/pay`;
    const stranger = new Buyer(server); // another browser: a cross-site post has no cookie
    for (const [who, form] of [
      [buyer, { attempt, ...GOOD_CARD }],
      [buyer, { csrf_token: 'x'.repeat(43), attempt, ...GOOD_CARD }],
      [buyer, { csrf_token: otherCsrf, attempt, ...GOOD_CARD }],
      [stranger, { csrf_token: csrf, attempt, ...GOOD_CARD }],
    ] as const) {
      const res = await who.post(path, form);
      expect(res.status).toBe(403);
      expect(res.text).toContain('Nothing was charged');
    }
    expect(await paymentsOf(key, cs.order_id)).toEqual([]);
    expect((await buyer.post(path, { csrf_token: csrf, attempt, ...GOOD_CARD })).status).toBe(303);
  });

  it('an expired session shows a clear page and takes no payment', async () => {
    const { testKey: key } = await createTestAccount(server, 'Shop <b>&</b>');
    const cs = await createSession(server, key);
    const buyer = new Buyer(server);
    const { csrf, attempt } = await buyer.open(cs.checkout_session_id);
    const expired = await request(
      server,
      'POST',
      `/v1/checkout/sessions/${cs.checkout_session_id}/expire`,
      { key },
    );
    expect(expired.status).toBe(200);
    const page = await buyer.get(`/checkout/${cs.checkout_session_id}`);
    expect(page.status).toBe(410);
    expect(page.text).toContain('This checkout has expired');
    expect(page.text).toContain('Shop &lt;b&gt;&amp;&lt;/b&gt;');
    expect(page.text).not.toContain('<form');
    const late = await buyer.post(`/checkout/${cs.checkout_session_id}/pay`, {
      csrf_token: csrf,
      attempt,
      ...GOOD_CARD,
    });
    expect(late.status).toBe(303);
    expect(late.location).toBe(`/checkout/${cs.checkout_session_id}`);
    expect(await paymentsOf(key, cs.order_id)).toEqual([]);
  });

  it('unknown or malformed sessions are a 404 page; hostile bodies get a page, never a 500', async () => {
    const buyer = new Buyer(server);
    for (const path of [
      '/checkout/cs_01h00000000000000000000000',
      '/checkout/nope',
      '/checkout/%3Cscript%3E',
    ]) {
      const res = await buyer.get(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.text).not.toContain('<script>');
    }
    const { testKey: key } = await createTestAccount(server);
    const cs = await createSession(server, key);
    const path = `/checkout/${cs.checkout_session_id}/pay`;
    const { csrf, attempt } = await buyer.open(cs.checkout_session_id);
    const huge = await buyer.post(path, { csrf_token: csrf, attempt, email: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toContain('text/html');
    const repeated = `csrf_token=${csrf}&attempt=${attempt}&email=a%40b.co&email=c%40d.co`;
    const twice = await fetch(server.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: buyer.cookie },
      body: repeated,
      redirect: 'manual',
    });
    expect(twice.status).toBe(403);
    const nul = await buyer.post(path, {
      csrf_token: csrf,
      attempt,
      ...GOOD_CARD,
      email: 'a\u0000@b.co',
    });
    expect(nul.status).toBe(422);
    expect(nul.headers.get('content-type')).toContain('text/html');
    const json = await fetch(server.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: buyer.cookie },
      body: JSON.stringify({ csrf_token: csrf, attempt, card_number: ['4242'] }),
      redirect: 'manual',
    });
    expect(json.status).toBe(422);
    expect(await paymentsOf(key, cs.order_id)).toEqual([]);
  });

  it('never logs or stores the card number', async () => {
    const { testKey: key, accountId } = await createTestAccount(server);
    const cs = await createSession(server, key);
    logs = '';
    const buyer = new Buyer(server);
    await buyer.pay(cs.checkout_session_id, { card_number: '4000 0000 0000 0002' });
    const paid = await buyer.pay(cs.checkout_session_id, { card_number: '4242-4242-4242-4242' });
    expect(paid.status).toBe(303);
    expect(logs).toContain(`/checkout/${cs.checkout_session_id}/pay`);
    for (const digits of ['4242424242424242', '4000000000000002', '4242-4242', '4242 4242']) {
      expect(logs).not.toContain(digits);
    }
    const { db } = await testDatabase();
    const stored = JSON.stringify([
      await db
        .selectFrom('payment_intents')
        .selectAll()
        .where('account_id', '=', accountId)
        .execute(),
      await db.selectFrom('events').selectAll().where('account_id', '=', accountId).execute(),
      await db.selectFrom('orders').selectAll().where('account_id', '=', accountId).execute(),
    ]);
    expect(stored).toContain('tok_visa');
    expect(stored).not.toContain('4242424242424242');
    expect(stored).not.toContain('4000000000000002');
  });
});

describe('the hosted page’s rate limit', () => {
  it('limits payment attempts per address: a clear 429 page, nothing charged', async () => {
    const limited = await startTestServer({ pageRateLimits: { pages: 100, payments: 3 } });
    try {
      const { testKey: key } = await createTestAccount(limited);
      const cs = await createSession(limited, key);
      const buyer = new Buyer(limited);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await buyer.pay(cs.checkout_session_id, { card_number: '4000 0000 0000 0002' });
        statuses.push(res.status);
        if (res.status === 429) {
          expect(res.headers.get('content-type')).toContain('text/html');
          expect(res.text).toContain('Too many attempts');
          expect(res.headers.get('retry-after')).toMatch(/^[0-9]+$/);
        }
      }
      expect(statuses).toEqual([402, 402, 402, 429]);
      const order = await request(limited, 'GET', `/v1/orders/${cs.order_id}`, { key });
      expect(order.body.order.payments).toHaveLength(3);
    } finally {
      await limited.close();
    }
  });
});
