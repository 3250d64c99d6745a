import { type Kysely, sql } from 'kysely';

// Checkout sessions: a hosted way to pay one order.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('checkout_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('test', 'live')`))
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('open', 'complete', 'expired')`),
    )
    .addColumn('success_url', 'text', (c) => c.notNull())
    .addColumn('cancel_url', 'text')
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('checkout_sessions_account_mode_id')
    .on('checkout_sessions')
    .columns(['account_id', 'mode', 'id'])
    .execute();
  await db.schema
    .createIndex('checkout_sessions_order')
    .on('checkout_sessions')
    .columns(['order_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('checkout_sessions').execute();
}
