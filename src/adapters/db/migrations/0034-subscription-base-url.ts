import type { Kysely } from 'kysely';

// Where a subscription's mails link to: the address its creating request came to (the
// server's public URL, else that request's host), so a `flint worker` with no
// FLINT_PUBLIC_URL still mails a failed payment's buyer a working link to the invoice's
// page, as invoice jobs carry theirs in their payload. Null for subscriptions made before.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('subscriptions').addColumn('base_url', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('subscriptions').dropColumn('base_url').execute();
}
