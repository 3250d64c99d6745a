import { type Kysely, sql } from 'kysely';
import { createTenantTable, indexOn, metadataAndTimestamps, tenantIdIndex } from './columns.js';

// Payment intents: one attempt to collect (part of) an order's balance.
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTenantTable(db, 'payment_intents')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`status in ('requires_payment_method', 'requires_action', 'processing', 'succeeded', 'failed', 'canceled')`,
        ),
    )
    .addColumn('processor', 'text', (c) => c.notNull())
    .addColumn('processor_payment_id', 'text')
    .addColumn('latest_charge', 'text')
    .addColumn('amount_received', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('buyer_email', 'text')
    // Whether this payment settles the order: stock and coupon redemptions were reserved
    // for it before the charge, and are given back if the charge fails.
    .addColumn('completes_order', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('failure_code', 'text')
    .addColumn('failure_message', 'text')
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'payment_intents').execute();
  await indexOn(db, 'payment_intents', 'order_id', ['order_id', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('payment_intents').execute();
}
