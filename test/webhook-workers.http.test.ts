import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { dispatchEvents } from '../src/app/webhooks/webhook-dispatch.js';
import { claimDeliveries } from '../src/app/webhooks/webhook-send.js';
import { systemClock } from '../src/ports/clock.js';
import { testDatabase } from './harness.js';
import { WebhookTestBed } from './webhook-fixtures.js';
import { waitFor } from './webhook-receiver.js';

const bed = new WebhookTestBed();
beforeAll(() => bed.start());
afterEach(() => bed.cleanUp());
afterAll(() => bed.server.close());

it('two workers side by side send each delivery exactly once', async () => {
  const account = await bed.account();
  const receiver = await bed.receiver(() => ({ status: 200, delayMs: 10 }));
  const endpoint = await bed.endpoint(account.testKey, { url: receiver.url });
  const orders = 40;
  await Promise.all(Array.from({ length: orders }, (_, i) => bed.order(account.testKey, `#${i}`)));
  await Promise.all([bed.worker(account), bed.worker(account)]);
  await waitFor('every delivery', () => receiver.received.length >= orders, 30_000);
  await sleep(300); // a duplicate would arrive now

  const ids = receiver.received.map((r) => r.headers['webhook-id']);
  expect(ids).toHaveLength(orders);
  expect(new Set(ids).size).toBe(orders);
  const { db } = await testDatabase();
  const deliveries = await db
    .selectFrom('webhook_deliveries')
    .select(['status', 'attempt_count'])
    .where('endpoint_id', '=', endpoint.webhook_endpoint_id)
    .execute();
  expect(deliveries).toHaveLength(orders);
  expect(deliveries.every((d) => d.status === 'delivered' && d.attempt_count === 1)).toBe(true);
});

it('claims never overlap: concurrent claims split the due deliveries between them', async () => {
  const account = await bed.account();
  const receiver = await bed.receiver();
  await bed.endpoint(account.testKey, { url: receiver.url });
  await Promise.all(Array.from({ length: 30 }, (_, i) => bed.order(account.testKey, `#${i}`)));
  const { db } = await testDatabase();
  const deps = { db, clock: systemClock };
  const scope = { accountIds: [account.accountId] };
  while ((await dispatchEvents(deps, { scope, batch: 7 })) > 0);

  const claims = await Promise.all(
    Array.from({ length: 6 }, () => claimDeliveries(deps, { scope, limit: 10, leaseMs: 60_000 })),
  );
  const ids = claims.flat().map((c) => c.delivery.id);
  expect(ids).toHaveLength(30);
  expect(new Set(ids).size).toBe(30);
  // Leased: nothing more to claim until the leases run out.
  expect(await claimDeliveries(deps, { scope, limit: 10, leaseMs: 60_000 })).toEqual([]);
  expect(receiver.received).toEqual([]);
});

it("takes over a crashed worker's deliveries once its lease has run out", async () => {
  const account = await bed.account();
  const receiver = await bed.receiver();
  await bed.endpoint(account.testKey, { url: receiver.url });
  await bed.order(account.testKey);
  const { db } = await testDatabase();
  const deps = { db, clock: systemClock };
  const scope = { accountIds: [account.accountId] };
  await dispatchEvents(deps, { scope, batch: 10 });
  // A worker claims the delivery, then dies before sending it.
  const [claimed] = await claimDeliveries(deps, { scope, limit: 10, leaseMs: 2000 });
  expect(claimed).toBeDefined();
  await bed.worker(account);
  await sleep(150);
  expect(receiver.received).toEqual([]); // still leased
  await waitFor('the takeover', () => receiver.received.length === 1);
  expect(receiver.received[0]?.headers['webhook-id']).toBe(claimed?.event.id);
});

it("keeps leases by the database's clock: a worker whose clock runs an hour fast takes nothing held", async () => {
  const account = await bed.account();
  const receiver = await bed.receiver();
  await bed.endpoint(account.testKey, { url: receiver.url });
  await bed.order(account.testKey);
  const { db } = await testDatabase();
  const scope = { accountIds: [account.accountId] };
  const onTime = { db, clock: systemClock };
  const fast = { db, clock: { now: () => new Date(Date.now() + 3600_000) } };
  await dispatchEvents(onTime, { scope, batch: 10 });
  const [held] = await claimDeliveries(onTime, { scope, limit: 10, leaseMs: 60_000 });
  expect(held).toBeDefined();
  // By its own clock the lease ran out long ago; by the database's it has a minute to go.
  expect(await claimDeliveries(fast, { scope, limit: 10, leaseMs: 60_000 })).toEqual([]);
  const [row] = await db
    .selectFrom('webhook_deliveries')
    .select('locked_until')
    .where('id', '=', held?.delivery.id ?? '')
    .execute();
  expect(row?.locked_until).toEqual(held?.delivery.locked_until);
});
