import { type Kysely, sql } from 'kysely';
import { createTenantTable, indexOn, tenantIdIndex, timestamps } from './columns.js';

// Webhooks. The events table is the outbox: the write paths only insert events, and the
// delivery worker fans each one out (dispatched_at) to the endpoints subscribed to it.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Events from before webhooks existed had no endpoint to go to: they count as dispatched
  // now. A column added with a non-volatile default is not rewritten (the value is stored
  // once); dropping the default then leaves new events null, waiting for the worker.
  await db.schema
    .alterTable('events')
    .addColumn('dispatched_at', 'timestamptz', (c) => c.defaultTo(sql`now()`))
    .execute();
  await db.schema
    .alterTable('events')
    .alterColumn('dispatched_at', (c) => c.dropDefault())
    .execute();
  // Only events not yet fanned out: the index stays as small as the backlog.
  await db.schema
    .createIndex('events_undispatched')
    .on('events')
    .column('id')
    .where(sql.ref('dispatched_at'), 'is', null)
    .execute();

  await createTenantTable(db, 'webhook_endpoints')
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('enabled_events', 'jsonb', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('enabled', 'disabled')`))
    .addColumn('disabled_reason', 'text')
    // Sealed (src/app/shared/secret-box.ts); the previous secret keeps signing until it expires.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_expires_at', 'timestamptz')
    .addColumn('failing_since', 'timestamptz')
    .$call(timestamps)
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await tenantIdIndex(db, 'webhook_endpoints').where(sql.ref('deleted_at'), 'is', null).execute();

  await createTenantTable(db, 'webhook_deliveries')
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id'))
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'delivered', 'failed')`),
    )
    .addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz')
    // A worker's lease while it sends; an expired lease is taken over by another worker.
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_response_status', 'integer')
    .addColumn('last_error', 'text')
    .$call(timestamps)
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .column('next_attempt_at')
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await indexOn(db, 'webhook_deliveries', 'endpoint_id', ['endpoint_id', 'id']).execute();
  await indexOn(db, 'webhook_deliveries', 'event_id', ['event_id']).execute();

  await db.schema
    .createTable('webhook_delivery_attempts')
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('webhook_delivery_attempts_pk', ['delivery_id', 'attempt'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['webhook_delivery_attempts', 'webhook_deliveries', 'webhook_endpoints']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex('events_undispatched').execute();
  await db.schema.alterTable('events').dropColumn('dispatched_at').execute();
}
