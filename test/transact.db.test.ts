import { describe, expect, it } from 'vitest';
import { transact, transactValue } from '../src/adapters/db/transact.js';
import { fail, ok } from '../src/domain/errors.js';
import { testDatabase } from './harness.js';

// The one way to open a transaction, on the worker's database (PGlite, or PostgreSQL when
// DATABASE_URL is set): ok commits, a returned failure and a thrown error roll back.

const refused = { code: 'parameter_invalid' as const, message: 'refused after writing' };

async function settingOf(key: string): Promise<string | undefined> {
  const { db } = await testDatabase();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value;
}

const newKey = (what: string) => `transact-${what}-${Math.random()}`;

describe('transact', () => {
  it('commits what the work wrote when it returns ok, and returns its value', async () => {
    const { db } = await testDatabase();
    const key = newKey('ok');
    const result = await transact(db, async (tx) => {
      await tx.insertInto('settings').values({ key, value: 'kept' }).execute();
      return ok(42);
    });
    expect(result).toEqual({ ok: true, value: 42 });
    expect(await settingOf(key)).toBe('kept');
  });

  it('rolls back what the work wrote when it returns a failure, and returns that failure', async () => {
    const { db } = await testDatabase();
    const key = newKey('failure');
    const result = await transact(db, async (tx) => {
      await tx.insertInto('settings').values({ key, value: 'undone' }).execute();
      // Seen inside the transaction, before the failure undoes it.
      expect(
        await tx.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst(),
      ).toEqual({ value: 'undone' });
      return fail<number>(refused);
    });
    expect(result).toEqual({ ok: false, error: refused });
    if (!result.ok) expect(result.error).toBe(refused); // the very failure, for callers that compare
    expect(await settingOf(key)).toBeUndefined();
  });

  it('rolls back what the work wrote when it throws, and rethrows the same error', async () => {
    const { db } = await testDatabase();
    const key = newKey('throw');
    const boom = new Error('a bug after a write');
    await expect(
      transact(db, async (tx) => {
        await tx.insertInto('settings').values({ key, value: 'undone' }).execute();
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await settingOf(key)).toBeUndefined();
  });

  it('rolls back an earlier write when a later statement fails in the database', async () => {
    const { db } = await testDatabase();
    const key = newKey('duplicate');
    await expect(
      transact(db, async (tx) => {
        await tx.insertInto('settings').values({ key, value: 'first' }).execute();
        await tx.insertInto('settings').values({ key, value: 'again' }).execute();
        return ok(undefined);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await settingOf(key)).toBeUndefined();
    // The connection is usable afterwards.
    expect((await transact(db, async () => ok('fine'))).ok).toBe(true);
  });
});

describe('transactValue', () => {
  it('commits and returns a plain value; a thrown error rolls back and is rethrown', async () => {
    const { db } = await testDatabase();
    const kept = newKey('value');
    expect(
      await transactValue(db, async (tx) => {
        await tx.insertInto('settings').values({ key: kept, value: 'kept' }).execute();
        return 'done';
      }),
    ).toBe('done');
    expect(await settingOf(kept)).toBe('kept');
    const undone = newKey('value-throw');
    await expect(
      transactValue(db, async (tx) => {
        await tx.insertInto('settings').values({ key: undone, value: 'undone' }).execute();
        throw new RangeError('no');
      }),
    ).rejects.toBeInstanceOf(RangeError);
    expect(await settingOf(undone)).toBeUndefined();
  });
});
