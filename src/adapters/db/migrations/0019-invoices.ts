import { type Kysely, sql } from 'kysely';
import {
  createTenantTable,
  indexOn,
  metadataAndTimestamps,
  tenantColumns,
  tenantIdIndex,
} from './columns.js';

// Invoices: a formal request to pay an order's balance. The amounts are the order's (read
// with it), never copied here. Numbers come from one counter row per account and mode,
// updated in the finalizing transaction: a rollback gives the number back (a sequence
// would leave a gap), and a voided invoice keeps its number.
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTenantTable(db, 'invoices')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('customer_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('number', 'text')
    .addColumn('collection_method', 'text', (c) => c.notNull())
    .addColumn('days_until_due', 'integer', (c) => c.check(sql`days_until_due >= 0`))
    .addColumn('due_date', 'timestamptz')
    .addColumn('allow_partial_payments', 'boolean', (c) => c.notNull())
    .addColumn('requires_approval', 'boolean', (c) => c.notNull())
    .addColumn('memo', 'text')
    .addColumn('footer', 'text')
    .addColumn('customer_details', 'jsonb')
    .addColumn('seller_details', 'jsonb')
    .addColumn('rejection_reason', 'text')
    .addColumn('approval_requested_at', 'timestamptz')
    .addColumn('approved_at', 'timestamptz')
    .addColumn('rejected_at', 'timestamptz')
    .addColumn('finalized_at', 'timestamptz')
    .addColumn('paid_at', 'timestamptz')
    .addColumn('voided_at', 'timestamptz')
    .addColumn('marked_uncollectible_at', 'timestamptz')
    .addColumn('hosted_token', 'text', (c) => c.notNull().unique())
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'invoices').execute();
  // One invoice per order at a time: a voided one frees the order for another.
  await indexOn(db, 'invoices', 'order_live', ['order_id'])
    .unique()
    .where(sql.ref('status'), '<>', 'void')
    .execute();
  await indexOn(db, 'invoices', 'number', ['account_id', 'mode', 'number'])
    .unique()
    .where(sql.ref('number'), 'is not', null)
    .execute();

  await db.schema
    .createTable('invoice_settings')
    .$call(tenantColumns)
    .addColumn('number_prefix', 'text', (c) => c.notNull())
    .addColumn('last_number', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('approval_required', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('invoice_settings_pkey', ['account_id', 'mode'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('invoice_settings').execute();
  await db.schema.dropTable('invoices').execute();
}
