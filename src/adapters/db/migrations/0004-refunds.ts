import { type Kysely, sql } from 'kysely';
import { createTenantTable, indexOn, metadataAndTimestamps, tenantIdIndex } from './columns.js';

// Refunds, and their parts per payment intent (the guide's `items[]`).
export async function up(db: Kysely<unknown>): Promise<void> {
  const refundStatus = sql`status in ('pending', 'requires_action', 'succeeded', 'failed', 'canceled')`;
  await db.schema
    .alterTable('payment_intents')
    // The processor token the charge used (never card data): the sandbox's refunds
    // behave by it, as Stripe's test cards do.
    .addColumn('payment_source', 'text')
    .execute();

  await createTenantTable(db, 'refunds')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('payment_intent_id', 'text', (c) => c.notNull().references('payment_intents.id'))
    .addColumn('checkout_session_id', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(refundStatus))
    .addColumn('reason', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('reference_id', 'text')
    .addColumn('reference_type', 'text', (c) => c.notNull())
    .addColumn('reference_status', 'text', (c) => c.notNull())
    .addColumn('amount_tax', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('amount_shipping', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('amount_discount', 'bigint', (c) => c.notNull().defaultTo(0))
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'refunds').execute();
  await indexOn(db, 'refunds', 'order_id', ['order_id', 'id']).execute();
  await indexOn(db, 'refunds', 'payment_intent_id', ['payment_intent_id', 'id']).execute();

  await db.schema
    .createTable('refund_items')
    .addColumn('refund_id', 'text', (c) => c.notNull().references('refunds.id'))
    .addColumn('payment_intent_id', 'text', (c) => c.notNull().references('payment_intents.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('status', 'text', (c) => c.notNull().check(refundStatus))
    .addColumn('processor_refund_id', 'text')
    .addColumn('reference_id', 'text')
    .addColumn('reference_status', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addPrimaryKeyConstraint('refund_items_pk', ['refund_id', 'payment_intent_id'])
    .execute();
  await indexOn(db, 'refund_items', 'payment_intent', ['payment_intent_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('refund_items').execute();
  await db.schema.dropTable('refunds').execute();
  await db.schema.alterTable('payment_intents').dropColumn('payment_source').execute();
}
