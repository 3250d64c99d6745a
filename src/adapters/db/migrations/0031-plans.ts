import { type Kysely, sql } from 'kysely';
import {
  createTenantTable,
  indexOn,
  metadataAndTimestamps,
  tenantIdIndex,
  timestamps,
} from './columns.js';

// Plans: templates of recurring lines a subscription bills each period. A plan holds its
// current terms (lines as a JSON column, amounts copied from their prices); every version
// of the terms, the current one included, is kept in `plan_versions`, never changed, so
// what a subscription copied can always be read again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTenantTable(db, 'plans')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('interval', 'text', (c) => c.notNull())
    .addColumn('interval_count', 'integer', (c) => c.notNull())
    .addColumn('trial_period_days', 'integer')
    .addColumn('line_items', 'jsonb', (c) => c.notNull())
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'plans').execute();

  await createTenantTable(db, 'plan_versions')
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('interval', 'text', (c) => c.notNull())
    .addColumn('interval_count', 'integer', (c) => c.notNull())
    .addColumn('trial_period_days', 'integer')
    .addColumn('line_items', 'jsonb', (c) => c.notNull())
    .$call(timestamps)
    .execute();
  await tenantIdIndex(db, 'plan_versions').execute();
  await indexOn(db, 'plan_versions', 'plan_version', ['plan_id', 'version']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('plan_versions').execute();
  await db.schema.dropTable('plans').execute();
}
