import { deleteExpiredIdempotencyKeys } from '../adapters/db/repos/idempotency-repo.js';
import type { Deps } from '../app/shared/deps.js';
import { countingJob } from './periodic.js';

/** Deletes every expired idempotency record, in batches; returns how many went. */
export async function reapExpiredIdempotencyKeys(deps: Deps, batch = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteExpiredIdempotencyKeys(deps.db, deps.clock.now(), batch);
    total += deleted;
    if (deleted < batch) return total;
  }
}

/** Runs the reaper every `intervalMs` until stopped; a failed run is logged and retried next time. */
export const startIdempotencyReaper = countingJob(
  'idempotency reaper',
  'expired idempotency keys deleted',
  async (deps: Deps) => ({ deleted: await reapExpiredIdempotencyKeys(deps) }),
);
