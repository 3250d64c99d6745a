import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/app/shared/ids.js';
import { create, expectError } from './catalog-fixtures.js';
import { startServerOnFakeStripe } from './fake-stripe.js';
import { createTestAccount, request, type TestAccount, type TestServer } from './harness.js';
import { queueTestMail } from './mail-fixtures.js';
import { apiOperations, type Operation } from './openapi-operations.js';

// Issue 15 §3: a key reaches its own account and mode only, and a test key never changes
// what live mode shares. Both walks are built from /openapi.json, so a route added later
// is covered (or fails here until its objects are seeded).

let server: TestServer;
let close: () => Promise<void>;
let operations: Operation[];
beforeAll(async () => {
  ({ server, close } = await startServerOnFakeStripe({
    // Live webhook endpoints must resolve to public addresses: this one does.
    resolver: async () => [{ address: '93.184.216.34', family: 4 }],
  }));
  operations = await apiOperations(server);
});
afterAll(() => close());

/** Live mode takes payments only through a real processor: Stripe (the local stand-in). */
async function connectLiveStripe(account: TestAccount) {
  const res = await request(server, 'PUT', '/v1/processor', {
    key: account.liveKey,
    body: {
      processor: { type: 'stripe', secret_key: `sk_live_51${randomBytes(12).toString('hex')}` },
    },
  });
  expect(res.status, res.text).toBe(200);
}

async function post(key: string, path: string, body: unknown) {
  const res = await request(server, 'POST', path, { key, body });
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  return res.body;
}

/**
 * One object of every kind a path names, in the key's account and mode, each still
 * changeable (an open order with a coupon, a payment waiting for 3-D Secure, a refund…):
 * path parameter name → id.
 */
async function seed(key: string): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  ids.api_key_id = (
    await post(key, '/v1/api_keys', { api_key: { name: 'spare' } })
  ).api_key.api_key_id;
  ids.customer_id = (
    await create(server, key, 'customers', 'customer', { name: 'Jo' })
  ).customer_id;
  ids.payment_method_id = (
    await post(key, `/v1/customers/${ids.customer_id}/payment_methods`, {
      payment_method: { payment_source_token: 'tok_visa' },
    })
  ).payment_method.payment_method_id;
  ids.customer_balance_transaction_id = (
    await post(key, `/v1/customers/${ids.customer_id}/balance_transactions`, {
      customer_balance_transaction: { amount: -500, currency: 'USD' },
    })
  ).customer_balance_transaction.customer_balance_transaction_id;
  // Test clocks are test mode's alone: a live key gets 403 before any look-up.
  ids.test_clock_id = key.startsWith('sk_live_')
    ? newId('clock')
    : (
        await post(key, '/v1/test_helpers/test_clocks', {
          test_clock: { frozen_time: '2030-01-01T00:00:00Z' },
        })
      ).test_clock.test_clock_id;
  ids.product_id = (await create(server, key, 'products', 'product', { name: 'Mat' })).product_id;
  ids.price_id = (
    await create(server, key, 'prices', 'price', {
      product_id: ids.product_id,
      unit_amount: 3500,
      currency: 'USD',
    })
  ).price_id;
  ids.tax_rate_id = (
    await create(server, key, 'tax_rates', 'tax_rate', {
      display_name: 'Sales tax',
      percentage: '8',
      inclusive: false,
    })
  ).tax_rate_id;
  ids.code = `SAVE${randomBytes(4).toString('hex')}`;
  ids.coupon_id = (
    await create(server, key, 'coupons', 'coupon', {
      code: ids.code,
      amount_off: 500,
      currency: 'USD',
    })
  ).coupon_id;
  const order = async () =>
    (
      await create(server, key, 'orders', 'order', {
        line_items: [{ price_id: ids.price_id, quantity: 1 }],
      })
    ).order_id as string;
  ids.order_id = await order();
  await post(key, `/v1/orders/${ids.order_id}/coupons`, { coupon_code: ids.code });
  const waiting = await order();
  ids.payment_intent_id = (
    await post(key, `/v1/orders/${waiting}/pay`, {
      payment: { payment_source_token: 'tok_threeDSecureRequired' },
    })
  ).payment_intent.payment_intent_id;
  const paid = await order();
  await post(key, `/v1/orders/${paid}/pay`, { payment: { payment_source_token: 'tok_visa' } });
  ids.refund_id = (
    await post(key, '/v1/refunds', { refund: { order_id: paid, amount: 1000 } })
  ).refund.refund_id;
  const sold = await request(server, 'GET', `/v1/orders/${paid}`, { key });
  const [line] = sold.body.order.line_items;
  ids.return_id = (
    await post(key, `/v1/orders/${paid}/returns`, {
      return: { line_items: [{ line_item_id: line.line_item_id, quantity: 1 }], reason: 'other' },
    })
  ).return.return_id;
  ids.checkout_session_id = (
    await post(key, '/v1/checkout/sessions', {
      checkout_session: {
        success_url: 'https://shop.example/done',
        line_items: [{ price_id: ids.price_id, quantity: 1 }],
      },
    })
  ).checkout_session.checkout_session_id;
  ids.payment_link_id = (
    await post(key, '/v1/payment_links', {
      payment_link: { line_items: [{ price_id: ids.price_id, quantity: 1 }] },
    })
  ).payment_link.payment_link_id;
  ids.plan_id = (
    await post(key, '/v1/plans', {
      plan: {
        name: 'Team',
        currency: 'USD',
        interval: 'month',
        line_items: [{ name: 'Seat', unit_amount: 1200 }],
      },
    })
  ).plan.plan_id;
  ids.version = '1';
  ids.subscription_id = (
    await post(key, '/v1/subscriptions', {
      subscription: {
        customer_id: ids.customer_id,
        items: [{ plan_id: ids.plan_id }],
        trial_period_days: 14,
      },
    })
  ).subscription.subscription_id;
  ids.invoice_id = (
    await post(key, '/v1/invoices', { invoice: { order_id: await order() } })
  ).invoice.invoice_id;
  ids.recovery_link_id = (
    await post(key, `/v1/orders/${await order()}/recovery_links`, { recovery_link: {} })
  ).recovery_link.recovery_link_id;
  ids.webhook_endpoint_id = (
    await post(key, '/v1/webhook_endpoints', {
      webhook_endpoint: { url: 'https://hooks.shop.example/flint', enabled_events: ['*'] },
    })
  ).webhook_endpoint.webhook_endpoint_id;
  const events = await request(server, 'GET', '/v1/events?limit=1', { key });
  ids.event_id = events.body.events[0].event_id;
  // Mail has no API that makes it: a capability queues it (here, as one would).
  const account = await request(server, 'GET', '/v1/account', { key });
  const mode = key.startsWith('sk_live_') ? 'live' : 'test';
  ids.email_id = (
    await queueTestMail(server.deps, { accountId: account.body.account.account_id, mode })
  ).id;
  return ids;
}

