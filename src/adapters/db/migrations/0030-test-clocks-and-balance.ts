import { type Kysely, sql } from 'kysely';
import { createTenantTable, indexOn, metadataAndTimestamps, tenantIdIndex } from './columns.js';

// Test clocks: a test-mode time of its own (`frozen_time`) that customers made on it live
// in; their scheduled work carries the clock's id (`due_jobs.clock_id`) and runs when the
// clock is advanced. `advance_until` is the database-time lease of the advance under way
// (status `advancing`): a second advance waits for it to end or run out (its process died).
// Deleted clocks are kept (`deleted_at`), as are their customers.
//
// A customer's credit balance (`balance`, negative = credit the customer has, as Stripe
// has it; `currency` set by its first balance transaction) changes only with a row of
// `customer_balance_transactions`, written in the same transaction under the customer's
// lock: the balance is always the sum of its transactions.
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTenantTable(db, 'test_clocks')
    .addColumn('name', 'text')
    .addColumn('frozen_time', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('ready', 'advancing', 'internal_failure')`),
    )
    .addColumn('advance_to', 'timestamptz')
    .addColumn('advance_until', 'timestamptz')
    .addColumn('deletes_after', 'timestamptz', (c) => c.notNull())
    .addColumn('deleted_at', 'timestamptz')
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'test_clocks').execute();

  await db.schema
    .alterTable('customers')
    .addColumn('test_clock_id', 'text', (c) => c.references('test_clocks.id'))
    .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('currency', 'text')
    .execute();
  await indexOn(db, 'customers', 'test_clock', ['test_clock_id'])
    .where(sql<boolean>`test_clock_id is not null`)
    .execute();

  await createTenantTable(db, 'customer_balance_transactions')
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount <> 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('ending_balance', 'bigint', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('order_id', 'text')
    .addColumn('invoice_id', 'text')
    .$call(metadataAndTimestamps)
    // Checked at commit: an order takes credit in the transaction that writes it, before it.
    .addForeignKeyConstraint(
      'customer_balance_transactions_order',
      ['order_id'],
      'orders',
      ['id'],
      (c) => c.deferrable().initiallyDeferred(),
    )
    .execute();
  await tenantIdIndex(db, 'customer_balance_transactions').execute();
  await indexOn(db, 'customer_balance_transactions', 'customer', [
    'account_id',
    'mode',
    'customer_id',
    'id',
  ]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('customer_balance_transactions').execute();
  await db.schema.alterTable('customers').dropColumn('currency').execute();
  await db.schema.alterTable('customers').dropColumn('balance').execute();
  await db.schema.alterTable('customers').dropColumn('test_clock_id').execute();
  await db.schema.dropTable('test_clocks').execute();
}
