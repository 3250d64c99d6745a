import { type Kysely, sql } from 'kysely';
import { createTenantTable, indexOn, metadataAndTimestamps, tenantIdIndex } from './columns.js';

// Checkout sessions: a hosted way to pay one order.
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTenantTable(db, 'checkout_sessions')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('open', 'complete', 'expired')`),
    )
    .addColumn('success_url', 'text', (c) => c.notNull())
    .addColumn('cancel_url', 'text')
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'checkout_sessions').execute();
  await indexOn(db, 'checkout_sessions', 'order', ['order_id', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('checkout_sessions').execute();
}
