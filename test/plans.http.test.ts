import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  create,
  expectError,
  expectMissing,
  list,
  MAX_AMOUNT,
  RFC3339_UTC,
} from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function price(
  key: string,
  fields: { unit_amount: number; currency?: string; recurring?: Record<string, unknown> | null },
  name = 'Seat',
) {
  const product = await create(server, key, 'products', 'product', { name });
  return create(server, key, 'prices', 'price', {
    product_id: product.product_id,
    unit_amount: fields.unit_amount,
    currency: fields.currency ?? 'USD',
    ...(fields.recurring === null ? {} : { recurring: fields.recurring ?? { interval: 'month' } }),
  });
}

const createPlan = (key: string, fields: Record<string, unknown>, idempotencyKey?: string) =>
  request(server, 'POST', '/v1/plans', {
    key,
    body: { plan: fields },
    ...(idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : {}),
  });

const patchPlan = (key: string, id: string, fields: Record<string, unknown>) =>
  request(server, 'PATCH', `/v1/plans/${id}`, { key, body: { plan: fields } });

async function plan(key: string, fields: Record<string, unknown>) {
  const res = await createPlan(key, fields);
  expect(res.status, res.text).toBe(200);
  expect(Object.keys(res.body)).toEqual(['plan']);
  return res.body.plan;
}

const adHoc = { name: 'Platform fee', unit_amount: 4900, per_seat: false };

