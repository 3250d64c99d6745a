import { Flint, FlintValidationError } from 'flint-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, startTestServer, type TestServer } from './harness.js';

// flint.plans against the real server: camelCase in and out, versions.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('flint.plans (SDK)', () => {
  it('creates, updates into a new version, lists and reads versions', async () => {
    const { testKey } = await createTestAccount(server);
    const flint = new Flint(testKey, { baseUrl: server.url });
    const product = await flint.products.create({ name: 'Seat' });
    const seat = await flint.prices.create({
      productId: product.id,
      unitAmount: 1500,
      currency: 'usd',
      recurring: { interval: 'month' },
    });
    const plan = await flint.plans.create({
      name: 'Team',
      currency: 'usd',
      interval: 'month',
      trialPeriodDays: 14,
      lineItems: [{ priceId: seat.id }, { name: 'Base fee', unitAmount: 4900, perSeat: false }],
      metadata: { planKey: 'team' },
    });
    expect(plan).toMatchObject({
      id: plan.planId,
      version: 1,
      trialPeriodDays: 14,
      lineItems: [
        { unitAmount: 1500, perSeat: true, priceId: seat.id },
        { unitAmount: 4900, perSeat: false, priceId: null },
      ],
      metadata: { planKey: 'team' },
    });
    const yearlyPrice = await flint.prices.create({
      productId: product.id,
      unitAmount: 15000,
      currency: 'usd',
      recurring: { interval: 'year' },
    });
    await expect(
      flint.plans.update(plan.id, { lineItems: [{ priceId: yearlyPrice.id }] }),
    ).rejects.toBeInstanceOf(FlintValidationError);
    const v2 = await flint.plans.update(plan.id, {
      interval: 'year',
      lineItems: [{ priceId: yearlyPrice.id }],
    });
    expect(v2.version).toBe(2);
    expect((await flint.plans.get(plan.id)).interval).toBe('year');
    expect((await flint.plans.list({ active: true })).data.map((p) => p.id)).toEqual([plan.id]);
    const versions = (await flint.plans.versions(plan.id)).data;
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    const first = await flint.plans.version(plan.id, 1);
    expect(first).toMatchObject({
      id: first.planVersionId,
      interval: 'month',
      lineItems: plan.lineItems,
    });
  });
});
