import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database } from '../schema.js';
import type { TestClockRow } from '../schema-test-clocks.js';
import { scoped } from '../scoped.js';
import { type ListRows, tableRows } from '../table-rows.js';

const clocks = tableRows('test_clocks', { json: ['metadata'], live: true });

/**
 * A subquery: the frozen time of the test clock the customer of the order `orderId` (a
 * column) lives on — test mode only, null for none — to read beside that order or its refund,
 * in the same statement.
 */
export function orderClockTimeSql(orderIdColumn: string) {
  return sql<Date | string | null>`(select tc.frozen_time from orders o
    join customers c on c.id = o.customer_id and c.account_id = o.account_id and c.mode = o.mode
    join test_clocks tc on tc.id = c.test_clock_id and tc.account_id = c.account_id
      and tc.mode = c.mode
    where o.id = ${sql.ref(orderIdColumn)} and o.mode = 'test')`;
}

/** A clock time read with `orderClockTimeSql`, as a date. */
export function clockTimeOf(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}

/** The insert of a new clock, to run with its event. */
export const insertTestClockQuery = clocks.insertQuery;
export const selectTestClockById = clocks.byId;
/** Reads a clock and locks its row until the transaction ends. */
export const lockTestClockById = clocks.lockById;
/** The update of a clock, to run with its event. */
export const updateTestClockQuery = clocks.updateQuery;
export const listTestClocks: ListRows<Record<never, never>, TestClockRow> = clocks.list;

/**
 * Marks the clock `advancing` to `to`, leased for `leaseMs` by the database's clock, unless
 * another advance holds it (advancing, its lease not run out): then undefined. One
 * statement, so two advances of one clock can never both take it.
 */
export async function claimTestClockAdvance(
  db: Kysely<Database>,
  tenant: Tenant,
  { id, to, leaseMs, now }: { id: string; to: Date; leaseMs: number; now: Date },
): Promise<TestClockRow | undefined> {
  const row = await db
    .updateTable('test_clocks')
    .set({
      status: 'advancing',
      advance_to: to,
      advance_until: sql<Date>`now() + ${leaseMs} * interval '1 millisecond'`,
      updated_at: now,
    })
    .$call(scoped(tenant))
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where((eb) =>
      eb.or([eb('status', '<>', 'advancing'), eb('advance_until', '<=', sql<Date>`now()`)]),
    )
    .returningAll()
    .executeTakeFirst();
  return row as TestClockRow | undefined;
}

/** Soft-deletes the customers living on a clock (their past orders still resolve). */
export function deleteClockCustomersQuery(
  db: Kysely<Database>,
  tenant: Tenant,
  { clockId, now }: { clockId: string; now: Date },
) {
  return db
    .updateTable('customers')
    .set({ deleted_at: now, updated_at: now })
    .$call(scoped(tenant))
    .where('test_clock_id', '=', clockId)
    .where('deleted_at', 'is', null);
}

/** Cancels the clock's jobs not yet finished: a deleted clock's time never comes. */
export function cancelClockJobsQuery(db: Kysely<Database>, tenant: Tenant, clockId: string) {
  return db
    .updateTable('due_jobs')
    .set({
      status: 'canceled',
      locked_until: null,
      finished_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .$call(scoped(tenant))
    .where('clock_id', '=', clockId)
    .where('status', 'in', ['scheduled', 'running']);
}

/** A clock's time, deleted or not (a late job of a deleted clock still has its time). */
export async function selectTestClockTime(
  db: Kysely<Database>,
  tenant: Tenant,
  id: string,
): Promise<Date | undefined> {
  const row = await db
    .selectFrom('test_clocks')
    .select('frozen_time')
    .$call(scoped(tenant))
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.frozen_time;
}

/**
 * The test clock an order's customer lives on, and its time; undefined when the order has
 * no customer, or one in real time. One statement.
 */
export async function selectOrderClockTime(
  db: Kysely<Database>,
  tenant: Tenant,
  orderId: string,
): Promise<{ readonly id: string; readonly frozen_time: Date } | undefined> {
  return db
    .selectFrom('orders')
    .innerJoin('customers', (join) =>
      join
        .onRef('customers.id', '=', 'orders.customer_id')
        .onRef('customers.account_id', '=', 'orders.account_id')
        .onRef('customers.mode', '=', 'orders.mode'),
    )
    .innerJoin('test_clocks', (join) =>
      join
        .onRef('test_clocks.id', '=', 'customers.test_clock_id')
        .onRef('test_clocks.account_id', '=', 'customers.account_id')
        .onRef('test_clocks.mode', '=', 'customers.mode'),
    )
    .select(['test_clocks.id', 'test_clocks.frozen_time'])
    .where('orders.account_id', '=', tenant.accountId)
    .where('orders.mode', '=', tenant.mode)
    .where('orders.id', '=', orderId)
    .executeTakeFirst();
}
