import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDueCheckoutSessions } from '../src/app/checkout/checkout-sessions.js';
import { expectError } from './catalog-fixtures.js';
import { Buyer, createSession, GOOD_CARD } from './checkout-page-client.js';
import {
  createOrder,
  createTestAccount,
  oneLine,
  payOrder,
  request,
  type TestServer,
} from './harness.js';
import {
  MINUTE,
  OffsetClock,
  pathOf,
  payOnLinkPage,
  recoveryCalls,
  runJobsUntilNow,
  startRecoveryServer,
} from './recovery-link-fixtures.js';

// A payment abandoned at its 3-D Secure step holds the order's balance for 30 minutes, then
// is canceled by its due job, freeing the balance; with automatic recovery on, an expired
// checkout or an abandoned payment leaves the buyer a recovery link by mail.

const clock = new OffsetClock();
let server: TestServer;
beforeAll(async () => {
  server = await startRecoveryServer(clock);
});
afterAll(() => server.close());

const HOLD_3DS = 'tok_threeDSecureRequired';

async function abandoned3ds(key: string, email = 'buyer@example.com') {
  const order = await createOrder(server, key, { line_items: oneLine(4000) });
  const res = await request(server, 'POST', `/v1/orders/${order.order_id}/pay`, {
    key,
    body: { payment: { payment_source_token: HOLD_3DS, buyer_email: email } },
  });
  expect(res.body.payment_intent.status, res.text).toBe('requires_action');
  return { order, intent: res.body.payment_intent };
}

describe('the 3-D Secure hold', () => {
  it('blocks other payers until it expires after 30 minutes; then the intent is canceled and the balance is free', async () => {
    clock.offsetMs = 0;
    const { testKey: key, accountId } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    const { order, intent } = await abandoned3ds(key);
    const blocked = await request(server, 'POST', `/v1/orders/${order.order_id}/pay`, {
      key,
      body: { payment: { payment_source_token: 'tok_visa' } },
    });
    expectError(blocked, 409, 'conflict', 'payment_in_progress');
    const link = await api.created(order.order_id);
    const held = await new Buyer(server).get(pathOf(link));
    expect(held.text).toContain('A payment is under way');
    expect(held.text).not.toContain('id="pay-form"');
    clock.offsetMs = 29 * MINUTE;
    expect(await runJobsUntilNow(server.deps, clock, accountId)).toMatchObject({ succeeded: 0 });
    clock.offsetMs = 31 * MINUTE;
    // Three workers race for the due job: it runs once.
    const runs = await Promise.all(
      [1, 2, 3].map(() => runJobsUntilNow(server.deps, clock, accountId)),
    );
    expect(runs.reduce((n, r) => n + r.succeeded, 0)).toBe(1);
    expect(runs.every((r) => r.failed === 0 && r.lost === 0)).toBe(true);
    const after = await api.order(order.order_id);
    expect(after.payments).toEqual([
      expect.objectContaining({ payment_intent_id: intent.payment_intent_id, status: 'canceled' }),
    ]);
    expect(after.net_amounts.balance_money.amount).toBe(4000);
    expect(await api.eventTypes(intent.payment_intent_id)).toEqual([
      'payment_intent.created',
      'payment_intent.requires_action',
      'payment_intent.canceled',
    ]);
    // Off by default: no link made, no mail.
    expect(await api.emails()).toEqual([]);
    // The balance is free: the recovery link collects it (the form knows the buyer's email).
    const free = await new Buyer(server).get(pathOf(link));
    expect(free.text).toContain('value="buyer@example.com"');
    const paid = await payOnLinkPage(new Buyer(server), pathOf(link));
    expect(paid.status).toBe(303);
    expect((await api.order(order.order_id)).status).toBe('PAID');
    expect(await runJobsUntilNow(server.deps, clock, accountId)).toMatchObject({ succeeded: 0 });
  });

  it('a payment the buyer completes in time is left alone when its hold job runs', async () => {
    clock.offsetMs = 0;
    const { testKey: key, accountId } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    const { order, intent } = await abandoned3ds(key);
    const done = await request(
      server,
      'POST',
      `/v1/test_helpers/payment_intents/${intent.payment_intent_id}/succeed`,
      { key, body: {} },
    );
    expect(done.status, done.text).toBe(200);
    clock.offsetMs = 31 * MINUTE;
    expect(await runJobsUntilNow(server.deps, clock, accountId)).toMatchObject({ succeeded: 1 });
    expect((await api.order(order.order_id)).status).toBe('PAID');
    expect(await api.eventTypes(intent.payment_intent_id)).not.toContain('payment_intent.canceled');
  });
});

