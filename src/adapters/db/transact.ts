import type { Kysely } from 'kysely';
import type { Failure, Result } from '../../domain/errors.js';
import type { Database } from './schema.js';

/** Thrown inside Kysely's transaction to roll it back; never leaves `transact`. */
class RolledBack extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/**
 * The one way to open a transaction: runs `work` in it and answers with what `work`
 * returned. `ok` commits; a failure rolls back everything `work` wrote and is returned; a
 * thrown error rolls back and is rethrown. A write that must stay whatever the outcome (a
 * declined card recorded as a failed intent) is an `ok` carrying that outcome.
 */
export async function transact<T>(
  db: Kysely<Database>,
  work: (tx: Kysely<Database>) => Promise<Result<T>>,
): Promise<Result<T>> {
  try {
    return await db.transaction().execute(async (tx) => {
      const result = await work(tx);
      if (!result.ok) throw new RolledBack(result.error);
      return result;
    });
  } catch (error) {
    if (error instanceof RolledBack) return { ok: false, error: error.failure };
    throw error;
  }
}

/**
 * `transact` for work with no failure outcome (a worker's batch, a row that may or may
 * not change): commits what it returns, rolls back and rethrows what it throws.
 */
export async function transactValue<T>(
  db: Kysely<Database>,
  work: (tx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  // What `transact` does when every outcome is ok.
  return db.transaction().execute(work);
}
