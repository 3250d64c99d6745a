import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertEvents } from '../src/adapters/db/repos/events-repo.js';
import { objectEvent } from '../src/app/events/record-events.js';
import { dispatchEvents } from '../src/app/webhooks/webhook-dispatch.js';
import { WebhookTestBed } from './webhook-fixtures.js';

const bed = new WebhookTestBed();
beforeAll(() => bed.start());
afterAll(async () => {
  await bed.cleanUp();
  await bed.server.close();
});

// 200 events × 25 endpoints = 5000 deliveries: more rows than one insert's 65,535
// parameters can carry (14 columns each). The fan-out must still go through.
it('fans a batch out to more deliveries than one statement can insert', async () => {
  const account = await bed.account();
  for (let i = 0; i < 25; i++) {
    await bed.endpoint(account.testKey, { url: `http://127.0.0.1:9/${i}`, enabled_events: ['*'] });
  }
  const tenant = { accountId: account.accountId, mode: 'test' as const };
  const now = new Date();
  const events = Array.from({ length: 200 }, (_, i) =>
    objectEvent(
      { tenant, actor: { type: 'system', id: null } },
      {
        type: 'order.updated',
        objectType: 'order',
        objectId: `ord_fanout_${i}`,
        object: { n: i },
        now,
      },
    ),
  );
  await insertEvents(bed.server.deps.db, events);
  const scope = { accountIds: [account.accountId] };
  expect(await dispatchEvents(bed.server.deps, { scope, batch: 200 })).toBe(200);
  const { count } = await bed.server.deps.db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', account.accountId)
    .executeTakeFirstOrThrow();
  expect(Number(count)).toBe(200 * 25);
  expect(await dispatchEvents(bed.server.deps, { scope, batch: 200 })).toBe(0);
}, 120_000);
