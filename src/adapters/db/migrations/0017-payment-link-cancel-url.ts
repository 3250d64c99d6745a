import type { Kysely } from 'kysely';

// A payment link's cancel_url: where its checkout page's "Cancel" link goes. Copied to each
// session the link starts (sessions already carry a cancel_url).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payment_links').addColumn('cancel_url', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payment_links').dropColumn('cancel_url').execute();
}
