import { type Kysely, sql } from 'kysely';

// What itemized refunds took from each order line (amount and its tax), and the part of
// a refund's tax that was shipping's: the per-line and per-component refund limits.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('refund_line_items')
    .addColumn('refund_id', 'text', (c) => c.notNull().references('refunds.id'))
    .addColumn('line_item_id', 'text', (c) => c.notNull().references('order_line_items.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('amount_tax', 'bigint', (c) => c.notNull().check(sql`amount_tax >= 0`))
    .addPrimaryKeyConstraint('refund_line_items_pk', ['refund_id', 'line_item_id'])
    .execute();
  await db.schema
    .alterTable('refunds')
    .addColumn('amount_shipping_tax', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('itemized', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('refunds')
    .dropColumn('amount_shipping_tax')
    .dropColumn('itemized')
    .execute();
  await db.schema.dropTable('refund_line_items').execute();
}
