import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dispatchEvents } from '../../src/app/webhooks/webhook-dispatch.js';
import { createTestAccount, liveKeyOf, request } from '../harness.js';
import {
  browserSuite,
  expectStrictCsp,
  inPage,
  type Suite,
  screenshot,
  skipBrowserTests,
} from './browser.js';

// The operator console in Chromium: setting a password from an invite, signing in, the
// search, and the "must hold": a support user refunds one line item of a paid
// order in under five clicks from the search box, and the API shows the same refund.

const PASSWORD = 'correct horse battery staple';
let people = 0;

/** A new account's test secret key. */
async function accountKey(suite: Suite, name: string): Promise<string> {
  return (await createTestAccount(suite.server, name)).testKey;
}

/** A tab signed in as a new console user of the key's account (invite link, password). */
async function signInAs(suite: Suite, key: string, role: string, refundLimit?: number) {
  const res = await request(suite.server, 'POST', '/v1/console_users', {
    key: liveKeyOf(key),
    body: {
      console_user: {
        email: `person${++people}.${Date.now()}@shop.example`,
        role,
        ...(refundLimit === undefined ? {} : { refund_limit: refundLimit }),
      },
    },
  });
  expect(res.status, res.text).toBe(200);
  const tab = await suite.openTab();
  await tab.page.goto(res.body.console_user.invite_url);
  await tab.page.getByLabel('New password').fill(PASSWORD);
  await Promise.all([
    tab.page.waitForURL('**/console/orders'),
    tab.page.getByRole('button', { name: 'Set password and sign in' }).click(),
  ]);
  return tab;
}

