import type { Kysely } from 'kysely';

// What dunning leaves the unpaid invoice as once its retries are spent (Stripe's "invoice
// status" after all retries fail): `open` (as it is, the default) or `uncollectible`.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('subscription_settings')
    .addColumn('invoice_after_retries', 'text', (c) => c.notNull().defaultTo('open'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('subscription_settings').dropColumn('invoice_after_retries').execute();
}
