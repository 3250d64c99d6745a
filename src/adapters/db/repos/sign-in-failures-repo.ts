import { type Kysely, sql } from 'kysely';
import type { SignInSubject } from '../../../domain/sign-in-backoff.js';
import type { Database } from '../schema.js';

export interface SignInKey {
  readonly subject: SignInSubject;
  readonly value: string;
}

/** The latest lock among `keys` that still holds at `now`, if any. */
export async function selectSignInLock(
  db: Kysely<Database>,
  keys: readonly SignInKey[],
  now: Date,
): Promise<Date | null> {
  const row = await db
    .selectFrom('sign_in_failures')
    .select((eb) => eb.fn.max('locked_until').as('until'))
    .where((eb) =>
      eb.or(keys.map((k) => eb.and([eb('subject', '=', k.subject), eb('value', '=', k.value)]))),
    )
    .where('locked_until', '>', now)
    .executeTakeFirst();
  return row?.until ? new Date(row.until) : null;
}

/**
 * Counts one more failure for each key, in one statement (atomic per row, so concurrent
 * failures in any number of processes are all counted); a streak whose last failure is
 * older than `windowStart` starts again at 1. Returns each key's count.
 */
export async function incrementSignInFailures(
  db: Kysely<Database>,
  keys: readonly SignInKey[],
  now: Date,
  windowStart: Date,
): Promise<Array<SignInKey & { readonly failures: number }>> {
  return db
    .insertInto('sign_in_failures')
    .values(keys.map((k) => ({ ...k, failures: 1, last_failed_at: now, locked_until: null })))
    .onConflict((oc) =>
      oc.columns(['subject', 'value']).doUpdateSet({
        failures: sql<number>`case when sign_in_failures.last_failed_at < ${windowStart}
          then 1 else sign_in_failures.failures + 1 end`,
        last_failed_at: now,
      }),
    )
    .returning(['subject', 'value', 'failures'])
    .execute();
}

/** Locks a key until `until`, never shortening a longer lock a concurrent failure set. */
export async function lockSignInKey(
  db: Kysely<Database>,
  key: SignInKey,
  until: Date,
): Promise<void> {
  await db
    .updateTable('sign_in_failures')
    .set({ locked_until: sql<Date>`greatest(coalesce(locked_until, ${until}), ${until})` })
    .where('subject', '=', key.subject)
    .where('value', '=', key.value)
    .execute();
}

export async function deleteSignInFailures(db: Kysely<Database>, key: SignInKey): Promise<void> {
  await db
    .deleteFrom('sign_in_failures')
    .where('subject', '=', key.subject)
    .where('value', '=', key.value)
    .execute();
}

/** Forgets streaks that no longer count and hold no lock. */
export async function deleteStaleSignInFailures(
  db: Kysely<Database>,
  windowStart: Date,
  now: Date,
): Promise<void> {
  await db
    .deleteFrom('sign_in_failures')
    .where('last_failed_at', '<', windowStart)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .execute();
}
