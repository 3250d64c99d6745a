import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingSandbox } from './counting-processor.js';
import { request, startTestServer, type TestServer } from './harness.js';
import { Merchant } from './subscription-fixtures.js';

// Bad input to subscriptions, through real HTTP: a clear 4xx naming what is wrong, never a
// 500, nothing written; another account's or the other mode's ids are 404.

const counting = countingSandbox();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ processor: counting.processor });
});
afterAll(() => server.close());

function expectError(
  res: { status: number; body: any; text: string },
  status: number,
  code: string,
  loc?: (string | number)[],
) {
  expect(res.status, res.text).toBe(status);
  expect(res.body.error.code, res.text).toBe(code);
  if (loc) expect(res.body.error.errors?.[0]?.loc, res.text).toEqual(loc);
}

async function ready(m: Merchant) {
  const customer = await m.customer();
  const plan = await m.plan();
  return { customer, plan };
}

describe('creating a subscription with bad input', () => {
  it('refuses bad items: quantity 0 or huge, none, a plan twice, an unknown version', async () => {
    const m = await Merchant.open(server);
    const { customer, plan } = await ready(m);
    const sub = (items: unknown) => m.subscribe({ customer_id: customer.id, items });
    expectError(await sub([{ plan_id: plan, quantity: 0 }]), 422, 'parameter_invalid');
    expectError(await sub([{ plan_id: plan, quantity: 100_001 }]), 422, 'parameter_invalid');
    expectError(await sub([{ plan_id: plan, quantity: 1.5 }]), 422, 'parameter_invalid');
    expectError(await sub([]), 422, 'parameter_invalid');
    expectError(
      await sub([{ plan_id: plan }, { plan_id: plan, quantity: 2 }]),
      422,
      'parameter_invalid',
      ['subscription', 'items', 1, 'plan_id'],
    );
    const version = await sub([{ plan_id: plan, plan_version: 9 }]);
    expect([404, 422]).toContain(version.status);
    expect(version.body.error.errors?.[0]?.loc).toEqual(['subscription', 'items', 0, 'plan_id']);
    const list = await m.ok('GET', `/v1/subscriptions?customer_id=${customer.id}`);
    expect(list.subscriptions).toEqual([]);
  });

  it('refuses a quantity whose period would bill more than the largest amount, trial or not', async () => {
    const m = await Merchant.open(server);
    const customer = await m.customer();
    const plan = await m.plan({ line_items: [{ name: 'Big', unit_amount: 99_999_999 }] });
    for (const trial of [{}, { trial_period_days: 3 }]) {
      const res = await m.subscribe({
        customer_id: customer.id,
        items: [{ plan_id: plan, quantity: 100_000 }],
        ...trial,
      });
      expectError(res, 422, 'parameter_invalid', ['subscription', 'items']);
    }
    const list = await m.ok('GET', `/v1/subscriptions?customer_id=${customer.id}`);
    expect(list.subscriptions).toEqual([]);
    expect(await m.invoicesOf(customer.id)).toEqual([]);
  });

  it('refuses plans of different currencies or intervals, and an archived plan', async () => {
    const m = await Merchant.open(server);
    const { customer, plan } = await ready(m);
    const euro = await m.plan({ currency: 'EUR' });
    const yearly = await m.plan({ interval: 'year' });
    const sub = (items: unknown) => m.subscribe({ customer_id: customer.id, items });
    expectError(await sub([{ plan_id: plan }, { plan_id: euro }]), 422, 'currency_mismatch', [
      'subscription',
      'items',
      1,
      'plan_id',
    ]);
    expectError(await sub([{ plan_id: plan }, { plan_id: yearly }]), 422, 'parameter_invalid', [
      'subscription',
      'items',
      1,
      'plan_id',
    ]);
    await m.ok('PATCH', `/v1/plans/${euro}`, { plan: { active: false } });
    expectError(await sub([{ plan_id: euro }]), 422, 'parameter_invalid', [
      'subscription',
      'items',
      0,
      'plan_id',
    ]);
    expect(counting.chargeCalls.filter((k) => k.includes(customer.id))).toEqual([]);
  });

  it('refuses a bad trial, coupon or payment method', async () => {
    const m = await Merchant.open(server);
    const { customer, plan } = await ready(m);
    const other = await m.customer();
    const sub = (fields: Record<string, unknown>) =>
      m.subscribe({ customer_id: customer.id, items: [{ plan_id: plan }], ...fields });
    expectError(await sub({ trial_end: '2001-01-01T00:00:00Z' }), 422, 'parameter_invalid');
    expectError(await sub({ trial_end: '2999-01-01T00:00:00Z' }), 422, 'parameter_invalid');
    expectError(
      await sub({ trial_end: '2099-01-01T00:00:00Z', trial_period_days: 3 }),
      422,
      'parameter_invalid',
    );
    expectError(await sub({ trial_period_days: -1 }), 422, 'parameter_invalid');
    expectError(await sub({ coupon_code: 'NOPE' }), 404, 'resource_missing');
    expectError(await sub({ coupon_duration: 'forever' }), 422, 'parameter_invalid');
    await m.ok('POST', '/v1/coupons', { coupon: { code: 'TENOFF', percent_off: '10' } });
    expectError(
      await sub({ coupon_code: 'TENOFF', coupon_duration: 'repeating' }),
      422,
      'parameter_invalid',
    );
    expectError(
      await sub({ coupon_code: 'TENOFF', coupon_duration: 'once', coupon_duration_in_periods: 2 }),
      422,
      'parameter_invalid',
    );
    expectError(await sub({ default_payment_method_id: other.method }), 422, 'parameter_invalid', [
      'subscription',
      'default_payment_method_id',
    ]);
    expectError(
      await sub({ default_payment_method_id: 'pm_00000000000000000000000000' }),
      404,
      'resource_missing',
    );
    const list = await m.ok('GET', `/v1/subscriptions?customer_id=${customer.id}`);
    expect(list.subscriptions).toEqual([]);
  });

  it('one subscription and one charge for one Idempotency-Key', async () => {
    const m = await Merchant.open(server);
    const { customer, plan } = await ready(m);
    const before = counting.chargeCalls.length;
    const body = { subscription: { customer_id: customer.id, items: [{ plan_id: plan }] } };
    const headers = { 'idempotency-key': `sub-${customer.id}` };
    const [a, b] = await Promise.all([
      m.call('POST', '/v1/subscriptions', body, headers),
      m.call('POST', '/v1/subscriptions', body, headers),
    ]);
    const c = await m.call('POST', '/v1/subscriptions', body, headers);
    const ids = [a, b, c]
      .filter((r) => r.status === 200)
      .map((r) => r.body.subscription.subscription_id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ids).size).toBe(1);
    for (const r of [a, b]) expect([200, 409]).toContain(r.status);
    expect(counting.chargeCalls.length - before).toBe(1);
    const list = await m.ok('GET', `/v1/subscriptions?customer_id=${customer.id}`);
    expect(list.subscriptions).toHaveLength(1);
    expect(list.subscriptions[0].status).toBe('active');
  });
});

