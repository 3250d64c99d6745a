import { type Kysely, sql } from 'kysely';
import {
  createTenantTable,
  indexOn,
  metadataAndTimestamps,
  tenantColumns,
  tenantIdIndex,
} from './columns.js';

// Recovery links: a hosted page that collects an order's balance. The amount is the
// order's balance when the buyer pays (read with the order), never copied here. A link made
// by automatic recovery names what it recovers (`source_id`: the expired checkout session,
// the abandoned payment), unique per account and mode, so it is made once.
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTenantTable(db, 'recovery_links')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('expired_at', 'timestamptz')
    .addColumn('deactivated_at', 'timestamptz')
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'recovery_links').execute();
  await indexOn(db, 'recovery_links', 'order', ['order_id', 'status']).execute();
  await indexOn(db, 'recovery_links', 'source', ['account_id', 'mode', 'source_id'])
    .unique()
    .where(sql.ref('source_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('recovery_settings')
    .$call(tenantColumns)
    .addColumn('automatic_recovery', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('recovery_settings_pkey', ['account_id', 'mode'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('recovery_settings').execute();
  await db.schema.dropTable('recovery_links').execute();
}
