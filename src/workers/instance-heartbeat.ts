import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../adapters/db/schema.js';
import { type Instance, renewInstance } from '../app/shared/instances.js';
import { startPeriodic, type Worker } from './periodic.js';

/** Keeps an instance alive every `intervalMs` until stopped (then the owner retires it). */
export function startInstanceHeartbeat(
  db: Kysely<Database>,
  instance: Instance,
  options: { readonly intervalMs: number; readonly logger?: Logger | undefined },
): Worker {
  return startPeriodic(
    'instance heartbeat',
    options.intervalMs,
    () => renewInstance(db, instance),
    options.logger,
  );
}