describe.skipIf(skipBrowserTests)('the operator console in a browser', () => {
  const suite = browserSuite();
  let n = 0;

  async function shop() {
    const key = await accountKey(suite, 'Lotus Yoga Supply');
    const order = await request(suite.server, 'POST', '/v1/orders', {
      key,
      body: {
        order: {
          line_items: [
            { name: 'Yoga mat', quantity: 1, unit_price_money: { amount: 3500 } },
            { name: 'Cork blocks', quantity: 2, unit_price_money: { amount: 1500 } },
          ],
        },
      },
    });
    const orderId = order.body.order.order_id as string;
    await request(suite.server, 'POST', `/v1/orders/${orderId}/pay`, {
      key,
      body: { payment: { payment_source_token: 'tok_visa' } },
    });
    return { key, orderId, blocks: order.body.order.line_items[1].line_item_id as string };
  }

  async function user(key: string, role: string, refundLimit?: number) {
    const res = await request(suite.server, 'POST', '/v1/console_users', {
      key: liveKeyOf(key),
      body: {
        console_user: {
          email: `console${++n}.${Date.now()}@shop.example`,
          role,
          ...(refundLimit === undefined ? {} : { refund_limit: refundLimit }),
        },
      },
    });
    expect(res.status, res.text).toBe(200);
    return res.body.console_user as { email: string; invite_url: string };
  }

  it('must hold: support refunds one line item in under five clicks from the search box', async () => {
    const { key, orderId, blocks } = await shop();
    const support = await user(key, 'support', 5000);
    const { page } = await suite.openTab();
    // Accept the invite: set the password, which signs in.
    await page.goto(support.invite_url);
    await page.getByLabel('New password').fill(PASSWORD);
    await Promise.all([
      page.waitForURL('**/console/orders'),
      page.getByRole('button', { name: 'Set password and sign in' }).click(),
    ]);
    await screenshot(page, 'console-orders');
    let clicks = 0;
    const click = async (name: string | RegExp, role: 'button' | 'link' = 'button') => {
      clicks += 1;
      await Promise.all([page.waitForEvent('load'), page.getByRole(role, { name }).click()]);
    };
    await page.getByLabel(/Order id, customer email/).fill(orderId);
    await click('Search');
    await click(orderId, 'link');
    await screenshot(page, 'console-order');
    await page.getByLabel('Cork blocks — units to refund (of 2)').fill('1');
    await page.getByLabel('Reason').selectOption('requested_by_customer');
    await click('Preview refund');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      'Refund $15.00',
    );
    await screenshot(page, 'console-refund-preview');
    await click(/Confirm refund of \$15\.00/);
    await screenshot(page, 'console-refund');
    expect(clicks).toBeLessThan(5);
    expect(page.url()).toMatch(/\/console\/refunds\/re_[0-9a-z]{26}\?mode=test$/);
    const refundId = /refunds\/(re_[0-9a-z]{26})/.exec(page.url())?.[1];
    const api = await request(suite.server, 'GET', `/v1/refunds/${refundId}`, { key });
    expect(api.body.refund).toMatchObject({
      amount: 1500,
      status: 'succeeded',
      reason: 'requested_by_customer',
      line_items: [{ line_item_id: blocks, amount: 1500 }],
    });
    await expect(page.getByText('succeeded').first().isVisible()).resolves.toBe(true);
    const order = await request(suite.server, 'GET', `/v1/orders/${orderId}`, { key });
    expect(order.body.order.status).toBe('PARTIALLY_REFUNDED');
  });

  it('a viewer signs in and reads, with no way to refund; pages keep a strict policy and fit a phone', async () => {
    const { key, orderId } = await shop();
    const viewer = await user(key, 'viewer');
    const { page } = await suite.openTab({ viewport: { width: 375, height: 740 }, isMobile: true });
    await page.goto(viewer.invite_url);
    await page.getByLabel('New password').fill(PASSWORD);
    await Promise.all([
      page.waitForURL('**/console/orders'),
      page.getByRole('button', { name: 'Set password and sign in' }).click(),
    ]);
    await Promise.all([
      page.waitForURL('**/console/login'),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    const login = await page.reload();
    await expectStrictCsp(login);
    await page.getByLabel('Email').fill(viewer.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([
      page.waitForURL('**/console/orders'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    const sale = await page.goto(`${suite.server.url}/console/orders/${orderId}`);
    await expectStrictCsp(sale);
    await expect(page.getByRole('heading', { name: 'Refund', exact: true }).count()).resolves.toBe(
      0,
    );
    await expect(page.getByRole('button', { name: /Preview/ }).count()).resolves.toBe(0);
    await expect(page.getByRole('heading', { name: 'What was sold' }).isVisible()).resolves.toBe(
      true,
    );
    const { scrollWidth, innerWidth } = await inPage<{ scrollWidth: number; innerWidth: number }>(
      page,
      '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
    );
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    // On a phone each table row stacks into "column: value" lines; money never wraps.
    const cell = await inPage<{ display: string; whiteSpace: string; label: string }>(
      page,
      `(() => { const td = document.querySelector('td[data-label="Total"]'); const style = getComputedStyle(td);
        return { display: style.display, whiteSpace: style.whiteSpace, label: getComputedStyle(td, '::before').content }; })()`,
    );
    expect(cell).toEqual({ display: 'flex', whiteSpace: 'nowrap', label: '"Total"' });
    await screenshot(page, 'console-viewer-phone');
  });
});

describe.skipIf(skipBrowserTests)('console next actions and role limits in a browser', () => {
  const suite = browserSuite();
  const signIn = (key: string, role: string, refundLimit?: number) =>
    signInAs(suite, key, role, refundLimit);

  async function paidOrder(key: string, token: string) {
    const order = await request(suite.server, 'POST', '/v1/orders', {
      key,
      body: {
        order: { line_items: [{ name: 'Mat', quantity: 1, unit_price_money: { amount: 5000 } }] },
      },
    });
    const id = order.body.order.order_id as string;
    await request(suite.server, 'POST', `/v1/orders/${id}/pay`, {
      key,
      body: { payment: { payment_source_token: token } },
    });
    return id;
  }

  it('a pending refund is canceled from its page with one click; the API agrees', async () => {
    const key = await accountKey(suite, 'Next actions');
    const orderId = await paidOrder(key, 'tok_refundPending');
    const refund = await request(suite.server, 'POST', '/v1/refunds', {
      key,
      body: { refund: { order_id: orderId, amount: 2000 } },
    });
    const { page } = await signIn(key, 'owner');
    await page.goto(`${suite.server.url}/console/refunds?status=pending`);
    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('link', { name: refund.body.refund.refund_id }).click(),
    ]);
    await screenshot(page, 'console-refund-pending');
    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('button', { name: 'Cancel this refund' }).click(),
    ]);
    await expect(page.getByText('canceled').first().isVisible()).resolves.toBe(true);
    const api = await request(suite.server, 'GET', `/v1/refunds/${refund.body.refund.refund_id}`, {
      key,
    });
    expect(api.body.refund.status).toBe('canceled');
  });

  it('support over its limit is refused with the reason, and nothing is refunded', async () => {
    const key = await accountKey(suite, 'Limits');
    const orderId = await paidOrder(key, 'tok_visa');
    const tab = await signIn(key, 'support', 1000);
    const { page } = tab;
    await page.goto(`${suite.server.url}/console/orders/${orderId}`);
    await page.getByLabel(/^Everything left/).check();
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().includes('/refund/preview') && r.request().method() === 'POST',
      ),
      page.waitForEvent('load'),
      page.getByRole('button', { name: 'Preview refund' }).click(),
    ]);
    expect(response.status()).toBe(403);
    tab.expectErrorStatusLogged(403);
    await expect(page.getByText('Your refund limit is $10.00').isVisible()).resolves.toBe(true);
    await screenshot(page, 'console-support-limit');
    const refunds = await request(suite.server, 'GET', `/v1/refunds?order=${orderId}`, { key });
    expect(refunds.body.refunds).toEqual([]);
  });

  it('a failed refund is recorded as paid back by bank transfer through the preview; its page then says what made it good', async () => {
    const key = await accountKey(suite, 'Offline');
    const orderId = await paidOrder(key, 'tok_refundFail');
    const card = await request(suite.server, 'POST', '/v1/refunds', {
      key,
      body: { refund: { order_id: orderId, amount: 2000, reason: 'requested_by_customer' } },
    });
    const failedId = card.body.refund.refund_id as string;
    await request(suite.server, 'POST', `/v1/test_helpers/refunds/${failedId}/fail`, { key });
    const { page } = await signIn(key, 'support', 5000);
    await page.goto(`${suite.server.url}/console/refunds?status=failed`);
    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('link', { name: failedId }).click(),
    ]);
    await expect(page.getByText('expired or canceled card').isVisible()).resolves.toBe(true);
    await screenshot(page, 'console-refund-failed');
    await page.getByLabel('Returned how').selectOption('bank_transfer');
    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('button', { name: 'Record an offline refund (preview)' }).click(),
    ]);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      'Refund $20.00',
    );
    await expect(page.getByText('Bank transfer, made outside Flint').isVisible()).resolves.toBe(
      true,
    );
    await screenshot(page, 'console-offline-refund-preview');
    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('button', { name: 'Record offline refund of $20.00' }).click(),
    ]);
    const offlineId = /refunds\/(re_[0-9a-z]{26})/.exec(page.url())?.[1];
    expect(offlineId).toBeDefined();
    expect(offlineId).not.toBe(failedId);
    await screenshot(page, 'console-offline-refund');
    const api = await request(suite.server, 'GET', `/v1/refunds/${offlineId}`, { key });
    expect(api.body.refund).toMatchObject({
      amount: 2000,
      status: 'succeeded',
      method: 'bank_transfer',
      replaces_refund_id: failedId,
    });
    const order = await request(suite.server, 'GET', `/v1/orders/${orderId}`, { key });
    expect(order.body.order.net_amounts.refunded_money.amount).toBe(2000);
    // Back on the failed refund: made good, no buttons left to press twice.
    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('link', { name: failedId }).click(),
    ]);
    await expect(page.getByText('Made good by refund').isVisible()).resolves.toBe(true);
    await expect(
      page.getByRole('button', { name: /Record an offline refund/ }).count(),
    ).resolves.toBe(0);
  });
});