describe('other accounts, other modes, other states', () => {
  it("another account's or the live mode's ids are 404, on every route", async () => {
    const m = await Merchant.open(server);
    const { customer, plan } = await ready(m);
    const res = await m.subscribe({ customer_id: customer.id, items: [{ plan_id: plan }] });
    const id = res.body.subscription.subscription_id;
    const stranger = await Merchant.open(server);
    const mine = await ready(stranger);
    expectError(
      await stranger.subscribe({ customer_id: customer.id, items: [{ plan_id: mine.plan }] }),
      404,
      'resource_missing',
    );
    expectError(
      await stranger.subscribe({ customer_id: mine.customer.id, items: [{ plan_id: plan }] }),
      404,
      'resource_missing',
    );
    expectError(
      await stranger.subscribe({
        customer_id: mine.customer.id,
        items: [{ plan_id: mine.plan }],
        default_payment_method_id: customer.method,
      }),
      404,
      'resource_missing',
    );
    const live = (method: string, path: string, body?: unknown) =>
      request(server, method, path, { key: m.account.liveKey, body });
    for (const call of [
      (method: string, path: string, body?: unknown) => stranger.call(method, path, body),
      live,
    ]) {
      expectError(await call('GET', `/v1/subscriptions/${id}`), 404, 'resource_missing');
      expectError(
        await call('GET', `/v1/subscriptions/${id}/upcoming_invoice`),
        404,
        'resource_missing',
      );
      expectError(
        await call('PATCH', `/v1/subscriptions/${id}`, { subscription: { metadata: { a: 'b' } } }),
        404,
        'resource_missing',
      );
      for (const action of ['cancel', 'cancel_at_period_end', 'resume_collection', 'resume']) {
        expectError(
          await call('POST', `/v1/subscriptions/${id}/${action}`, {}),
          404,
          'resource_missing',
        );
      }
      expectError(
        await call('POST', `/v1/subscriptions/${id}/pause_collection`, {
          pause_collection: { behavior: 'void' },
        }),
        404,
        'resource_missing',
      );
      const list = await call('GET', '/v1/subscriptions');
      expect(list.status).toBe(200);
      expect(list.body.subscriptions).toEqual([]);
    }
    const liveCreate = await live('POST', '/v1/subscriptions', {
      subscription: { customer_id: customer.id, items: [{ plan_id: plan }] },
    });
    expectError(liveCreate, 404, 'resource_missing');
    expect((await m.subscription(id)).status).toBe('active');
  });

  it('an action the state does not allow is a 409 naming the allowed ones', async () => {
    const m = await Merchant.open(server);
    const { customer, plan } = await ready(m);
    const res = await m.subscribe({ customer_id: customer.id, items: [{ plan_id: plan }] });
    const id = res.body.subscription.subscription_id;
    const refused = await m.call('POST', `/v1/subscriptions/${id}/resume`, {});
    expectError(refused, 409, 'subscription_state_invalid');
    expect(
      refused.body.error.available_actions ?? refused.body.error.details?.available_actions,
    ).toEqual(['update', 'cancel', 'cancel_at_period_end', 'pause_collection']);
    expectError(
      await m.call('POST', `/v1/subscriptions/${id}/reactivate`, {}),
      409,
      'subscription_state_invalid',
    );
    expectError(
      await m.call('POST', `/v1/subscriptions/${id}/pause_collection`, {
        pause_collection: { behavior: 'forever' },
      }),
      422,
      'parameter_invalid',
    );
    expectError(
      await m.call('PATCH', `/v1/subscriptions/${id}`, {
        subscription: { default_payment_method_id: 'pm_00000000000000000000000000' },
      }),
      404,
      'resource_missing',
    );
    expectError(
      await m.call('GET', '/v1/subscriptions/sub_00000000000000000000000000'),
      404,
      'resource_missing',
    );
    expectError(
      await m.call('GET', '/v1/subscriptions/sub_00000000000000000000000000/upcoming_invoice'),
      404,
      'resource_missing',
    );
    await m.ok('POST', `/v1/subscriptions/${id}/cancel`, {});
    for (const action of [
      'cancel',
      'cancel_at_period_end',
      'reactivate',
      'resume_collection',
      'resume',
    ]) {
      const again = await m.call('POST', `/v1/subscriptions/${id}/${action}`, {});
      expectError(again, 409, 'subscription_state_invalid');
    }
    expectError(
      await m.call('PATCH', `/v1/subscriptions/${id}`, { subscription: { metadata: { a: 'b' } } }),
      409,
      'subscription_state_invalid',
    );
  });

  it('refuses bad settings', async () => {
    const m = await Merchant.open(server);
    const set = (fields: Record<string, unknown>) =>
      m.call('POST', '/v1/subscription_settings', { subscription_settings: fields });
    expectError(await set({ retry_days: [3, 1] }), 422, 'parameter_invalid');
    expectError(await set({ retry_days: [0] }), 422, 'parameter_invalid');
    expectError(await set({ retry_days: [1, 2, 3, 4, 5, 6, 7, 8, 9] }), 422, 'parameter_invalid');
    expectError(await set({ after_retries: 'forgive' }), 422, 'parameter_invalid');
    expectError(await set({ trial_will_end_days: 0 }), 422, 'parameter_invalid');
    const settings = (await m.ok('GET', '/v1/subscription_settings')).subscription_settings;
    expect(settings).toMatchObject({
      retry_days: [1, 3, 5, 7],
      after_retries: 'canceled',
      missing_payment_method: 'cancel',
      trial_will_end_days: 3,
      upcoming_days: 7,
      test_mode: true,
    });
    await m.settings({ retry_days: [] });
    const live = await request(server, 'GET', '/v1/subscription_settings', {
      key: m.account.liveKey,
    });
    expect(live.body.subscription_settings).toMatchObject({
      retry_days: [1, 3, 5, 7],
      test_mode: false,
    });
  });
});
