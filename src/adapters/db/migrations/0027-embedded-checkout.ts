import { type Kysely, sql } from 'kysely';

// Embedded pay: a checkout session is shown on its own page (`hosted`, as before) or framed
// in the merchant's (`embedded`), which names the origins that may frame it and a
// `return_url` in place of `success_url` (so that one may now be null, as Stripe has it).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('checkout_sessions')
    .addColumn('ui_mode', 'text', (c) =>
      c.notNull().defaultTo('hosted').check(sql`ui_mode in ('hosted', 'embedded')`),
    )
    .addColumn('allowed_origins', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('return_url', 'text')
    .execute();
  await db.schema
    .alterTable('checkout_sessions')
    .alterColumn('success_url', (c) => c.dropNotNull())
    .execute();
  await db.schema
    .alterTable('checkout_sessions')
    .addCheckConstraint(
      'checkout_sessions_ui_mode_urls',
      sql`(ui_mode = 'hosted' and success_url is not null and return_url is null)
        or (ui_mode = 'embedded' and return_url is not null and success_url is null)`,
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('checkout_sessions')
    .dropConstraint('checkout_sessions_ui_mode_urls')
    .execute();
  await sql`delete from checkout_sessions where ui_mode = 'embedded'`.execute(db);
  await db.schema
    .alterTable('checkout_sessions')
    .alterColumn('success_url', (c) => c.setNotNull())
    .execute();
  await db.schema
    .alterTable('checkout_sessions')
    .dropColumn('return_url')
    .dropColumn('allowed_origins')
    .dropColumn('ui_mode')
    .execute();
}
