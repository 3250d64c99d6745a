import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { renewInstance, retireInstance, startInstance } from '../src/app/shared/instances.js';
import { testDatabase } from './harness.js';

// Instances live by the database's clock: a lease from `now()`, renewed by each heartbeat.

beforeAll(() => testDatabase());

async function instanceRow(id: string) {
  const { db } = await testDatabase();
  return db
    .selectFrom('flint_instances')
    .select(['id', sql<boolean>`alive_until > now()`.as('alive')])
    .where('id', '=', id)
    .executeTakeFirst();
}

async function endLease(id: string): Promise<void> {
  const { db } = await testDatabase();
  await sql`update flint_instances set alive_until = now() - interval '1 second' where id = ${id}`.execute(
    db,
  );
}

it('renews its own lease and drops instances whose lease ran out', async () => {
  const { db } = await testDatabase();
  const self = await startInstance(db, 60_000);
  const dead = await startInstance(db, 60_000);
  try {
    await endLease(self.id);
    await endLease(dead.id);
    await renewInstance(db, self);
    expect(await instanceRow(self.id)).toEqual({ id: self.id, alive: true });
    expect(await instanceRow(dead.id)).toBeUndefined();
  } finally {
    await retireInstance(db, self);
    await retireInstance(db, dead);
  }
});

it('comes back alive with its next heartbeat after being dropped as dead (a long pause)', async () => {
  const { db } = await testDatabase();
  const paused = await startInstance(db, 60_000);
  try {
    await retireInstance(db, paused);
    expect(await instanceRow(paused.id)).toBeUndefined();
    await renewInstance(db, paused);
    expect(await instanceRow(paused.id)).toEqual({ id: paused.id, alive: true });
  } finally {
    await retireInstance(db, paused);
  }
});