describe('automatic recovery', () => {
  it('after an abandoned 3-D Secure payment: a link, mailed to the buyer once (text and HTML)', async () => {
    clock.offsetMs = 0;
    const { testKey: key, accountId } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    expect((await api.setAutomatic(true)).body.recovery_settings).toEqual({
      object: 'recovery_settings',
      automatic_recovery: true,
      test_mode: true,
    });
    const { order, intent } = await abandoned3ds(key, 'ada@example.com');
    clock.offsetMs = 31 * MINUTE;
    await runJobsUntilNow(server.deps, clock, accountId);
    const links = (await api.call('GET', `/v1/orders/${order.order_id}/recovery_links`)).body
      .recovery_links;
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({
      source: 'payment_abandoned',
      source_id: intent.payment_intent_id,
      amount: { amount: 4000, currency: 'USD' },
      status: 'active',
    });
    const mails = await api.emails();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      to: 'ada@example.com',
      kind: 'recovery',
      status: 'kept',
      related_object: { type: 'recovery_link', id: links[0].recovery_link_id },
    });
    expect(mails[0].text).toContain('$40.00');
    expect(mails[0].text).toContain(links[0].url);
    expect(mails[0].html).toContain(`href="${links[0].url}"`);
    expect(await runJobsUntilNow(server.deps, clock, accountId)).toMatchObject({ succeeded: 0 });
    expect(await api.emails()).toHaveLength(1);
  });

  it('never mails an address typed on a public page: the link is made, no mail goes out', async () => {
    clock.offsetMs = 0;
    const { testKey: key, accountId } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    await api.setAutomatic(true);
    const cs = await createSession(server, key, {
      expires_at: new Date(clock.now().getTime() + 120 * MINUTE).toISOString(),
    });
    // Anyone with the checkout link may type anyone's address and walk away at 3-D Secure.
    const started = await new Buyer(server).pay(cs.checkout_session_id, {
      email: 'someone-else@example.com',
      card_number: '4000 0025 0000 3155',
    });
    expect(started.status, started.text).toBe(303); // on to its 3-D Secure step
    clock.offsetMs = 31 * MINUTE;
    await runJobsUntilNow(server.deps, clock, accountId);
    const links = (await api.call('GET', `/v1/orders/${cs.order_id}/recovery_links`)).body
      .recovery_links;
    expect(links).toEqual([expect.objectContaining({ source: 'payment_abandoned' })]);
    expect(await api.emails()).toEqual([]);
  });

  it('after a checkout session expires with a balance: a link mailed to the order’s customer; none when nothing is owed', async () => {
    clock.offsetMs = 0;
    const { testKey: key } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    await api.setAutomatic(true);
    const customer = await request(server, 'POST', '/v1/customers', {
      key,
      body: { customer: { email: 'grace@example.com', name: 'Grace' } },
    });
    const cs = await createSession(server, key, {
      customer_id: customer.body.customer.customer_id,
      expires_at: new Date(clock.now().getTime() + 60 * MINUTE).toISOString(),
    });
    await payOrder(server, key, cs.order_id, { amount: 2000 });
    const paidSession = await createSession(server, key, {
      expires_at: new Date(clock.now().getTime() + 60 * MINUTE).toISOString(),
    });
    expect((await new Buyer(server).pay(paidSession.checkout_session_id, GOOD_CARD)).status).toBe(
      303,
    );
    clock.offsetMs = 61 * MINUTE;
    expect(await expireDueCheckoutSessions(server.deps)).toBeGreaterThanOrEqual(1);
    const links = (await api.call('GET', `/v1/orders/${cs.order_id}/recovery_links`)).body
      .recovery_links;
    expect(links).toEqual([
      expect.objectContaining({
        source: 'checkout_session_expired',
        source_id: cs.checkout_session_id,
        amount: { amount: 4500, currency: 'USD' },
      }),
    ]);
    const mails = await api.emails();
    expect(mails.map((m: any) => m.to)).toEqual(['grace@example.com']);
    expect(mails[0].subject).toContain('Complete your payment');
    const none = await api.call('GET', `/v1/orders/${paidSession.order_id}/recovery_links`);
    expect(none.body.recovery_links).toEqual([]);
  });

  it('with no buyer email the link is still made, and no mail', async () => {
    clock.offsetMs = 0;
    const { testKey: key } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    await api.setAutomatic(true);
    const cs = await createSession(server, key, {
      expires_at: new Date(clock.now().getTime() + 60 * MINUTE).toISOString(),
    });
    clock.offsetMs = 61 * MINUTE;
    await expireDueCheckoutSessions(server.deps);
    const links = await api.call('GET', `/v1/orders/${cs.order_id}/recovery_links`);
    expect(links.body.recovery_links).toHaveLength(1);
    expect(await api.emails()).toEqual([]);
    expect((await api.setAutomatic(false)).body.recovery_settings.automatic_recovery).toBe(false);
    const settings = await api.call('GET', '/v1/recovery_settings');
    expect(settings.body.recovery_settings.automatic_recovery).toBe(false);
  });
});
