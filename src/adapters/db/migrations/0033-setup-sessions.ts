import { type Kysely, sql } from 'kysely';

// Setup-mode checkout sessions: a hosted page where a customer adds (or replaces) the card
// the merchant charges later, as Stripe's `mode: "setup"`. Such a session has no order: it
// names its customer, and once the card is saved, the payment method it made. (`mode` is
// the tenant's test/live mode, so the session's kind is `session_mode`.)
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('checkout_sessions')
    .addColumn('session_mode', 'text', (c) =>
      c.notNull().defaultTo('payment').check(sql`session_mode in ('payment', 'setup')`),
    )
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('payment_method_id', 'text', (c) => c.references('payment_methods.id'))
    .execute();
  await db.schema
    .alterTable('checkout_sessions')
    .alterColumn('order_id', (c) => c.dropNotNull())
    .execute();
  await db.schema
    .alterTable('checkout_sessions')
    .addCheckConstraint(
      'checkout_sessions_session_mode_parts',
      sql`(session_mode = 'payment' and order_id is not null and customer_id is null
          and payment_method_id is null)
        or (session_mode = 'setup' and order_id is null and customer_id is not null
          and (payment_method_id is not null) = (status = 'complete'))`,
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('checkout_sessions')
    .dropConstraint('checkout_sessions_session_mode_parts')
    .execute();
  await sql`delete from checkout_sessions where session_mode = 'setup'`.execute(db);
  await db.schema
    .alterTable('checkout_sessions')
    .alterColumn('order_id', (c) => c.setNotNull())
    .execute();
  await db.schema
    .alterTable('checkout_sessions')
    .dropColumn('payment_method_id')
    .dropColumn('customer_id')
    .dropColumn('session_mode')
    .execute();
}
