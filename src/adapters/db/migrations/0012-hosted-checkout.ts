import { type Kysely, sql } from 'kysely';

// The hosted checkout page: a session stops taking payment at its `expires_at` (24 hours
// after creation unless set shorter, as with Stripe), and a Stripe account's page needs
// the account's publishable key (public by design: Stripe.js runs with it in the browser).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('checkout_sessions').addColumn('expires_at', 'timestamptz').execute();
  await sql`update checkout_sessions set expires_at = created_at + interval '24 hours'`.execute(db);
  await db.schema
    .alterTable('checkout_sessions')
    .alterColumn('expires_at', (c) => c.setNotNull())
    .execute();
  // The expiry worker finds due sessions without reading the closed ones.
  await sql`create index checkout_sessions_open_expires_at on checkout_sessions (expires_at) where status = 'open'`.execute(
    db,
  );
  await db.schema
    .alterTable('processor_settings')
    .addColumn('stripe_publishable_key', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('processor_settings').dropColumn('stripe_publishable_key').execute();
  await db.schema.dropIndex('checkout_sessions_open_expires_at').execute();
  await db.schema.alterTable('checkout_sessions').dropColumn('expires_at').execute();
}
