import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from './schema.js';
import { scoped } from './scoped.js';

// Compiled only (no database): the statement text must be what the two `where`s gave.
const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const tenant = { accountId: 'acct_1', mode: 'test' } as const;

describe('scoped', () => {
  it('adds account_id and mode in place, as the two wheres it replaces', () => {
    const query = db.selectFrom('orders').selectAll().where('id', '=', 'o_1');
    const written = query
      .where('account_id', '=', 'acct_1')
      .where('mode', '=', 'test')
      .forNoKeyUpdate()
      .compile();
    const helped = query.$call(scoped(tenant)).forNoKeyUpdate().compile();
    expect(helped.sql).toBe(written.sql);
    expect(helped.sql).toBe(
      'select * from "orders" where "id" = $1 and "account_id" = $2 and "mode" = $3 for no key update',
    );
    expect(helped.parameters).toEqual(['o_1', 'acct_1', 'test']);
  });

  it('qualifies the columns with a table alias, in updates too', () => {
    const joined = db
      .selectFrom('webhook_deliveries as d')
      .select('d.id')
      .$call(scoped(tenant, 'd'))
      .compile();
    expect(joined.sql).toBe(
      'select "d"."id" from "webhook_deliveries" as "d" where "d"."account_id" = $1 and "d"."mode" = $2',
    );
    const update = db.updateTable('orders').set({ status: 'PAID' }).$call(scoped(tenant)).compile();
    expect(update.sql).toBe(
      'update "orders" set "status" = $1 where "account_id" = $2 and "mode" = $3',
    );
    expect(update.parameters).toEqual(['PAID', 'acct_1', 'test']);
  });
});
