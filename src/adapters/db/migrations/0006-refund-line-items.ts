import { type Kysely, sql } from 'kysely';

// What itemized refunds took from each order line (amount and its tax), and the part of
// a refund's tax that was shipping's: the per-line and per-component refund limits.
// And the client's Idempotency-Key on payments and refunds, so that a retry after a
// crash resumes the payment or refund it started instead of starting another.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['payment_intents', 'refunds']) {
    await db.schema.alterTable(table).addColumn('request_key', 'text').execute();
    await db.schema
      .createIndex(`${table}_request_key`)
      .on(table)
      .columns(['account_id', 'mode', 'request_key'])
      .execute();
  }
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
  for (const table of ['payment_intents', 'refunds']) {
    await db.schema.dropIndex(`${table}_request_key`).execute();
    await db.schema.alterTable(table).dropColumn('request_key').execute();
  }
  await db.schema
    .alterTable('refunds')
    .dropColumn('amount_shipping_tax')
    .dropColumn('itemized')
    .execute();
  await db.schema.dropTable('refund_line_items').execute();
}
