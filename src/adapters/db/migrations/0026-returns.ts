import { type Kysely, sql } from 'kysely';
import { createTenantTable, indexOn, metadataAndTimestamps, tenantIdIndex } from './columns.js';

// Returns (RMA): what a buyer sends back from an order, and how it settles. Its lines
// (order line, quantity, and the credit each was given) are a JSON column read with it:
// they are never changed apart from the return. An exchange's new lines go on a
// follow-up order, credited with the return's credit (`orders.credit`, a pricing
// component after tax) and linked to the original (`orders.exchange_for_order_id`).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('orders')
    .addColumn('credit', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`credit >= 0`))
    .execute();
  await db.schema
    .alterTable('orders')
    .addColumn('exchange_for_order_id', 'text', (c) => c.references('orders.id'))
    .execute();

  await createTenantTable(db, 'returns')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('restock', 'boolean', (c) => c.notNull())
    .addColumn('refund_on', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('credit', 'bigint', (c) => c.notNull().check(sql`credit >= 0`))
    .addColumn('line_items', 'jsonb', (c) => c.notNull())
    .addColumn('exchange_line_items', 'jsonb', (c) => c.notNull())
    .addColumn('exchange_order_id', 'text', (c) => c.references('orders.id'))
    .addColumn('refund_id', 'text')
    .addColumn('credit_refund_id', 'text')
    .addColumn('settled_at', 'timestamptz')
    .addColumn('received_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('canceled_at', 'timestamptz')
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'returns').execute();
  await indexOn(db, 'returns', 'order', ['order_id', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('returns').execute();
  await db.schema.alterTable('orders').dropColumn('exchange_for_order_id').execute();
  await db.schema.alterTable('orders').dropColumn('credit').execute();
}
