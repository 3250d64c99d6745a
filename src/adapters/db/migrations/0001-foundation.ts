import { type Kysely, sql } from 'kysely';
import {
  createTenantTable,
  metadataAndTimestamps,
  tenantColumns,
  tenantIdIndex,
} from './columns.js';

// Migrations use the untyped builder: they describe the schema as it was at the time.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('default_currency', 'text', (c) => c.notNull())
    .$call(metadataAndTimestamps)
    .execute();

  await createTenantTable(db, 'api_keys')
    .addColumn('name', 'text')
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('redacted', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await tenantIdIndex(db, 'api_keys').execute();

  await createTenantTable(db, 'customers')
    .addColumn('email', 'text')
    .addColumn('name', 'text')
    .addColumn('phone', 'text')
    .addColumn('description', 'text')
    .$call(metadataAndTimestamps)
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await tenantIdIndex(db, 'customers').where(sql.ref('deleted_at'), 'is', null).execute();
  // Email first: an index led by (account_id, mode) is one the planner may pick for id
  // lookups too (before statistics exist), scanning the whole account's range.
  await db.schema
    .createIndex('customers_email_account_mode')
    .on('customers')
    .expression(sql`lower(email), account_id, mode`)
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .$call(tenantColumns)
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('in_flight', 'completed')`))
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'mode', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_expires_at')
    .on('idempotency_keys')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['settings', 'idempotency_keys', 'customers', 'api_keys', 'accounts']) {
    await db.schema.dropTable(table).execute();
  }
}
