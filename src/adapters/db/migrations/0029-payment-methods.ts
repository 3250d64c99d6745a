import { type Kysely, sql } from 'kysely';
import { createTenantTable, indexOn, metadataAndTimestamps, tenantIdIndex } from './columns.js';

// Saved payment methods: a card the processor keeps for a customer (Stripe: a PaymentMethod
// attached to its Customer by an off-session SetupIntent; the sandbox: a `pm_sbx_…` id that
// carries its test token). Flint stores the processor's id and the card as the processor
// reported it — never the number. A customer's default method is the one a renewal charges.
// A payment made with a saved method names it (`payment_intents.payment_method_id`), and
// whether it was charged off session, so the settlement worker's re-drive sends the same.
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTenantTable(db, 'payment_methods')
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('processor', 'text', (c) => c.notNull())
    .addColumn('processor_payment_method_id', 'text', (c) => c.notNull())
    .addColumn('processor_customer_id', 'text')
    .addColumn('card_brand', 'text')
    .addColumn('card_last4', 'text', (c) => c.check(sql`card_last4 ~ '^[0-9]{4}$'`))
    .addColumn('card_exp_month', 'integer', (c) => c.check(sql`card_exp_month between 1 and 12`))
    .addColumn('card_exp_year', 'integer', (c) => c.check(sql`card_exp_year between 1000 and 9999`))
    .addColumn('card_funding', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('attached', 'detached')`))
    .addColumn('detached_at', 'timestamptz')
    .addColumn('request_key', 'text')
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'payment_methods').execute();
  await indexOn(db, 'payment_methods', 'customer', ['customer_id', 'id']).execute();
  // One method per request key: a retry of a save finds the method it made.
  await indexOn(db, 'payment_methods', 'request_key', ['account_id', 'mode', 'request_key'])
    .unique()
    .where(sql.ref('request_key'), 'is not', null)
    .execute();

  await db.schema
    .alterTable('customers')
    .addColumn('default_payment_method_id', 'text', (c) => c.references('payment_methods.id'))
    .execute();
  await db.schema.alterTable('customers').addColumn('processor_customer_id', 'text').execute();

  await db.schema
    .alterTable('payment_intents')
    .addColumn('payment_method_id', 'text', (c) => c.references('payment_methods.id'))
    .execute();
  await db.schema
    .alterTable('payment_intents')
    .addColumn('off_session', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .alterTable('payment_intents')
    .addColumn('processor_customer_id', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payment_intents').dropColumn('processor_customer_id').execute();
  await db.schema.alterTable('payment_intents').dropColumn('off_session').execute();
  await db.schema.alterTable('payment_intents').dropColumn('payment_method_id').execute();
  await db.schema.alterTable('customers').dropColumn('processor_customer_id').execute();
  await db.schema.alterTable('customers').dropColumn('default_payment_method_id').execute();
  await db.schema.dropTable('payment_methods').execute();
}
