import { type Kysely, sql } from 'kysely';

// Console sign-in failures, per email and per address, shared by every process on the
// database (an in-memory limit per process lets N processes allow N times the attempts).
// Not tenant-owned: an email or address is counted before anyone is signed in.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('subject', 'text', (c) => c.notNull().check(sql`subject in ('email', 'address')`))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_until', 'timestamptz')
    .addPrimaryKeyConstraint('sign_in_failures_pkey', ['subject', 'value'])
    .execute();
  await db.schema
    .createIndex('sign_in_failures_last_failed_at')
    .on('sign_in_failures')
    .column('last_failed_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sign_in_failures').execute();
}
