import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../src/adapters/db/database.js';
import { migrationProvider } from '../src/adapters/db/migrations/index.js';
import { insertEvents } from '../src/adapters/db/repos/events-repo.js';
import { lockOrder } from '../src/adapters/db/repos/orders-repo.js';
import { transactValue } from '../src/adapters/db/transact.js';
import { objectEvent, SYSTEM_ACTOR } from '../src/app/events/record-events.js';
import type { Tenant } from '../src/domain/tenant.js';
import {
  createOrder,
  createTestAccount,
  startTestServer,
  type TestServer,
  testDatabase,
} from './harness.js';

// An event's `sequence` (its number among its object's events) under concurrent writers,
// on the worker's database (PostgreSQL when DATABASE_URL is set, where transactions really
// run at once): gapless 1..n and unique per object, and the database refuses a duplicate.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const eventAbout = (tenant: Tenant, objectId: string, n: number) =>
  objectEvent(
    { tenant, actor: SYSTEM_ACTOR },
    {
      type: 'order.updated',
      objectType: 'order',
      objectId,
      object: { n },
      now: new Date(),
    },
  );

async function sequencesOf(objectId: string): Promise<number[]> {
  const { db } = await testDatabase();
  const rows = await db
    .selectFrom('events')
    .select('sequence')
    .where('object_id', '=', objectId)
    .orderBy('sequence')
    .execute();
  return rows.map((r) => r.sequence);
}

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('event sequence numbers', () => {
  it('are gapless 1..n and unique per object with concurrent writers holding its lock', async () => {
    const { db } = await testDatabase();
    const { testKey: key, accountId } = await createTestAccount(server);
    const tenant: Tenant = { accountId, mode: 'test' };
    const orders = await Promise.all([1, 2, 3].map(async () => createOrder(server, key)));
    const ids = orders.map((o) => o.order_id);
    // 36 transactions at once, spread over three orders; every third writes two events
    // of its order in one insert.
    const writers = Array.from({ length: 36 }, (_, i) => {
      const orderId = ids[i % 3] as string;
      const events = i % 3 === 0 ? [i, i + 0.5] : [i];
      return transactValue(db, async (tx) => {
        await lockOrder(tx, tenant, orderId);
        await insertEvents(
          tx,
          events.map((n) => eventAbout(tenant, orderId, n)),
        );
      });
    });
    await Promise.all(writers);
    // order.created, then 12 writers each: the first order's write two events.
    expect(await sequencesOf(ids[0] as string)).toEqual(oneToN(1 + 24));
    expect(await sequencesOf(ids[1] as string)).toEqual(oneToN(1 + 12));
    expect(await sequencesOf(ids[2] as string)).toEqual(oneToN(1 + 12));
    // Two events written together are numbered in the order given.
    const pairs = await db
      .selectFrom('events')
      .select(['sequence', 'data'])
      .where('object_id', '=', ids[0] as string)
      .where('sequence', '>', 1)
      .orderBy('sequence')
      .execute();
    const given = pairs.map((row) => (row.data as { object: { n: number } }).object.n);
    for (let i = 0; i < given.length; i += 2) expect(given[i + 1]).toBe((given[i] ?? 0) + 0.5);
  });

  it('never repeat without the lock: the unique index refuses the second writer of a number', async () => {
    const { db } = await testDatabase();
    const { accountId } = await createTestAccount(server);
    const tenant: Tenant = { accountId, mode: 'test' };
    const objectId = `ord_unlocked${Math.random().toString(36).slice(2, 12)}`;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, n) =>
        transactValue(db, (tx) => insertEvents(tx, [eventAbout(tenant, objectId, n)])),
      ),
    );
    const written = outcomes.filter((o) => o.status === 'fulfilled').length;
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        // PostgreSQL: a writer that read the same highest number waits for the other's
        // commit, then is refused (nothing of it is written).
        expect(outcome.reason).toMatchObject({
          code: '23505',
          constraint: 'events_object_sequence',
        });
      }
    }
    expect(written).toBeGreaterThanOrEqual(1);
    expect(await sequencesOf(objectId)).toEqual(oneToN(written));

    const again = { ...eventAbout(tenant, objectId, 99) };
    await expect(
      db
        .insertInto('events')
        .values({ ...again, data: '{}', amounts_before: null, amounts_after: null, sequence: 1 })
        .execute(),
    ).rejects.toMatchObject({ code: '23505' });
  });
});

it('migration 0028 numbers the events already written per object, in id order', async () => {
  const handle = await openDatabase({ dataDir: 'memory://' });
  try {
    const { db } = handle;
    const migrated = await new Migrator({ db, provider: migrationProvider }).migrateTo(
      '0027-embedded-checkout',
    );
    expect(migrated.error).toBeUndefined();
    const at = new Date('2026-01-02T03:04:05Z');
    await sql`insert into accounts (id, name, default_currency, created_at, updated_at)
      values ('acct_old', 'Old', 'USD', ${at}, ${at})`.execute(db);
    const old = [
      ['evt_01', 'test', 'ord_a'],
      ['evt_02', 'test', 'ord_b'],
      ['evt_03', 'test', 'ord_a'],
      ['evt_04', 'live', 'ord_a'],
      ['evt_05', 'test', 'ord_a'],
      ['evt_06', 'test', 'ord_b'],
    ];
    for (const [id, mode, objectId] of old) {
      await sql`insert into events (id, account_id, mode, type, object_type, object_id,
        actor_type, data, created_at) values (${id}, 'acct_old', ${mode}, 'order.updated',
        'order', ${objectId}, 'system', '{}', ${at})`.execute(db);
    }

    expect(await migrateToLatest(db)).toContain('0028-event-sequence');
    const rows = await db.selectFrom('events').select(['id', 'sequence']).orderBy('id').execute();
    expect(rows.map((r) => `${r.id} #${r.sequence}`)).toEqual([
      'evt_01 #1',
      'evt_02 #1',
      'evt_03 #2',
      'evt_04 #1', // live mode's own
      'evt_05 #3',
      'evt_06 #2',
    ]);
    // New events continue each object's numbers.
    const tenant: Tenant = { accountId: 'acct_old', mode: 'test' };
    await insertEvents(db, [eventAbout(tenant, 'ord_a', 1), eventAbout(tenant, 'ord_b', 2)]);
    const next = await db
      .selectFrom('events')
      .select(['object_id', 'sequence'])
      .where(
        'id',
        'not in',
        old.map(([id]) => id as string),
      )
      .orderBy('object_id')
      .execute();
    expect(next).toEqual([
      { object_id: 'ord_a', sequence: 4 },
      { object_id: 'ord_b', sequence: 3 },
    ]);
  } finally {
    await handle.close();
  }
}, 60_000);