const fill = (path: string, ids: Record<string, string>) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const id = ids[name];
    if (!id) throw new Error(`${path}: seed() makes no object for {${name}}`);
    return id;
  });

/** What differs between two reads of the same thing: an error's own request id, a key's use. */
const OWN_TO_EACH_READ = new Set(['last_used_at', 'request_id']);

/**
 * Everything the owner's key can read in its mode: every GET route, lists and each seeded
 * object (its timeline, its deliveries…). `last_used_at` is left out (using a key is not
 * a change to what it reaches), and so is an error's `request_id` (a live key reading the
 * test mailbox is answered 403 each time).
 */
async function everything(key: string, ids: Record<string, string>): Promise<string[]> {
  const reads = operations.filter((op) => op.method === 'GET' && !op.admin);
  return Promise.all(
    reads.map(async (op) => {
      const res = await request(server, 'GET', fill(op.path, ids), { key });
      const body = JSON.stringify(res.body, (k, v) => (OWN_TO_EACH_READ.has(k) ? undefined : v));
      return `${op.path} ${res.status} ${body}`;
    }),
  );
}

/** Mode-scoped routes that name an object in their path. */
const modeScopedWithId = () =>
  operations.filter((op) => !op.admin && !op.open && !op.liveKeyOnly && op.path.includes('{'));

async function expectUnreachable(
  ids: Record<string, string>,
  owner: string,
  intruders: { key: string; live: boolean; who: string }[],
) {
  const before = await everything(owner, ids);
  const routes = modeScopedWithId().filter((op) => op.tag !== 'Console users');
  expect(routes.length).toBeGreaterThan(40);
  for (const intruder of intruders) {
    for (const op of routes) {
      const path = fill(op.path, ids);
      const res = await request(server, op.method, path, {
        key: intruder.key,
        body: op.changingBody,
      });
      const what = `${op.method} ${op.path} with ${intruder.who}`;
      if (op.tag === 'Test helpers' && intruder.live) {
        // Test helpers answer a live key before looking anything up.
        expect(res.status, what).toBe(403);
        expect(res.body.error.code, what).toBe('test_mode_only');
        continue;
      }
      expect(res.status, `${what}: ${res.text}`).toBe(404);
      expect(res.body.error.type, what).toBe('not_found');
      expect(res.body.error.code, what).toBe('resource_missing');
    }
  }
  expect(await everything(owner, ids)).toEqual(before);
}

