import { type Kysely, sql } from 'kysely';
import {
  createTenantTable,
  indexOn,
  metadataAndTimestamps,
  tenantColumns,
  tenantIdIndex,
} from './columns.js';

// Subscriptions: a customer's recurring terms (items copied from plan versions, so a plan
// edited later never changes them), its current period and status. Every billing period is
// an order and an invoice; `subscription_periods` holds one row per subscription and
// period index, unique, so a period is billed exactly once whatever runs it. The account's
// dunning and trial settings are one row per account and mode.
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTenantTable(db, 'subscriptions')
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('items', 'jsonb', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('interval', 'text', (c) => c.notNull())
    .addColumn('interval_count', 'integer', (c) => c.notNull())
    .addColumn('billing_cycle_anchor', 'timestamptz', (c) => c.notNull())
    .addColumn('period_index', 'integer', (c) => c.notNull())
    .addColumn('current_period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('current_period_end', 'timestamptz', (c) => c.notNull())
    .addColumn('trial_start', 'timestamptz')
    .addColumn('trial_end', 'timestamptz')
    .addColumn('cancel_at_period_end', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('canceled_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('cancellation_reason', 'text')
    .addColumn('pause_collection', 'jsonb')
    .addColumn('default_payment_method_id', 'text')
    .addColumn('coupon', 'jsonb')
    .addColumn('latest_invoice_id', 'text')
    .addColumn('test_clock_id', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('request_key', 'text')
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'subscriptions').execute();
  // The create request's Idempotency-Key: a retry after a crash finds the subscription it
  // made (and finishes its first payment) instead of making another.
  await indexOn(db, 'subscriptions', 'request_key', ['account_id', 'mode', 'request_key'])
    .unique()
    .where(sql.ref('request_key'), 'is not', null)
    .execute();
  await indexOn(db, 'subscriptions', 'customer', [
    'account_id',
    'mode',
    'customer_id',
    'id',
  ]).execute();
  await indexOn(db, 'subscriptions', 'status', ['account_id', 'mode', 'status', 'id']).execute();

  await db.schema
    .createTable('subscription_periods')
    .$call(tenantColumns)
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.id'))
    .addColumn('period_index', 'integer', (c) => c.notNull())
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('period_end', 'timestamptz', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.references('orders.id'))
    .addColumn('invoice_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('subscription_periods_pkey', ['subscription_id', 'period_index'])
    .execute();

  await db.schema
    .createTable('subscription_settings')
    .$call(tenantColumns)
    .addColumn('retry_days', 'jsonb', (c) => c.notNull())
    .addColumn('after_retries', 'text', (c) => c.notNull())
    .addColumn('missing_payment_method', 'text', (c) => c.notNull())
    .addColumn('trial_will_end_days', 'integer', (c) => c.notNull())
    .addColumn('upcoming_days', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('subscription_settings_pkey', ['account_id', 'mode'])
    .execute();

  // A period's invoice says which subscription and period it bills, why it was made, and
  // where its automatic collection stands (Stripe's fields).
  for (const [name, type] of [
    ['subscription_id', 'text'],
    ['billing_reason', 'text'],
    ['period_start', 'timestamptz'],
    ['period_end', 'timestamptz'],
    ['next_payment_attempt', 'timestamptz'],
  ] as const) {
    await db.schema.alterTable('invoices').addColumn(name, type).execute();
  }
  await db.schema
    .alterTable('invoices')
    .addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await indexOn(db, 'invoices', 'subscription', ['subscription_id', 'id'])
    .where(sql.ref('subscription_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    'subscription_id',
    'billing_reason',
    'period_start',
    'period_end',
    'next_payment_attempt',
    'attempt_count',
  ]) {
    await db.schema.alterTable('invoices').dropColumn(name).execute();
  }
  await db.schema.dropTable('subscription_settings').execute();
  await db.schema.dropTable('subscription_periods').execute();
  await db.schema.dropTable('subscriptions').execute();
}
