import type { Kysely } from 'kysely';
import {
  deleteAllInstances,
  deleteDeadInstances,
  deleteInstance,
  upsertInstance,
} from '../../adapters/db/repos/instances-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import { newId } from './ids.js';

/**
 * A running Flint process, as the database knows it: alive while its row's lease
 * (`alive_until`, by the database's clock) is ahead of `now()`. What it holds (an
 * idempotency key in flight) is abandoned once it is not: its process died.
 */
export interface Instance {
  readonly id: string;
  /** How long one heartbeat keeps the instance alive: several heartbeat intervals. */
  readonly leaseMs: number;
}

/** Heartbeats an instance may miss (a pause, a slow database) before it counts as dead. */
export const MISSED_HEARTBEATS = 5;

/** Registers this process as a new instance, alive for `MISSED_HEARTBEATS` heartbeats. */
export async function startInstance(
  db: Kysely<Database>,
  heartbeatIntervalMs: number,
): Promise<Instance> {
  const instance = { id: newId('inst'), leaseMs: heartbeatIntervalMs * MISSED_HEARTBEATS };
  await upsertInstance(db, instance.id, instance.leaseMs);
  return instance;
}

/** One heartbeat: extends this instance's lease, and forgets instances that died. */
export async function renewInstance(db: Kysely<Database>, instance: Instance): Promise<void> {
  await upsertInstance(db, instance.id, instance.leaseMs);
  await deleteDeadInstances(db);
}

/** On a clean shutdown: what the instance still held is free at once. */
export async function retireInstance(db: Kysely<Database>, instance: Instance): Promise<void> {
  await deleteInstance(db, instance.id);
}

/**
 * The embedded database is opened by one process at a time (its data directory's lock),
 * so at start every instance recorded is an earlier run that did not stop cleanly.
 */
export async function forgetEarlierRuns(db: Kysely<Database>): Promise<number> {
  return deleteAllInstances(db);
}