describe('every mode-scoped route with an id', () => {
  it("answers 404 and changes nothing for a test object with another account's key or the live key", async () => {
    const account = await createTestAccount(server, 'Owner');
    const other = await createTestAccount(server, 'Other');
    const ids = await seed(account.testKey);
    await expectUnreachable(ids, account.testKey, [
      { key: other.testKey, live: false, who: "another account's test key" },
      { key: account.liveKey, live: true, who: 'the live key' },
    ]);
  });

  it("answers 404 and changes nothing for a live object with another account's key or the test key", async () => {
    const account = await createTestAccount(server, 'Owner');
    const other = await createTestAccount(server, 'Other');
    // Its live payments (seeded) go through Stripe; the intruders' accounts have none.
    await connectLiveStripe(account);
    const ids = await seed(account.liveKey);
    await expectUnreachable(ids, account.liveKey, [
      { key: other.liveKey, live: true, who: "another account's live key" },
      { key: account.testKey, live: false, who: 'the test key' },
    ]);
  });
});

describe('account-wide routes', () => {
  const changes: Record<string, (ids: Record<string, string>) => unknown> = {
    'PATCH /v1/account': () => ({ account: { name: 'Taken over', tax_shipping: true } }),
    'POST /v1/console_users': () => ({
      console_user: { email: `intruder.${Date.now()}@evil.example`, role: 'owner' },
    }),
    'PATCH /v1/console_users/{console_user_id}': () => ({ console_user: { role: 'owner' } }),
    'POST /v1/console_users/{console_user_id}/invite': () => undefined,
  };

  it('are every change to the account and its console users, and documented as live key only', () => {
    const accountWide = operations.filter(
      (op) => op.method !== 'GET' && (op.tag === 'Accounts' || op.tag === 'Console users'),
    );
    expect(accountWide.map((op) => `${op.method} ${op.path}`).sort()).toEqual(
      Object.keys(changes).sort(),
    );
    for (const op of accountWide) expect(op.liveKeyOnly, `${op.method} ${op.path}`).toBe(true);
    expect(operations.filter((op) => op.liveKeyOnly)).toEqual(accountWide);
  });

  it('answer a test key 403 live_key_required and change nothing; the live key may', async () => {
    const account = await createTestAccount(server);
    const other = await createTestAccount(server);
    const viewer = await post(account.liveKey, '/v1/console_users', {
      console_user: { email: `viewer.${Date.now()}@shop.example`, role: 'viewer' },
    });
    const ids = { console_user_id: viewer.console_user.console_user_id as string };
    const state = async () => [
      (await request(server, 'GET', '/v1/account', { key: account.liveKey })).text,
      (await request(server, 'GET', '/v1/console_users', { key: account.liveKey })).text,
    ];
    const before = await state();
    for (const op of operations.filter((o) => o.liveKeyOnly)) {
      const path = fill(op.path, ids);
      const body = changes[`${op.method} ${op.path}`]?.(ids);
      const denied = await request(server, op.method, path, { key: account.testKey, body });
      expectError(denied, 403, 'forbidden', 'live_key_required');
      if (op.path.includes('{')) {
        const foreign = await request(server, op.method, path, { key: other.liveKey, body });
        expectError(foreign, 404, 'not_found', 'resource_missing');
      }
    }
    expect(await state()).toEqual(before);

    // Reading stays open to a test key; the same changes with the live key go through.
    expect((await request(server, 'GET', '/v1/console_users', { key: account.testKey })).text).toBe(
      before[1],
    );
    const promoted = await request(server, 'PATCH', `/v1/console_users/${ids.console_user_id}`, {
      key: account.liveKey,
      body: changes['PATCH /v1/console_users/{console_user_id}']?.(ids),
    });
    expect(promoted.status, promoted.text).toBe(200);
    expect(promoted.body.console_user.role).toBe('owner');
  });

  it('a test key mints only test keys, and lists and revokes no live one', async () => {
    const account = await createTestAccount(server);
    const minted = await post(account.testKey, '/v1/api_keys', { api_key: { name: 'ci' } });
    expect(minted.api_key.test_mode).toBe(true);
    expect(minted.api_key.secret).toMatch(/^sk_test_/);
    const live = await post(account.liveKey, '/v1/api_keys', { api_key: { name: 'prod' } });
    const listed = await request(server, 'GET', '/v1/api_keys', { key: minted.api_key.secret });
    expect(listed.body.api_keys.map((k: { test_mode: boolean }) => k.test_mode)).not.toContain(
      false,
    );
    expectError(
      await request(server, 'DELETE', `/v1/api_keys/${live.api_key.api_key_id}`, {
        key: account.testKey,
      }),
      404,
      'not_found',
      'resource_missing',
    );
    const works = await request(server, 'GET', '/v1/account', { key: live.api_key.secret });
    expect(works.status).toBe(200);
  });
});
