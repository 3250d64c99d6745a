import { type Kysely, sql } from 'kysely';

// Payment intents: one attempt to collect (part of) an order's balance.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('payment_intents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('test', 'live')`))
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
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('payment_intents_account_mode_id')
    .on('payment_intents')
    .columns(['account_id', 'mode', 'id'])
    .execute();
  await db.schema
    .createIndex('payment_intents_order_id')
    .on('payment_intents')
    .columns(['order_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('payment_intents').execute();
}
