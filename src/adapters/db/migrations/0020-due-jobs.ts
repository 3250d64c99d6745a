import { type Kysely, sql } from 'kysely';
import { createTenantTable, indexOn, tenantIdIndex } from './columns.js';

// Scheduled work (reminders, overdue marking, recovery, renewals) runs from this one table.
// A job is unique per account, mode, kind and key, so scheduling it twice is one job and a
// finished one is never run again. Workers claim due jobs with `FOR UPDATE SKIP LOCKED` and
// hold them by a lease kept by the database's clock (`locked_until`) and their instance
// (`locked_by`, a `flint_instances` id; no foreign key: a claim outlives its dead owner's
// row, which is what frees it). `clock_id` names the test clock a job runs by (null: real
// time).
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTenantTable(db, 'due_jobs')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('job_key', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('clock_id', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('scheduled', 'running', 'succeeded', 'failed', 'canceled')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull().check(sql`max_attempts > 0`))
    .addColumn('last_error', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('locked_by', 'text')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await tenantIdIndex(db, 'due_jobs').execute();
  await indexOn(db, 'due_jobs', 'job_key', ['account_id', 'mode', 'kind', 'job_key'])
    .unique()
    .execute();
  // The claim: unfinished jobs of one clock (null for real time) in due order.
  await indexOn(db, 'due_jobs', 'due', ['clock_id', 'run_at'])
    .where(sql<boolean>`status in ('scheduled', 'running')`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('due_jobs').execute();
}
