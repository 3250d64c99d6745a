import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database, ProcessorSettingsRow } from '../schema.js';
import { scoped } from '../scoped.js';

export async function selectProcessorSettings(
  db: Kysely<Database>,
  tenant: Tenant,
): Promise<ProcessorSettingsRow | undefined> {
  return db.selectFrom('processor_settings').selectAll().$call(scoped(tenant)).executeTakeFirst();
}

/** Inserts or replaces the settings of the row's account and mode (created_at is kept). */
export async function upsertProcessorSettings(
  db: Kysely<Database>,
  row: ProcessorSettingsRow,
): Promise<ProcessorSettingsRow> {
  const { account_id, mode, created_at, ...changes } = row;
  return db
    .insertInto('processor_settings')
    .values(row)
    .onConflict((oc) => oc.columns(['account_id', 'mode']).doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}
