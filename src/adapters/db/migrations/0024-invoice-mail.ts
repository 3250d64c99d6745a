import { type Kysely, sql } from 'kysely';

// Invoice mail: the account's reminder schedule, time zone and whether finalizing sends the
// invoice (per mode, beside the number prefix), and on each invoice when it was last mailed to the buyer and when it became
// overdue (set once, by its overdue job, with `invoice.overdue`).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('invoice_settings')
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('auto_send', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('reminders', 'jsonb', (c) =>
      c
        .notNull()
        .defaultTo(sql`'{"days_before_due":[],"on_due_date":false,"days_after_due":[]}'::jsonb`),
    )
    .execute();
  await db.schema
    .alterTable('invoices')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('overdue_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('invoices').dropColumn('sent_at').dropColumn('overdue_at').execute();
  await db.schema
    .alterTable('invoice_settings')
    .dropColumn('time_zone')
    .dropColumn('auto_send')
    .dropColumn('reminders')
    .execute();
}
