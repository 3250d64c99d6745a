import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/** The database's clock plus `ms`: every instance is judged by one clock, whatever the hosts'. */
function nowPlus(ms: number) {
  return sql<Date>`now() + ${ms} * interval '1 millisecond'`;
}

/**
 * Keeps an instance alive for `leaseMs` from the database's now, creating its row if it
 * is missing (first beat, or after another process removed it as dead during a stall).
 */
export async function upsertInstance(
  db: Kysely<Database>,
  id: string,
  leaseMs: number,
): Promise<void> {
  await db
    .insertInto('flint_instances')
    .values({ id, alive_until: nowPlus(leaseMs) })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ heartbeat_at: sql<Date>`now()`, alive_until: nowPlus(leaseMs) }),
    )
    .execute();
}

export async function deleteInstance(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('flint_instances').where('id', '=', id).execute();
}

/** Deletes instances whose lease ran out: what they held is abandoned either way. */
export async function deleteDeadInstances(db: Kysely<Database>): Promise<number> {
  const result = await db
    .deleteFrom('flint_instances')
    .where('alive_until', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes every instance: for the one process that owns an embedded database, at start. */
export async function deleteAllInstances(db: Kysely<Database>): Promise<number> {
  const result = await db.deleteFrom('flint_instances').executeTakeFirst();
  return Number(result.numDeletedRows);
}
