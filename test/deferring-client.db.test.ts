import type { Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeferringClient, SENT_WITH_NEXT_TEXT } from '../src/adapters/db/deferring-client.js';

// PostgreSQL only (PGlite has no connections to pipeline on).
describe.skipIf(!process.env.DATABASE_URL)('DeferringClient', () => {
  let pool: pg.Pool;
  let client: pg.PoolClient;
  let other: pg.Client;
  const marked = (text: string) => `${text} ${SENT_WITH_NEXT_TEXT}`;
  const socketOf = (c: pg.PoolClient) =>
    (c as unknown as { connection: { stream: Socket } }).connection.stream;

  beforeAll(async () => {
    pool = new pg.Pool({
      connectionString: process.env.DATABASE_URL,
      max: 1,
      Client: DeferringClient,
      pipeline: true,
    });
    client = await pool.connect();
    other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    await other.query('create table if not exists deferring_probe (id int primary key, n int)');
    await other.query(
      'insert into deferring_probe values (1, 0) on conflict (id) do update set n = 0',
    );
  });
  afterAll(async () => {
    client.release();
    await pool.end();
    await other.end();
  });

  it('holds back begin and a marked lock, and sends them with the next statement', async () => {
    expect(await client.query('begin')).toMatchObject({ rows: [] });
    expect(client.getTransactionStatus()).toBe('T');
    const lock = await client.query(
      marked('select id from deferring_probe where id = $1 for update'),
      [1],
    );
    expect(lock.rows).toEqual([]); // its answer is not read
    // Nothing was sent yet: both statements wait, written but corked, in the socket.
    // (Checked in the same turn: asking another connection would let the turn end,
    // and the end of the turn sends them, racing that connection to the lock.)
    expect(socketOf(client).writableCorked).toBe(1);
    expect(socketOf(client).writableLength).toBeGreaterThan(0);
    const read = await client.query('select n from deferring_probe where id = $1', [1]);
    expect(read.rows).toEqual([{ n: 0 }]);
    // Now it holds the lock, in its transaction.
    await expect(
      other.query('select id from deferring_probe where id = 1 for update nowait'),
    ).rejects.toMatchObject({ code: '55P03' });
    await client.query('commit');
    expect(client.getTransactionStatus()).toBe('I');
    await other.query('select id from deferring_probe where id = 1 for update nowait');
  });

  it('a held-back statement that failed fails the one it went with; rollback still works', async () => {
    await client.query('begin');
    await client.query(marked('select id from no_such_table where id = $1 for update'), [1]);
    await expect(client.query('select 1 as one')).rejects.toMatchObject({ code: '42P01' });
    await client.query('rollback');
    expect((await client.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
  });

  it('sends what was held back on its own when nothing follows', async () => {
    await client.query('begin');
    await client.query(marked('update deferring_probe set n = n + 1 where id = $1'), [1]);
    // Sent alone at the end of the turn: the lock comes to be held with nothing else sent.
    // (Polled, not timed: a loaded server may take a while to run it.)
    await expect
      .poll(
        () =>
          other.query('select id from deferring_probe where id = 1 for update nowait').then(
            () => 'free',
            (error: { code?: string }) => error.code,
          ),
        { timeout: 10_000, interval: 20 },
      )
      .toBe('55P03');
    expect(socketOf(client).writableCorked).toBe(0);
    await client.query('commit');
    expect((await other.query('select n from deferring_probe where id = 1')).rows).toEqual([
      { n: 1 },
    ]);
  });

  it('outside a transaction a marked statement is sent at once, with its own answer', async () => {
    expect(client.getTransactionStatus()).toBe('I');
    const answer = await client.query(marked('select $1::int as one'), [1]);
    expect(answer.rows).toEqual([{ one: 1 }]);
    await expect(
      client.query(marked('select * from no_such_table where id = $1'), [1]),
    ).rejects.toMatchObject({
      code: '42P01',
    });
    expect((await client.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
  });
});
