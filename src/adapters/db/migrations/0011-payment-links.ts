import type { Kysely } from 'kysely';
import { createTenantTable, metadataAndTimestamps, tenantIdIndex } from './columns.js';

// Payment links: a shareable URL that makes an order and a checkout session per click.
// Their lines are a small fixed list read with the link, so they live in one JSON column.
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTenantTable(db, 'payment_links')
    .addColumn('active', 'boolean', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('line_items', 'jsonb', (c) => c.notNull())
    .addColumn('redirect_url', 'text')
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'payment_links').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('payment_links').execute();
}
