import { type Kysely, sql } from 'kysely';
import { indexOn } from './columns.js';

// Each event of an object carries its number among that object's events (1, 2, 3…, in
// commit order), so a receiver can drop one that arrives after a newer one. Existing
// events are numbered in id order per object; the unique index makes the database refuse
// two events of one object with the same number, and answers "the next number" (the
// object's highest) from its last entry.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').addColumn('sequence', 'integer').execute();
  await sql`
    update events set sequence = numbered.n
    from (
      select id, row_number() over (partition by account_id, mode, object_id order by id) as n
      from events
    ) as numbered
    where events.id = numbered.id`.execute(db);
  await db.schema
    .alterTable('events')
    .alterColumn('sequence', (c) => c.setNotNull())
    .execute();
  await db.schema
    .alterTable('events')
    .addCheckConstraint('events_sequence_positive', sql`sequence >= 1`)
    .execute();
  await indexOn(db, 'events', 'object_sequence', ['account_id', 'mode', 'object_id', 'sequence'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('events_object_sequence').execute();
  await db.schema.alterTable('events').dropConstraint('events_sequence_positive').execute();
  await db.schema.alterTable('events').dropColumn('sequence').execute();
}
