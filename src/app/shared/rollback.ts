import type { Kysely } from 'kysely';
import type { Database } from '../../adapters/db/schema.js';
import { type Failure, fail, type Result } from '../../domain/errors.js';

/**
 * Thrown inside a transaction to undo everything it wrote and answer with an expected
 * failure: for checks that can only be made on what a write returned (a count taken
 * under the lock that the write itself took).
 */
export class Rollback extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** Runs `work` in one transaction; a `Rollback` thrown in it becomes its failure. */
export async function inTransaction<T>(
  db: Kysely<Database>,
  work: (tx: Kysely<Database>) => Promise<Result<T>>,
): Promise<Result<T>> {
  try {
    return await db.transaction().execute(work);
  } catch (error) {
    if (error instanceof Rollback) return fail(error.failure);
    throw error;
  }
}
