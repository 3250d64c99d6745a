import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_PREPARED_PER_CONNECTION,
  PreparingClient,
} from '../src/adapters/db/prepared-client.js';

// PostgreSQL only (PGlite has no connections to prepare on): one connection, so every
// call below runs in the same session.
describe.skipIf(!process.env.DATABASE_URL)('PreparingClient', () => {
  let pool: pg.Pool;
  let client: pg.PoolClient;
  beforeAll(async () => {
    pool = new pg.Pool({
      connectionString: process.env.DATABASE_URL,
      max: 1,
      Client: PreparingClient,
    });
    client = await pool.connect();
  });
  afterAll(async () => {
    client.release();
    await pool.end();
  });

  const prepared = async () =>
    (
      await client.query('select statement from pg_prepared_statements order by prepare_time')
    ).rows.map((r) => r.statement as string);

  it('prepares a parameterized statement once and reuses it; plain statements stay unnamed', async () => {
    const text = 'select $1::int + 1 as n';
    expect((await client.query(text, [1])).rows).toEqual([{ n: 2 }]);
    expect((await client.query(text, [41])).rows).toEqual([{ n: 42 }]);
    await client.query('select 1');
    expect((await prepared()).filter((s) => s === text)).toHaveLength(1);
    expect(await prepared()).not.toContain('select 1');
  });

  it('a statement whose result type changed under it is prepared anew', async () => {
    await client.query('create temp table prepared_probe (id int primary key)');
    await client.query('insert into prepared_probe values (1)');
    const text = 'select * from prepared_probe where id = $1';
    expect((await client.query(text, [1])).rows).toEqual([{ id: 1 }]);
    await client.query('alter table prepared_probe add column note text');
    // Outside a transaction: retried at once, then prepared anew.
    expect((await client.query(text, [1])).rows).toEqual([{ id: 1, note: null }]);
    expect((await client.query(text, [1])).rows).toEqual([{ id: 1, note: null }]);
    await client.query('alter table prepared_probe add column more text');
    // Inside one: the transaction is aborted, as any failed statement aborts it...
    await client.query('begin');
    await expect(client.query(text, [1])).rejects.toMatchObject({ code: '0A000' });
    await client.query('rollback');
    // ...and the next call prepares it anew; the stale ones are dropped from the server.
    expect((await client.query(text, [1])).rows).toEqual([{ id: 1, note: null, more: null }]);
    expect((await prepared()).filter((s) => s === text)).toHaveLength(1);
  });

  it('keeps at most MAX_PREPARED_PER_CONNECTION statements; the rest run unnamed', async () => {
    const before = (await prepared()).length;
    for (let i = 0; i < MAX_PREPARED_PER_CONNECTION + 10; i++) {
      expect((await client.query(`select $1::int + ${i} as n`, [1])).rows).toEqual([{ n: i + 1 }]);
    }
    expect(before).toBeLessThan(MAX_PREPARED_PER_CONNECTION);
    expect(await prepared()).toHaveLength(MAX_PREPARED_PER_CONNECTION);
  });
});
