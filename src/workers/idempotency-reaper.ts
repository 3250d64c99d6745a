import type { Logger } from 'pino';
import { deleteExpiredIdempotencyKeys } from '../adapters/db/repos/idempotency-repo.js';
import type { Deps } from '../app/deps.js';

/** Deletes every expired idempotency record, in batches; returns how many went. */
export async function reapExpiredIdempotencyKeys(deps: Deps, batch = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteExpiredIdempotencyKeys(deps.db, deps.clock.now(), batch);
    total += deleted;
    if (deleted < batch) return total;
  }
}

export interface Worker {
  stop(): Promise<void>;
}

/** Runs the reaper every `intervalMs` until stopped; a failed run is logged and retried next time. */
export function startIdempotencyReaper(
  deps: Deps,
  options: { readonly intervalMs: number; readonly logger?: Logger | undefined },
): Worker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = reapExpiredIdempotencyKeys(deps)
      .then((deleted) => {
        if (deleted > 0) options.logger?.info({ deleted }, 'expired idempotency keys deleted');
      })
      .catch((err: unknown) => options.logger?.error({ err }, 'idempotency reaper failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs).unref();
      });
  };
  timer = setTimeout(tick, options.intervalMs).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
