import type { Kysely } from 'kysely';
import type { Database } from '../adapters/db/schema.js';
import { type Instance, renewInstance } from '../app/shared/instances.js';
import { type PeriodicOptions, startPeriodic, type Worker } from './periodic.js';

/** Keeps an instance alive every `intervalMs` until stopped (then the owner retires it). */
export function startInstanceHeartbeat(
  db: Kysely<Database>,
  instance: Instance,
  options: PeriodicOptions,
): Worker {
  return startPeriodic('instance heartbeat', options, () => renewInstance(db, instance));
}