describe('plans API', () => {
  it('creates a plan of price and ad hoc lines, copying the price’s amount, then gets and lists it', async () => {
    const { testKey: key } = await createTestAccount(server);
    const seat = await price(key, { unit_amount: 1200 }, 'Pro seat');
    const created = await plan(key, {
      name: 'Pro',
      currency: 'usd',
      interval: 'month',
      trial_period_days: 14,
      line_items: [{ price_id: seat.price_id }, adHoc],
      metadata: { tier: 'pro' },
    });
    expect(created).toEqual({
      plan_id: expect.stringMatching(/^plan_[0-9a-z]{26}$/),
      object: 'plan',
      name: 'Pro',
      description: null,
      active: true,
      version: 1,
      currency: 'USD',
      interval: 'month',
      interval_count: 1,
      trial_period_days: 14,
      line_items: [
        {
          name: 'Pro seat',
          unit_amount: 1200,
          quantity: 1,
          per_seat: true,
          price_id: seat.price_id,
          product_id: seat.product_id,
          tax_rate_ids: null,
          tax_exempt: false,
        },
        {
          name: 'Platform fee',
          unit_amount: 4900,
          quantity: 1,
          per_seat: false,
          price_id: null,
          product_id: null,
          tax_rate_ids: null,
          tax_exempt: false,
        },
      ],
      metadata: { tier: 'pro' },
      test_mode: true,
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: created.created_at,
    });
    const got = await request(server, 'GET', `/v1/plans/${created.plan_id}`, { key });
    expect(got.body).toEqual({ plan: created });
    const listed = await list(server, key, 'plans');
    expect(listed.plans).toEqual([created]);
    expect((await list(server, key, 'plans', '?active=false')).plans).toEqual([]);

    const events = await request(server, 'GET', '/v1/events?type=plan.created', { key });
    expect(events.body.events.map((e: any) => e.data.object)).toEqual([created]);
  });

  it('takes tax as an order line does: its own rates, exempt, or the defaults (null)', async () => {
    const { testKey: key } = await createTestAccount(server);
    const rate = await create(server, key, 'tax_rates', 'tax_rate', {
      display_name: 'VAT',
      percentage: '20',
      inclusive: false,
    });
    const created = await plan(key, {
      name: 'Taxed',
      currency: 'EUR',
      interval: 'year',
      line_items: [
        { name: 'A', unit_amount: 100, tax_rate_ids: [rate.tax_rate_id, rate.tax_rate_id] },
        { name: 'B', unit_amount: 100, tax_exempt: true },
        { name: 'C', unit_amount: 100, quantity: 3 },
      ],
    });
    expect(created.line_items.map((l: any) => [l.tax_rate_ids, l.tax_exempt, l.quantity])).toEqual([
      [[rate.tax_rate_id], false, 1],
      [[], true, 1],
      [null, false, 3],
    ]);
    const unknownRate = await createPlan(key, {
      name: 'X',
      currency: 'EUR',
      interval: 'year',
      line_items: [{ name: 'A', unit_amount: 1, tax_rate_ids: ['txr_01m84sgeyjf21ada62ac1e65xf'] }],
    });
    expectMissing(unknownRate, 'tax rate', ['plan', 'line_items', 0, 'tax_rate_ids']);
  });

  it('refuses a price of another interval, a one-time price and another currency, naming the line', async () => {
    const { testKey: key } = await createTestAccount(server);
    const monthly = await price(key, { unit_amount: 1000 });
    const quarterly = await price(key, {
      unit_amount: 2700,
      recurring: { interval: 'month', interval_count: 3 },
    });
    const yearly = await price(key, { unit_amount: 9900, recurring: { interval: 'year' } });
    const oneTime = await price(key, { unit_amount: 500, recurring: null });
    const euro = await price(key, { unit_amount: 1000, currency: 'EUR' });
    const base = { name: 'Monthly', currency: 'USD', interval: 'month' };

    for (const wrong of [quarterly, yearly, oneTime]) {
      const res = await createPlan(key, {
        ...base,
        line_items: [{ price_id: monthly.price_id }, { price_id: wrong.price_id }],
      });
      expectError(res, 422, 'validation_error', 'price_interval_mismatch', [
        ['plan', 'line_items', 1, 'price_id'],
      ]);
    }
    const currency = await createPlan(key, { ...base, line_items: [{ price_id: euro.price_id }] });
    expectError(currency, 422, 'validation_error', 'currency_mismatch', [
      ['plan', 'line_items', 0, 'price_id'],
    ]);
    // The quarterly price fits a plan billed every 3 months.
    const quarter = await plan(key, {
      ...base,
      interval_count: 3,
      line_items: [{ price_id: quarterly.price_id }],
    });
    expect(quarter.line_items[0].unit_amount).toBe(2700);
    // A line by price takes its amount from it; an ad hoc line needs a name and an amount.
    const both = await createPlan(key, {
      ...base,
      line_items: [{ price_id: monthly.price_id, unit_amount: 1 }],
    });
    expectError(both, 422, 'validation_error', 'parameter_invalid', [
      ['plan', 'line_items', 0, 'unit_amount'],
    ]);
    const nameless = await createPlan(key, { ...base, line_items: [{ unit_amount: 1 }] });
    expectError(nameless, 422, 'validation_error', 'parameter_invalid', [
      ['plan', 'line_items', 0, 'name'],
    ]);
    expect((await list(server, key, 'plans')).plans).toEqual([quarter]);
  });

  it('bounds lines, intervals, trials and amounts', async () => {
    const { testKey: key } = await createTestAccount(server);
    const base = { name: 'P', currency: 'USD', interval: 'month' };
    const line = { name: 'L', unit_amount: 100 };
    for (const line_items of [[], Array.from({ length: 21 }, () => line)]) {
      const res = await createPlan(key, { ...base, line_items });
      expectError(res, 422, 'validation_error', 'parameter_invalid', [['plan', 'line_items']]);
    }
    expect(
      (await plan(key, { ...base, line_items: Array(20).fill(line) })).line_items,
    ).toHaveLength(20);
    for (const unit_amount of [MAX_AMOUNT + 1, 2 ** 53 + 2, -1, 1.5]) {
      const res = await createPlan(key, { ...base, line_items: [{ ...line, unit_amount }] });
      expectError(res, 422, 'validation_error', 'parameter_invalid', [
        ['plan', 'line_items', 0, 'unit_amount'],
      ]);
    }
    const tooMuch = await createPlan(key, {
      ...base,
      line_items: [{ ...line, unit_amount: MAX_AMOUNT, quantity: 2 }],
    });
    expectError(tooMuch, 422, 'validation_error', 'parameter_invalid', [['plan', 'line_items']]);
    expect(tooMuch.body.error.maximum_amount).toBe(MAX_AMOUNT);
    const atMost = await plan(key, { ...base, line_items: [{ ...line, unit_amount: MAX_AMOUNT }] });
    expect(atMost.line_items[0].unit_amount).toBe(MAX_AMOUNT);

    const fourYears = await createPlan(key, {
      ...base,
      interval: 'year',
      interval_count: 4,
      line_items: [line],
    });
    expectError(fourYears, 422, 'validation_error', 'parameter_invalid', [
      ['plan', 'interval_count'],
    ]);
    expect(
      (await plan(key, { ...base, interval: 'week', interval_count: 156, line_items: [line] }))
        .interval_count,
    ).toBe(156);
    const longTrial = await createPlan(key, {
      ...base,
      trial_period_days: 731,
      line_items: [line],
    });
    expectError(longTrial, 422, 'validation_error', 'parameter_invalid');
    const badInterval = await createPlan(key, { ...base, interval: 'hour', line_items: [line] });
    expectError(badInterval, 422, 'validation_error', 'parameter_invalid');
    const unknownField = await createPlan(key, { ...base, line_items: [{ ...line, seats: 2 }] });
    expectError(unknownField, 400, 'invalid_request', 'parameter_unknown');
    const badCurrency = await createPlan(key, { ...base, currency: 'XYZ', line_items: [line] });
    expectError(badCurrency, 422, 'validation_error', 'parameter_invalid', [['plan', 'currency']]);
  });

  it('makes a new version when the terms change, keeping the old one as it was', async () => {
    const { testKey: key } = await createTestAccount(server);
    const seat = await price(key, { unit_amount: 1000 });
    const created = await plan(key, {
      name: 'Team',
      currency: 'USD',
      interval: 'month',
      line_items: [{ price_id: seat.price_id }],
    });
    const id = created.plan_id;
    const renamed = await patchPlan(key, id, { name: 'Team (2024)', metadata: { a: '1' } });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.plan).toMatchObject({ name: 'Team (2024)', version: 1 });
    // The same terms again make no version either.
    const same = await patchPlan(key, id, { line_items: [{ price_id: seat.price_id }] });
    expect(same.body.plan.version).toBe(1);

    const repriced = await patchPlan(key, id, {
      line_items: [
        { price_id: seat.price_id, quantity: 2 },
        { name: 'Support', unit_amount: 500 },
      ],
      trial_period_days: 7,
    });
    expect(repriced.status, repriced.text).toBe(200);
    expect(repriced.body.plan).toMatchObject({ version: 2, trial_period_days: 7 });
    expect(repriced.body.plan.line_items).toHaveLength(2);

    // Price lines under a new interval must be given again, of that interval.
    const interval = await patchPlan(key, id, { interval: 'year' });
    expectError(interval, 422, 'validation_error', 'price_interval_mismatch', [
      ['plan', 'interval'],
    ]);
    const currency = await patchPlan(key, id, { currency: 'EUR' });
    expectError(currency, 422, 'validation_error', 'parameter_invalid', [['plan', 'line_items']]);
    const archived = await patchPlan(key, id, { active: false });
    expect(archived.body.plan).toMatchObject({ active: false, version: 2 });

    const versions = await request(server, 'GET', `/v1/plans/${id}/versions`, { key });
    expect(versions.status, versions.text).toBe(200);
    expect(versions.body.plan_versions.map((v: any) => v.version)).toEqual([2, 1]);
    const first = await request(server, 'GET', `/v1/plans/${id}/versions/1`, { key });
    expect(first.body).toEqual({
      plan_version: {
        plan_version_id: expect.stringMatching(/^planv_[0-9a-z]{26}$/),
        object: 'plan_version',
        plan_id: id,
        version: 1,
        currency: 'USD',
        interval: 'month',
        interval_count: 1,
        trial_period_days: null,
        line_items: created.line_items,
        test_mode: true,
        created_at: created.created_at,
        updated_at: created.created_at,
      },
    });
    expect(versions.body.plan_versions[1]).toEqual(first.body.plan_version);
    const missingVersion = await request(server, 'GET', `/v1/plans/${id}/versions/3`, { key });
    expectMissing(missingVersion, 'plan version');

    const updates = await request(server, 'GET', '/v1/events?type=plan.updated', { key });
    const latest = updates.body.events[0].data;
    expect(latest.previous_attributes).toEqual({ active: true });
  });

  it('answers another tenant’s or mode’s plan as missing, and replays an idempotent create', async () => {
    const { testKey: key, liveKey } = await createTestAccount(server);
    const { testKey: other } = await createTestAccount(server);
    const fields = {
      name: 'Solo',
      currency: 'USD',
      interval: 'day',
      interval_count: 30,
      line_items: [adHoc],
    };
    const first = await createPlan(key, fields, 'plan-once');
    const again = await createPlan(key, fields, 'plan-once');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    expect((await list(server, key, 'plans')).plans).toHaveLength(1);
    const id = first.body.plan.plan_id;

    for (const k of [other, liveKey]) {
      expectMissing(await request(server, 'GET', `/v1/plans/${id}`, { key: k }), 'plan');
      expectMissing(await patchPlan(k, id, { name: 'x' }), 'plan');
      expectMissing(await request(server, 'GET', `/v1/plans/${id}/versions`, { key: k }), 'plan');
      expectMissing(await request(server, 'GET', `/v1/plans/${id}/versions/1`, { key: k }), 'plan');
      expect((await list(server, k, 'plans')).plans).toEqual([]);
    }
    // Another tenant's price is no price at all.
    const foreign = await price(other, { unit_amount: 100 });
    const res = await createPlan(key, {
      ...fields,
      interval: 'month',
      interval_count: 1,
      line_items: [{ price_id: foreign.price_id }],
    });
    expectMissing(res, 'price', ['plan', 'line_items', 0, 'price_id']);
  });
});
