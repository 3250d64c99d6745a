import { type Kysely, sql } from 'kysely';
import { indexOn, tenantColumns, timestamps } from './columns.js';

// Which card processor each account uses, per mode, with its Stripe credentials sealed
// (AES-256-GCM, src/app/shared/secret-box.ts): the database never holds them in plaintext.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('processor_settings')
    .$call(tenantColumns)
    .addColumn('processor', 'text', (c) =>
      c.notNull().check(sql`processor in ('sandbox', 'stripe')`),
    )
    // Kept when the account switches back to the sandbox: refunds of the payments Stripe
    // took still go to Stripe, and its webhooks are still verified.
    .addColumn('stripe_secret_key', 'text')
    .addColumn('stripe_secret_key_redacted', 'text')
    .addColumn('stripe_webhook_secret', 'text')
    .addColumn('stripe_webhook_secret_redacted', 'text')
    .$call(timestamps)
    .addPrimaryKeyConstraint('processor_settings_pk', ['account_id', 'mode'])
    .addCheckConstraint(
      'processor_settings_stripe_key',
      sql`processor <> 'stripe' or stripe_secret_key is not null`,
    )
    .execute();
  // Stripe's refund webhooks name the refund by its Stripe id.
  await indexOn(db, 'refund_items', 'processor_refund_id', ['processor_refund_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('refund_items_processor_refund_id').execute();
  await db.schema.dropTable('processor_settings').execute();
}
