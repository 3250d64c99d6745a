import type { Kysely } from 'kysely';
import { indexOn } from './columns.js';

// GET /v1/events filters an account's events by type and by time. Newest first by id
// within one type is a range of (account_id, mode, type, id): the page costs what it
// returns. A time range of one account is a range of (account_id, mode, created_at):
// a narrow window is read from it directly instead of by walking the account's events.
export async function up(db: Kysely<unknown>): Promise<void> {
  await indexOn(db, 'events', 'account_mode_type_id', [
    'account_id',
    'mode',
    'type',
    'id',
  ]).execute();
  await indexOn(db, 'events', 'account_mode_created_at', [
    'account_id',
    'mode',
    'created_at',
  ]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('events_account_mode_created_at').execute();
  await db.schema.dropIndex('events_account_mode_type_id').execute();
}
