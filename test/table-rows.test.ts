import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import type { CouponRow, Database } from '../src/adapters/db/schema.js';
import { scoped } from '../src/adapters/db/scoped.js';
import { tableRows } from '../src/adapters/db/table-rows.js';

// Compiled only (no database): each statement must be, to the byte, the one the
// repositories wrote by hand before tableRows (prepared statements depend on the text).
const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const tenant = { accountId: 'acct_1', mode: 'test' } as const;
const at = new Date(0);
const coupons = tableRows('coupons', { json: ['applies_to', 'metadata'] });
const endpoints = tableRows('webhook_endpoints', {
  json: ['enabled_events', 'metadata'],
  live: true,
});

const coupon: CouponRow = {
  id: 'co_1',
  account_id: 'acct_1',
  mode: 'test',
  code: 'SAVE',
  name: null,
  percent_off: '10',
  amount_off: null,
  currency: null,
  max_redemptions: null,
  times_redeemed: 0,
  redeem_by: null,
  min_subtotal: null,
  applies_to: null,
  stackable: false,
  active: true,
  metadata: { a: 'b' },
  created_at: at,
  updated_at: at,
};

describe('tableRows', () => {
  it('inserts JSON columns as text in their place, and a null JSON column as null', () => {
    for (const applies_to of [null, ['prod_1']]) {
      const row = { ...coupon, applies_to };
      const written = db
        .insertInto('coupons')
        .values({
          ...row,
          applies_to: applies_to === null ? null : JSON.stringify(applies_to),
          metadata: JSON.stringify(row.metadata),
        })
        .compile();
      const helper = coupons.insertQuery(db, row).compile();
      expect(helper.sql).toBe(written.sql);
      expect(helper.parameters).toEqual(written.parameters);
    }
    expect(coupons.insertQuery(db, coupon).compile().parameters).toContain(null);
  });

  it('updates the columns given, JSON ones last as text, scoped to the tenant and the id', () => {
    const changes = { enabled_events: ['*'], url: 'https://x.test', updated_at: at };
    const written = db
      .updateTable('webhook_endpoints')
      .set({ url: changes.url, updated_at: at, enabled_events: JSON.stringify(['*']) })
      .$call(scoped(tenant))
      .where('id', '=', 'we_1')
      .compile();
    const helper = endpoints.updateQuery(db, tenant, 'we_1', changes).compile();
    expect(helper.sql).toBe(written.sql);
    expect(helper.parameters).toEqual(written.parameters);
    expect(helper.sql).not.toContain('"metadata"');
  });

  it('reads only live rows of the tenant when the table has deletions', () => {
    const written = db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .$call(scoped(tenant))
      .where('deleted_at', 'is', null)
      .compile();
    expect(endpoints.rows(db, tenant).compile().sql).toBe(written.sql);
    expect(coupons.rows(db, tenant).compile().sql).toBe(
      'select * from "coupons" where "account_id" = $1 and "mode" = $2',
    );
  });
});