describe.skipIf(skipBrowserTests)('the developers area in a browser', () => {
  // Webhook endpoints need the encryption key (their signing secrets are sealed with it).
  const suite = browserSuite({ encryptionKey: randomBytes(32) });
  const signIn = (key: string, role: string) => signInAs(suite, key, role);

  it('an owner creates a key (shown once), revokes it, and redelivers an event; support has no way in', async () => {
    const key = await accountKey(suite, 'Developers');
    const endpoint = await request(suite.server, 'POST', '/v1/webhook_endpoints', {
      key,
      body: {
        webhook_endpoint: { url: 'https://hooks.shop.example/flint', enabled_events: ['*'] },
      },
    });
    expect(endpoint.status, endpoint.text).toBe(200);
    await request(suite.server, 'POST', '/v1/orders', {
      key,
      body: {
        order: { line_items: [{ name: 'X', quantity: 1, unit_price_money: { amount: 100 } }] },
      },
    });
    // Fan the order's event out to the endpoint, as the worker would (not attempted yet).
    const me = await request(suite.server, 'GET', '/v1/account', { key });
    const scope = { accountIds: [me.body.account.account_id as string] };
    expect(
      await dispatchEvents(suite.server.deps, { scope, batch: 100, firstDelayMs: 3_600_000 }),
    ).toBeGreaterThan(0);
    const { page } = await signIn(key, 'owner');
    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('link', { name: 'Developers' }).click(),
    ]);
    await page.getByLabel("New key's name").fill('Deploy <ci>');
    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('button', { name: 'Create a test key' }).click(),
    ]);
    const secret = (await page.locator('#new-secret').textContent()) ?? '';
    expect(secret).toMatch(/^sk_test_/);
    await expect(page.getByText('Deploy <ci>').isVisible()).resolves.toBe(true);
    await screenshot(page, 'console-developers-key');
    expect((await request(suite.server, 'GET', '/v1/account', { key: secret })).status).toBe(200);
    // Shown once: not on the page again.
    await page.goto(`${suite.server.url}/console/developers`);
    await expect(page.locator('#new-secret').count()).resolves.toBe(0);
    const row = page.getByRole('row', { name: /Deploy <ci>/ });
    await Promise.all([
      page.waitForEvent('load'),
      row.getByRole('button', { name: 'Revoke' }).click(),
    ]);
    await expect(row.getByText(/^revoked /).isVisible()).resolves.toBe(true);
    expect((await request(suite.server, 'GET', '/v1/account', { key: secret })).status).toBe(401);
    // The endpoint's delivery log, and a redelivery of the order's event.
    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('link', { name: 'https://hooks.shop.example/flint' }).click(),
    ]);
    const before = await page.getByRole('row', { name: /order\.created/ }).count();
    await Promise.all([
      page.waitForEvent('load'),
      page
        .getByRole('row', { name: /order\.created/ })
        .first()
        .getByRole('button', { name: 'Redeliver' })
        .click(),
    ]);
    await expect(page.getByRole('row', { name: /order\.created/ }).count()).resolves.toBe(
      before + 1,
    );
    await screenshot(page, 'console-developers-webhook');
    // Support sees no Developers link, and is refused at the door.
    const support = await signIn(key, 'support');
    await expect(support.page.getByRole('link', { name: 'Developers' }).count()).resolves.toBe(0);
    const refused = await support.page.goto(`${suite.server.url}/console/developers`);
    expect(refused?.status()).toBe(403);
    support.expectErrorStatusLogged(403);
  });
});
