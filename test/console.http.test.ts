import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settleRefundForTest } from '../src/app/refunds/refund-outcomes.js';
import { expectError } from './catalog-fixtures.js';
import { Buyer, hidden, loopbackAddress } from './checkout-page-client.js';
import {
  CONSOLE_PASSWORD,
  inviteConsoleUser,
  newConsoleEmail,
  signedInConsoleUser,
} from './console-fixtures.js';
import {
  ADMIN_TOKEN,
  createTestAccount,
  liveKeyOf,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

// The operator console over HTTP: console users through the API, invites, sign-in and
// sessions, and the read side (order search, one sale's record) per account and mode.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const PASSWORD = CONSOLE_PASSWORD;
const invite = (key: string, fields: Record<string, unknown> = {}) =>
  inviteConsoleUser(server, key, fields);
/** A browser signed in as a new console user of the account. */
const signedIn = (key: string, fields: Record<string, unknown> = {}) =>
  signedInConsoleUser(server, key, fields);

async function order(key: string, fields: Record<string, unknown> = {}) {
  const res = await request(server, 'POST', '/v1/orders', {
    key,
    body: {
      order: {
        line_items: [
          { name: 'Yoga mat', quantity: 1, unit_price_money: { amount: 3500 } },
          { name: 'Blocks', quantity: 2, unit_price_money: { amount: 1500 } },
        ],
        ...fields,
      },
    },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.order as { order_id: string; line_items: { line_item_id: string }[] };
}

const refundsOf = async (key: string, orderId: string) =>
  (await request(server, 'GET', `/v1/refunds?order=${orderId}`, { key })).body.refunds as {
    refund_id: string;
    amount: number;
    status: string;
    method: string;
    reason: string | null;
    metadata: Record<string, string>;
    line_items: { line_item_id: string; amount: number }[];
  }[];

describe('console users (API)', () => {
  it('invites with a one-time link that sets the password and signs in; the link then stops working', async () => {
    const { testKey: key, accountId } = await createTestAccount(server);
    const user = await invite(key, { role: 'support', refund_limit: 5000, name: 'Sam' });
    expect(user).toMatchObject({
      object: 'console_user',
      account_id: accountId,
      role: 'support',
      refund_limit: 5000,
      status: 'invited',
      invite_url: expect.stringMatching(
        new RegExp(`^${server.url}/console/invite/[A-Za-z0-9_-]{43}$`),
      ),
    });
    const browser = new Buyer(server);
    const path = new URL(user.invite_url).pathname;
    const page = await browser.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain(user.email);
    const csrf = hidden(page.text, 'csrf_token');
    const short = await browser.post(path, { csrf_token: csrf, password: 'short' });
    expect(short.status).toBe(422);
    expect(short.text).toContain('Choose a password of 12 to 256 characters');
    const forged = await new Buyer(server).post(path, { csrf_token: csrf, password: PASSWORD });
    expect(forged.status).toBe(403);
    const set = await browser.post(path, { csrf_token: csrf, password: PASSWORD });
    expect(set.status).toBe(303);
    expect(set.location).toBe('/console/orders');
    const cookie = set.headers.getSetCookie().find((c) => c.startsWith('flint_console='));
    expect(cookie).toMatch(/; Max-Age=43200; Path=\/console; HttpOnly; SameSite=Lax$/);
    expect((await browser.get(path)).status).toBe(410);
    const listed = await request(server, 'GET', '/v1/console_users', { key });
    expect(listed.body.console_users).toEqual([
      expect.objectContaining({ console_user_id: user.console_user_id, status: 'active' }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain('invite');
  });

  it('refuses a taken email (409), bad fields (400/422); other accounts cannot see or change users', async () => {
    const { testKey: key } = await createTestAccount(server);
    const other = await createTestAccount(server);
    const user = await invite(key);
    const again = await request(server, 'POST', '/v1/console_users', {
      key: other.liveKey,
      body: { console_user: { email: user.email.toUpperCase(), role: 'viewer' } },
    });
    expectError(again, 409, 'conflict', 'console_user_exists');
    for (const body of [
      { email: 'not-an-email', role: 'owner' },
      { email: newConsoleEmail(), role: 'admin' },
      { email: newConsoleEmail(), role: 'support', refund_limit: -1 },
    ]) {
      const res = await request(server, 'POST', '/v1/console_users', {
        key: liveKeyOf(key),
        body: { console_user: body },
      });
      expect(res.status, res.text).toBe(422);
    }
    const unknown = await request(server, 'POST', '/v1/console_users', {
      key: liveKeyOf(key),
      body: { console_user: { email: newConsoleEmail(), role: 'owner', password: 'x' } },
    });
    expect(unknown.status).toBe(400);
    const path = `/v1/console_users/${user.console_user_id}`;
    const foreign = await request(server, 'PATCH', path, {
      key: other.liveKey,
      body: { console_user: { role: 'viewer' } },
    });
    expect(foreign.status).toBe(404);
    expect(
      (await request(server, 'GET', '/v1/console_users', { key: other.testKey })).body
        .console_users,
    ).toEqual([]);
  });

  it('a new invite link replaces the old one; disabling a user ends their sessions', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { browser, user } = await signedIn(key);
    expect((await browser.get('/console/orders')).status).toBe(200);
    const fresh = await request(
      server,
      'POST',
      `/v1/console_users/${user.console_user_id}/invite`,
      { key: liveKeyOf(key) },
    );
    expect(fresh.status).toBe(200);
    expect(fresh.body.console_user.invite_url).not.toBe(user.invite_url);
    const disabled = await request(server, 'PATCH', `/v1/console_users/${user.console_user_id}`, {
      key: liveKeyOf(key),
      body: { console_user: { disabled: true } },
    });
    expect(disabled.body.console_user.status).toBe('disabled');
    const after = await browser.get('/console/orders');
    expect(after.status).toBe(303);
    expect(after.location).toBe('/console/login');
    expect(
      (await new Buyer(server).get(new URL(fresh.body.console_user.invite_url).pathname)).status,
    ).toBe(410);
  });
});

describe('the owner', () => {
  it('is invited with the account when POST /v1/accounts names owner_email', async () => {
    const email = newConsoleEmail();
    const res = await request(server, 'POST', '/v1/accounts', {
      key: ADMIN_TOKEN,
      body: { account: { name: 'Owned shop', owner_email: email } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.owner).toMatchObject({
      email,
      role: 'owner',
      status: 'invited',
      account_id: res.body.account.account_id,
      invite_url: expect.stringContaining('/console/invite/'),
    });
    const taken = await request(server, 'POST', '/v1/accounts', {
      key: ADMIN_TOKEN,
      body: { account: { name: 'Second', owner_email: email } },
    });
    expectError(taken, 409, 'conflict', 'console_user_exists', [['account', 'owner_email']]);
  });
});

describe('console sign-in', () => {
  it('signs in with the right email and password only; the same answer for a wrong email or password', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { user } = await signedIn(key);
    // An address of its own: its failures count toward no other test's.
    const browser = new Buyer(server, { from: loopbackAddress() });
    const login = async (email: string, password: string, csrf?: string) => {
      const page = await browser.get('/console/login');
      return browser.post('/console/login', {
        csrf_token: csrf ?? hidden(page.text, 'csrf_token'),
        email,
        password,
      });
    };
    for (const [email, password] of [
      [user.email, 'wrong password!!'],
      ['nobody@shop.example', PASSWORD],
    ] as const) {
      const res = await login(email, password);
      expect(res.status).toBe(401);
      expect(res.text).toContain('The email or password is wrong.');
    }
    expect((await login(user.email, PASSWORD, 'forged')).status).toBe(403);
    const ok = await login(user.email.toUpperCase(), PASSWORD);
    expect(ok.status).toBe(303);
    const orders = await browser.get('/console/orders');
    expect(orders.status).toBe(200);
    expect(orders.text).toContain(user.email);
    // Signing out ends the session.
    const out = await browser.post('/console/logout', {
      csrf_token: hidden(orders.text, 'csrf_token'),
    });
    expect(out.location).toBe('/console/login');
    expect((await browser.get('/console/orders')).location).toBe('/console/login');
  });

  it('pages without a session send the browser to sign in', async () => {
    for (const path of ['/console/orders', '/console/orders/ord_01h00000000000000000000000']) {
      const res = await new Buyer(server).get(path);
      expect(res.status).toBe(303);
      expect(res.location).toBe('/console/login');
    }
  });
});

describe('console orders', () => {
  it('finds orders by id, customer email, buyer email, metadata value and refund reference, in one account and mode', async () => {
    const { testKey: key, liveKey } = await createTestAccount(server, 'Lotus <b>Yoga</b>');
    const other = await createTestAccount(server);
    const { browser } = await signedIn(key, { role: 'viewer' });
    const customer = await request(server, 'POST', '/v1/customers', {
      key,
      body: { customer: { email: 'Jo@Example.com' } },
    });
    const byCustomer = await order(key, { customer_id: customer.body.customer.customer_id });
    const byMetadata = await order(key, { metadata: { crm_ref: 'CRM-7731' } });
    const paid = await order(key);
    const pay = await request(server, 'POST', `/v1/orders/${paid.order_id}/pay`, {
      key,
      body: { payment: { payment_source_token: 'tok_visa', buyer_email: 'buyer@shop.example' } },
    });
    expect(pay.status).toBe(200);
    const refund = await request(server, 'POST', '/v1/refunds', {
      key,
      body: { refund: { order_id: paid.order_id, amount: 1000 } },
    });
    const reference = refund.body.refund.reference_id as string;
    expect(reference).toMatch(/^[0-9]{23}$/);
    const live = await order(liveKey, { metadata: { crm_ref: 'CRM-7731' } });
    const foreign = await order(other.testKey, { metadata: { crm_ref: 'CRM-7731' } });
    const found = async (q: string, mode = 'test') => {
      const page = await browser.get(`/console/orders?mode=${mode}&q=${encodeURIComponent(q)}`);
      expect(page.status).toBe(200);
      return [...page.text.matchAll(/href="\/console\/orders\/(ord_[0-9a-z]+)/g)].map((m) => m[1]);
    };
    expect(await found(byCustomer.order_id)).toEqual([byCustomer.order_id]);
    expect(await found('jo@example.COM')).toEqual([byCustomer.order_id]);
    expect(await found('buyer@shop.example')).toEqual([paid.order_id]);
    expect(await found('CRM-7731')).toEqual([byMetadata.order_id]);
    expect(await found(reference)).toEqual([paid.order_id]);
    expect(await found('CRM-7731', 'live')).toEqual([live.order_id]);
    expect(await found(foreign.order_id)).toEqual([]);
    expect((await found('')).sort()).toEqual(
      [byCustomer.order_id, byMetadata.order_id, paid.order_id].sort(),
    );
    const statusOnly = await browser.get('/console/orders?status=PARTIALLY_REFUNDED');
    expect(statusOnly.text).toContain(paid.order_id);
    expect(statusOnly.text).not.toContain(byMetadata.order_id);
    // The account's name is shown as text, never as markup.
    expect(statusOnly.text).toContain('Lotus &lt;b&gt;Yoga&lt;/b&gt;');
    expect(statusOnly.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('lists each order with its customer email, total and date; filters by date; counts in words; an empty list has no table', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { browser } = await signedIn(key, { role: 'viewer' });
    const customer = await request(server, 'POST', '/v1/customers', {
      key,
      body: { customer: { email: 'kim@example.com' } },
    });
    const sale = await order(key, { customer_id: customer.body.customer.customer_id });
    const list = await browser.get(`/console/orders?q=${sale.order_id}`);
    expect(list.text).toContain('<caption>1 order</caption>');
    expect(list.text).toContain('<td data-label="Customer">kim@example.com</td>');
    expect(list.text).toContain('<td data-label="Total" class="num">$65.00</td>');
    const today = new Date().toISOString().slice(0, 10);
    expect(list.text).toContain(
      `<td data-label="Created (UTC)"><time class="nowrap" datetime="${today}`,
    );
    const day = (offset: number) =>
      new Date(Date.now() + offset * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const ids = async (query: string) => {
      const page = await browser.get(`/console/orders?${query}`);
      expect(page.status, query).toBe(200);
      return [...page.text.matchAll(/href="\/console\/orders\/(ord_[0-9a-z]+)/g)].map((m) => m[1]);
    };
    expect(await ids(`from=${today}&to=${today}`)).toEqual([sale.order_id]);
    expect(await ids(`from=${day(-3)}&to=${day(-1)}`)).toEqual([]);
    expect(await ids(`from=${day(1)}`)).toEqual([]);
    expect(await ids(`to=${day(-1)}`)).toEqual([]);
    const empty = await browser.get(`/console/orders?from=${day(1)}`);
    expect(empty.text).toContain('<p class="empty">No orders found.</p>');
    expect(empty.text).not.toContain('<thead>');
    for (const bad of ['from=2026-02-30', 'to=yesterday', `from=${today}&to=${day(-1)}`]) {
      const res = await browser.get(`/console/orders?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
  });

  it('shows one sale: lines with their refunds, money, payments, refunds with reference, sessions and timeline', async () => {
    const { testKey: key } = await createTestAccount(server);
    const other = await createTestAccount(server);
    const { browser } = await signedIn(key);
    const sale = await order(key, { metadata: { note: '<script>alert(1)</script>' } });
    await request(server, 'POST', `/v1/orders/${sale.order_id}/pay`, {
      key,
      body: { payment: { payment_source_token: 'tok_visa' } },
    });
    const blocks = sale.line_items[1]?.line_item_id;
    const refund = await request(server, 'POST', '/v1/refunds', {
      key,
      body: {
        refund: {
          order_id: sale.order_id,
          line_items: [{ line_item_id: blocks, amount_to_refund: 1500 }],
        },
      },
    });
    expect(refund.status, refund.text).toBe(200);
    const page = await browser.get(`/console/orders/${sale.order_id}`);
    expect(page.status).toBe(200);
    // Statuses in words, coloured by meaning; every cell names its column (phones stack them).
    expect(page.text).toContain(
      '<span class="status status-info" data-status="PARTIALLY_REFUNDED">Partially refunded</span>',
    );
    expect(page.text).toContain(
      '<td data-label="Line">Blocks</td><td data-label="Qty" class="num">2</td><td data-label="Total" class="num">$30.00</td><td data-label="Refunded" class="num">$15.00</td>',
    );
    expect(page.text).toContain(
      '<td data-label="Line">Yoga mat</td><td data-label="Qty" class="num">1</td><td data-label="Total" class="num">$35.00</td><td data-label="Refunded" class="num">$0.00</td>',
    );
    expect(page.text).toContain('<dt>Refunded</dt><dd class="nowrap">$15.00</dd>');
    expect(page.text).toContain('<dt>Still collectible</dt><dd class="nowrap">$0.00</dd>');
    // The payment names the card that paid, never more of its number.
    expect(page.text).toContain('<th scope="col">Card</th>');
    expect(page.text).toContain(
      '<td data-label="Card"><span class="nowrap">Visa •••• 4242</span></td>',
    );
    // The timeline says who acted and what the money did.
    expect(page.text).toMatch(/order\.partially_refunded<\/strong> by API key Default test key</);
    expect(page.text).toContain('Refunded $0.00 → $15.00');
    expect(page.text).toContain('Paid $0.00 → $65.00');
    expect(page.text).toContain(refund.body.refund.refund_id);
    expect(page.text).toContain(refund.body.refund.reference_id);
    expect(page.text).toContain('order.partially_refunded');
    expect(page.text).not.toContain('<script>alert(1)</script>');
    const foreign = await order(other.testKey);
    expect((await browser.get(`/console/orders/${foreign.order_id}`)).status).toBe(404);
    expect((await browser.get(`/console/orders/${sale.order_id}?mode=live`)).status).toBe(404);
  });
});

describe('refunds from the console', () => {
  /** A paid two-line order ($35 mat, 2 × $15 blocks). */
  async function paidSale(key: string) {
    const sale = await order(key);
    const paid = await request(server, 'POST', `/v1/orders/${sale.order_id}/pay`, {
      key,
      body: { payment: { payment_source_token: 'tok_visa' } },
    });
    expect(paid.status).toBe(200);
    return sale;
  }
  it('must hold: support refunds one unit of a line in four steps from the search box; the API shows the same refund', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { browser } = await signedIn(key, { role: 'support', refund_limit: 5000 });
    const sale = await paidSale(key);
    const blocks = sale.line_items[1]?.line_item_id ?? '';
    // 1. Search for the order.
    const found = await browser.get(`/console/orders?q=${sale.order_id}`);
    expect(found.text).toContain(`href="/console/orders/${sale.order_id}?mode=test"`);
    // 2. Open it: the refund forms are there.
    const page = await browser.get(`/console/orders/${sale.order_id}?mode=test`);
    expect(page.text).toContain(`name="units_${blocks}"`);
    const csrf = hidden(page.text, 'csrf_token');
    // 3. Preview one unit of the blocks.
    const form = {
      csrf_token: csrf,
      kind: 'lines',
      [`units_${blocks}`]: '1',
      reason: 'requested_by_customer',
      note: 'One block came cracked',
    };
    const preview = await browser.post(
      `/console/orders/${sale.order_id}/refund/preview?mode=test`,
      form,
    );
    expect(preview.status, preview.text).toBe(200);
    expect(preview.text).toContain('Confirm refund of $15.00');
    expect(await refundsOf(key, sale.order_id)).toEqual([]);
    // 4. Confirm.
    const confirm = {
      ...form,
      csrf_token: hidden(preview.text, 'csrf_token'),
      attempt: hidden(preview.text, 'attempt'),
    };
    const done = await browser.post(`/console/orders/${sale.order_id}/refund?mode=test`, confirm);
    expect(done.status, done.text).toBe(303);
    const refunds = await refundsOf(key, sale.order_id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({
      amount: 1500,
      status: 'succeeded',
      reason: 'requested_by_customer',
      metadata: { note: 'One block came cracked' },
      line_items: [{ line_item_id: blocks, amount: 1500 }],
    });
    expect(done.location).toBe(`/console/refunds/${refunds[0]?.refund_id}?mode=test`);
    const result = await browser.get(done.location ?? '');
    expect(result.text).toContain('succeeded');
    expect(result.text).toContain('One block came cracked');
    // Confirming the same preview again changes nothing.
    const again = await browser.post(`/console/orders/${sale.order_id}/refund?mode=test`, confirm);
    expect(again.location).toBe(done.location);
    expect(await refundsOf(key, sale.order_id)).toHaveLength(1);
    const orderNow = await request(server, 'GET', `/v1/orders/${sale.order_id}`, { key });
    expect(orderNow.body.order.status).toBe('PARTIALLY_REFUNDED');
    expect(orderNow.body.order.net_amounts.refunded_money.amount).toBe(1500);
    // The timeline names the console user.
    const timeline = await request(server, 'GET', `/v1/orders/${sale.order_id}/timeline`, { key });
    expect(timeline.body.timeline.map((e: { actor: { type: string } }) => e.actor.type)).toContain(
      'console_user',
    );
  });

  it('holds support to its limit and viewers to reading: 403, and nothing is created', async () => {
    const { testKey: key } = await createTestAccount(server);
    const support = await signedIn(key, { role: 'support', refund_limit: 1000 });
    const viewer = await signedIn(key, { role: 'viewer' });
    const sale = await paidSale(key);
    const viewerPage = await viewer.browser.get(`/console/orders/${sale.order_id}`);
    expect(viewerPage.status).toBe(200);
    expect(viewerPage.text).not.toContain('/refund/preview');
    for (const { browser } of [support, viewer]) {
      const page = await browser.get(`/console/orders/${sale.order_id}`);
      const form = {
        csrf_token: hidden(page.text, 'csrf_token'),
        kind: 'full',
        attempt: 'A'.repeat(22),
      };
      for (const path of ['/refund/preview', '/refund']) {
        const res = await browser.post(`/console/orders/${sale.order_id}${path}`, form);
        expect(res.status).toBe(403);
      }
    }
    const small = await support.browser.get(`/console/orders/${sale.order_id}`);
    const amount = await support.browser.post(`/console/orders/${sale.order_id}/refund/preview`, {
      csrf_token: hidden(small.text, 'csrf_token'),
      kind: 'amount',
      amount: '10.00',
    });
    expect(amount.status).toBe(200);
    expect(amount.text).toContain('Confirm refund of $10.00');
    expect(await refundsOf(key, sale.order_id)).toEqual([]);
  });

  it('refuses a bad form with the reason on the order page, and a forged one with 403', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { browser } = await signedIn(key);
    const sale = await paidSale(key);
    const page = await browser.get(`/console/orders/${sale.order_id}`);
    const csrf = hidden(page.text, 'csrf_token');
    const path = `/console/orders/${sale.order_id}/refund/preview`;
    for (const [form, message] of [
      [{ kind: 'amount', amount: '1.234' }, 'Enter the amount to refund, like 15.00.'],
      // Money as money, not minor units ("between 1 and 6500").
      [{ kind: 'amount', amount: '999.00' }, 'At most $65.00 is left to refund.'],
      [{ kind: 'lines' }, 'Enter how many units of which line to refund.'],
      [{ kind: 'lines', [`units_${sale.line_items[0]?.line_item_id}`]: '5' }, 'up to its quantity'],
      [{ kind: 'refund-everything' }, 'Choose how to refund.'],
    ] as const) {
      const res = await browser.post(path, { csrf_token: csrf, ...form });
      expect(res.status, JSON.stringify(form)).toBe(422);
      expect(res.text).toContain(message);
    }
    const forged = await new Buyer(server).post(path, { csrf_token: csrf, kind: 'full' });
    expect(forged.status).toBe(303); // no session: to sign-in
    const wrongToken = await browser.post(path, { csrf_token: 'x', kind: 'full' });
    expect(wrongToken.status).toBe(403);
    expect(await refundsOf(key, sale.order_id)).toEqual([]);
  });
});

describe('the refund list and next actions', () => {
  async function refundOf(key: string, token: string) {
    const sale = await order(key);
    await request(server, 'POST', `/v1/orders/${sale.order_id}/pay`, {
      key,
      body: { payment: { payment_source_token: token } },
    });
    const refund = await request(server, 'POST', '/v1/refunds', {
      key,
      body: { refund: { order_id: sale.order_id, amount: 2000, reason: 'requested_by_customer' } },
    });
    expect(refund.status, refund.text).toBe(200);
    return { orderId: sale.order_id, refundId: refund.body.refund.refund_id as string };
  }

  it('lists refunds by status; a pending one can be canceled, by support but not by a viewer', async () => {
    const { testKey: key } = await createTestAccount(server);
    const support = await signedIn(key, { role: 'support', refund_limit: 100 });
    const viewer = await signedIn(key, { role: 'viewer' });
    const pending = await refundOf(key, 'tok_refundPending');
    const done = await refundOf(key, 'tok_visa');
    const list = await support.browser.get('/console/refunds?status=pending');
    expect(list.status).toBe(200);
    expect(list.text).toContain(pending.refundId);
    expect(list.text).not.toContain(done.refundId);
    expect((await support.browser.get('/console/refunds')).text).toContain(done.refundId);
    const viewerPage = await viewer.browser.get(`/console/refunds/${pending.refundId}`);
    expect(viewerPage.text).not.toContain('Cancel this refund');
    const refused = await viewer.browser.post(`/console/refunds/${pending.refundId}/cancel`, {
      csrf_token: hidden(viewerPage.text, 'csrf_token'),
    });
    expect(refused.status).toBe(403);
    const page = await support.browser.get(`/console/refunds/${pending.refundId}`);
    expect(page.text).toContain('Cancel this refund');
    const canceled = await support.browser.post(`/console/refunds/${pending.refundId}/cancel`, {
      csrf_token: hidden(page.text, 'csrf_token'),
    });
    expect(canceled.status).toBe(303);
    const api = await request(server, 'GET', `/v1/refunds/${pending.refundId}`, { key });
    expect(api.body.refund.status).toBe('canceled');
    // Another account's refund is not there at all.
    const other = await createTestAccount(server);
    const foreign = await refundOf(other.testKey, 'tok_visa');
    expect((await support.browser.get(`/console/refunds/${foreign.refundId}`)).status).toBe(404);
    expect((await support.browser.get('/console/refunds')).text).not.toContain(foreign.refundId);
  });

  it('a refund that failed for insufficient funds says so and offers to refund again, through the preview', async () => {
    const { testKey: key, accountId } = await createTestAccount(server);
    const { browser } = await signedIn(key);
    const failed = await refundOf(key, 'tok_refundPending');
    const settled = await settleRefundForTest(
      { deps: server.deps, tenant: { accountId, mode: 'test' } },
      { refundId: failed.refundId, result: 'fail', failureReason: 'insufficient_funds' },
    );
    expect(settled.ok).toBe(true);
    const page = await browser.get(`/console/refunds/${failed.refundId}`);
    expect(page.text).toContain('insufficient funds');
    expect(page.text).toContain('Top up the account balance, then create the refund again.');
    expect(page.text).toContain('Refund again (preview)');
    const preview = await browser.post(`/console/orders/${failed.orderId}/refund/preview`, {
      csrf_token: hidden(page.text, 'csrf_token'),
      kind: 'amount',
      amount: hidden(page.text, 'amount'),
      reason: 'requested_by_customer',
      note: `Again after ${failed.refundId}`,
    });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Confirm refund of $20.00');
  });
  it('records a refund the card could not take as returned in cash, through the preview; the API agrees; viewers get no button', async () => {
    const { testKey: key, accountId } = await createTestAccount(server);
    const { browser } = await signedIn(key, { role: 'support', refund_limit: 5000 });
    const viewer = await signedIn(key, { role: 'viewer' });
    const failed = await refundOf(key, 'tok_refundPending');
    expect(
      (
        await settleRefundForTest(
          { deps: server.deps, tenant: { accountId, mode: 'test' } },
          { refundId: failed.refundId, result: 'fail' },
        )
      ).ok,
    ).toBe(true);
    const page = await browser.get(`/console/refunds/${failed.refundId}`);
    expect(page.text).toContain('expired or canceled card');
    expect(page.text).toContain('Record an offline refund (preview)');
    expect((await viewer.browser.get(`/console/refunds/${failed.refundId}`)).text).not.toContain(
      'Record an offline refund',
    );
    const form = {
      csrf_token: hidden(page.text, 'csrf_token'),
      kind: 'amount',
      amount: '20.00',
      reason: 'requested_by_customer',
      note: `Returned outside Flint after ${failed.refundId} failed`,
      method: 'cash',
      replaces_refund_id: hidden(page.text, 'replaces_refund_id'),
    };
    const preview = await browser.post(`/console/orders/${failed.orderId}/refund/preview`, form);
    expect(preview.status, preview.text).toBe(200);
    expect(preview.text).toContain('Record offline refund of $20.00');
    expect(preview.text).toContain('Cash, returned outside Flint');
    expect(preview.text).toContain('Flint sends nothing to the card processor');
    expect(hidden(preview.text, 'method')).toBe('cash');
    expect(hidden(preview.text, 'replaces_refund_id')).toBe(failed.refundId);
    const done = await browser.post(`/console/orders/${failed.orderId}/refund`, {
      ...form,
      csrf_token: hidden(preview.text, 'csrf_token'),
      attempt: hidden(preview.text, 'attempt'),
    });
    expect(done.status, done.text).toBe(303);
    const refunds = await refundsOf(key, failed.orderId);
    expect(refunds.map((r) => [r.status, r.method])).toEqual([
      ['succeeded', 'cash'],
      ['failed', 'original_payment_method'],
    ]);
    const result = await browser.get(done.location ?? '');
    expect(result.text).toContain('Cash, returned outside Flint');
    expect(result.text).not.toContain('Record an offline refund');
    expect(result.text).toContain(`href="/console/refunds/${failed.refundId}?mode=test"`);
    // The failed refund is made good: its page says by which, and offers nothing more …
    const madeGood = await browser.get(`/console/refunds/${failed.refundId}`);
    expect(madeGood.text).toContain('Made good by refund');
    expect(madeGood.text).not.toContain('Record an offline refund');
    expect(madeGood.text).not.toContain('Refund again');
    // … and the same form from a page left open elsewhere is refused: no second refund.
    const stale = await browser.post(`/console/orders/${failed.orderId}/refund/preview`, {
      ...form,
      replaces_refund_id: failed.refundId,
      method: 'check',
    });
    expect(stale.status).toBe(422);
    expect(stale.text).toContain('already makes good the failed refund');
    const orderNow = await request(server, 'GET', `/v1/orders/${failed.orderId}`, { key });
    expect(orderNow.body.order.net_amounts.refunded_money.amount).toBe(2000);
    // A method not on the list is refused with the reason, and nothing is created.
    const bad = await browser.post(`/console/orders/${failed.orderId}/refund/preview`, {
      ...form,
      method: 'gift_card',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Choose how the money goes back from the list.');
    expect(await refundsOf(key, failed.orderId)).toHaveLength(2);
  });
});

describe('the developers area', () => {
  it('lets an owner create a key (shown once, working), revoke it, and redeliver an event; others get 403', async () => {
    const withKey = await startTestServer({
      encryptionKey: randomBytes(32),
    });
    try {
      const { testKey: key } = await createTestAccount(withKey);
      const invited = async (role: string) => {
        const res = await request(withKey, 'POST', '/v1/console_users', {
          key: liveKeyOf(key),
          body: {
            console_user: {
              email: newConsoleEmail(),
              role,
              refund_limit: role === 'support' ? 100 : undefined,
            },
          },
        });
        const browser = new Buyer(withKey);
        const path = new URL(res.body.console_user.invite_url).pathname;
        const page = await browser.get(path);
        await browser.post(path, {
          csrf_token: hidden(page.text, 'csrf_token'),
          password: PASSWORD,
        });
        return browser;
      };
      const owner = await invited('owner');
      const support = await invited('support');
      const page = await owner.get('/console/developers');
      expect(page.status).toBe(200);
      const csrf = hidden(page.text, 'csrf_token');
      const created = await owner.post('/console/developers/keys', {
        csrf_token: csrf,
        name: 'CI <deploy>',
      });
      expect(created.status).toBe(201);
      const secret =
        /<code id="new-secret">(sk_test_[A-Za-z0-9]+)<\/code>/.exec(created.text)?.[1] ?? '';
      expect(secret).not.toBe('');
      expect(created.text).toContain('CI &lt;deploy&gt;');
      expect((await request(withKey, 'GET', '/v1/account', { key: secret })).status).toBe(200);
      const again = await owner.get('/console/developers');
      expect(again.text).not.toContain(secret);
      const keyId = (await request(withKey, 'GET', '/v1/api_keys', { key })).body.api_keys.find(
        (k: { name: string | null }) => k.name === 'CI <deploy>',
      ).api_key_id as string;
      const revoked = await owner.post(`/console/developers/keys/${keyId}/revoke`, {
        csrf_token: csrf,
      });
      expect(revoked.status).toBe(303);
      expect((await request(withKey, 'GET', '/v1/account', { key: secret })).status).toBe(401);
      // Webhooks: an endpoint, an event, a redelivery from the console, in the log.
      const endpoint = await request(withKey, 'POST', '/v1/webhook_endpoints', {
        key,
        body: {
          webhook_endpoint: { url: 'https://hooks.shop.example/flint', enabled_events: ['*'] },
        },
      });
      expect(endpoint.status, endpoint.text).toBe(200);
      const endpointId = endpoint.body.webhook_endpoint.webhook_endpoint_id as string;
      await request(withKey, 'POST', '/v1/orders', {
        key,
        body: {
          order: { line_items: [{ name: 'X', quantity: 1, unit_price_money: { amount: 100 } }] },
        },
      });
      const [event] = (await request(withKey, 'GET', '/v1/events?type=order.created', { key })).body
        .events;
      const sent = await owner.post(`/console/developers/webhooks/${endpointId}/redeliver`, {
        csrf_token: csrf,
        event_id: event.event_id,
      });
      expect(sent.status).toBe(303);
      const log = await owner.get(`/console/developers/webhooks/${endpointId}`);
      expect(log.text).toContain(event.event_id);
      expect(log.text).toContain('order.created');
      // Support (and viewers) cannot see or use any of it.
      expect((await support.get('/console/developers')).status).toBe(403);
      const supportPage = await support.get('/console/orders');
      const forbidden = await support.post('/console/developers/keys', {
        csrf_token: hidden(supportPage.text, 'csrf_token'),
      });
      expect(forbidden.status).toBe(403);
      expect(supportPage.text).not.toContain('/console/developers');
    } finally {
      await withKey.close();
    }
  });
});
