import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, pendingMigrations } from '../src/adapters/db/database.js';
import { testDatabase } from './harness.js';

describe('database (the worker database: PGlite, or PostgreSQL with DATABASE_URL)', () => {
  it('is fully migrated and migrating again is a no-op', async () => {
    const { db } = await testDatabase();
    expect(await pendingMigrations(db)).toEqual([]);
    expect(await migrateToLatest(db)).toEqual([]);
  });

  it('returns bigint columns as exact JS numbers up to the largest amount', async () => {
    const { db } = await testDatabase();
    const { rows } = await sql<{ max: unknown; zero: unknown; negative: unknown }>`
      select 99999999999::int8 as max, 0::int8 as zero, (-99999999999)::int8 as negative`.execute(
      db,
    );
    expect(rows[0]).toEqual({ max: 99_999_999_999, zero: 0, negative: -99_999_999_999 });
  });

  it('refuses a bigint that a JS number cannot hold exactly instead of rounding it', async () => {
    const { db } = await testDatabase();
    await expect(sql`select 9007199254740993::int8 as n`.execute(db)).rejects.toThrow(RangeError);
  });

  it('runs transactions with row locks, rolling back on error', async () => {
    const { db, kind } = await testDatabase();
    expect(['pglite', 'postgres']).toContain(kind);
    const key = `test-${Math.random()}`;
    await expect(
      db.transaction().execute(async (tx) => {
        await tx.insertInto('settings').values({ key, value: 'x' }).execute();
        await tx.selectFrom('settings').selectAll().where('key', '=', key).forUpdate().execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const row = await db
      .selectFrom('settings')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });
});
