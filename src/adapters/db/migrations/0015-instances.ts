import { type Kysely, sql } from 'kysely';

// Who runs a request. Every running `flint serve` process is an instance: a row it keeps
// alive by the database's clock (`alive_until`, pushed forward by its heartbeat) and
// deletes when it stops cleanly. An idempotency key in flight names the instance running
// it, so a retry after a crash takes the key over as soon as its owner is gone, instead of
// waiting out a timer.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('flint_instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('alive_until', 'timestamptz', (c) => c.notNull())
    .execute();
  // No foreign key: a claim outlives its dead owner's row, which is what marks it abandoned.
  await db.schema.alterTable('idempotency_keys').addColumn('owner_instance_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').dropColumn('owner_instance_id').execute();
  await db.schema.dropTable('flint_instances').execute();
}
