import { type Kysely, sql } from 'kysely';
import { createTenantTable, indexOn, tenantIdIndex, timestamps } from './columns.js';

// Mail. The emails table is both the mailbox (every mail Flint made, kept whatever happens)
// and the outbox of the SMTP worker: a mail is inserted in the transaction of the change it
// tells about, and live-mode mail is sent after commit (`status` queued → sent | failed).
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTenantTable(db, 'emails')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    // Null until sent: the worker's FLINT_MAIL_FROM.
    .addColumn('from_address', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text')
    .addColumn('object_id', 'text')
    // "Each reminder step is sent once": a second mail with the same key is never written.
    .addColumn('dedupe_key', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('kept', 'queued', 'sent', 'failed')`),
    )
    .addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz')
    // A worker's lease while it sends; an expired lease is taken over by another worker.
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('sent_at', 'timestamptz')
    .$call(timestamps)
    .execute();
  await tenantIdIndex(db, 'emails').execute();
  // Null keys never collide: a mail without one is never a duplicate.
  await indexOn(db, 'emails', 'dedupe_key', ['account_id', 'mode', 'dedupe_key'])
    .unique()
    .execute();
  await indexOn(db, 'emails', 'object_id', ['account_id', 'mode', 'object_id', 'id']).execute();
  // Only mail waiting for the worker: the index stays as small as the backlog.
  await db.schema
    .createIndex('emails_due')
    .on('emails')
    .column('next_attempt_at')
    .where(sql.ref('status'), '=', 'queued')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('emails').execute();
}
