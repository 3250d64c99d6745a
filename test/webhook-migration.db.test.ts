import { Migrator, sql } from 'kysely';
import { expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../src/adapters/db/database.js';
import { migrationProvider } from '../src/adapters/db/migrations/index.js';

it('migration 0010 counts the events written before webhooks existed as dispatched', async () => {
  const handle = await openDatabase({ dataDir: 'memory://' });
  try {
    const { db } = handle;
    const migrated = await new Migrator({ db, provider: migrationProvider }).migrateTo(
      '0008-performance-indexes',
    );
    expect(migrated.error).toBeUndefined();
    const at = new Date('2026-01-02T03:04:05Z');
    await sql`insert into accounts (id, name, default_currency, created_at, updated_at)
      values ('acct_old', 'Old', 'USD', ${at}, ${at})`.execute(db);
    await sql`insert into events (id, account_id, mode, type, object_type, object_id, actor_type,
      data, created_at) values ('evt_old', 'acct_old', 'test', 'order.created', 'order',
      'ord_old', 'system', '{}', ${at})`.execute(db);

    expect(await migrateToLatest(db)).toContain('0010-webhooks');
    await sql`insert into events (id, account_id, mode, type, object_type, object_id, actor_type,
      data, created_at, sequence) values ('evt_new', 'acct_old', 'test', 'order.created', 'order',
      'ord_old', 'system', '{}', ${at}, 2)`.execute(db);
    const rows = await db
      .selectFrom('events')
      .select(['id', 'dispatched_at'])
      .orderBy('id', 'desc')
      .execute();
    expect(rows.map((r) => [r.id, r.dispatched_at === null])).toEqual([
      ['evt_old', false],
      ['evt_new', true],
    ]);
  } finally {
    await handle.close();
  }
});
