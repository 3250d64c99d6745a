import type { Kysely } from 'kysely';
import { writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  cancelClockJobsQuery,
  deleteClockCustomersQuery,
  insertTestClockQuery,
  listTestClocks as listTestClockRows,
  lockTestClockById,
  selectTestClockById,
  updateTestClockQuery,
} from '../../adapters/db/repos/test-clocks-repo.js';
import type { Database, NewEventRow } from '../../adapters/db/schema.js';
import type { TestClockRow } from '../../adapters/db/schema-test-clocks.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import type { EventType } from '../../domain/event-types.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import { TEST_CLOCK_LIFETIME_MS, wholeSeconds } from '../../domain/test-clocks/test-clock-rules.js';
import { testClockResource } from '../../resources/test-clock.js';
import { objectEvent } from '../events/record-events.js';
import type { ChangeContext } from '../shared/command-context.js';
import { newOwnedRow } from '../shared/ids.js';
import { readById, readPage } from '../shared/reads.js';
import { type MetadataUpdate, updateById, withLockedRow } from '../shared/updates.js';

export interface CreateTestClockInput {
  /** The clock's time to start at (whole seconds). */
  readonly frozen_time: Date;
  readonly name?: string | null | undefined;
  readonly metadata?: Metadata | undefined;
}

export interface UpdateTestClockInput extends MetadataUpdate {
  readonly name?: string | null | undefined;
}

/** An event about a test clock, as it now is (and, for an update, as it was). */
export function testClockEvent(
  ctx: Pick<ChangeContext, 'tenant' | 'actor'>,
  { type, row, now }: { readonly type: EventType; readonly row: TestClockRow; readonly now: Date },
): NewEventRow {
  return objectEvent(ctx, {
    type,
    objectType: 'test_clock',
    objectId: row.id,
    object: testClockResource(row),
    now,
  });
}

/** Makes a test clock (test mode: the route refuses a live key) at `frozen_time`. */
export async function createTestClock(
  ctx: ChangeContext,
  input: CreateTestClockInput,
): Promise<Result<TestClockRow>> {
  const now = ctx.deps.clock.now();
  const row: TestClockRow = {
    ...newOwnedRow('clock', ctx.tenant),
    name: input.name ?? null,
    frozen_time: wholeSeconds(input.frozen_time),
    status: 'ready',
    advance_to: null,
    advance_until: null,
    deletes_after: new Date(now.getTime() + TEST_CLOCK_LIFETIME_MS),
    deleted_at: null,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  };
  const { db } = ctx.deps;
  await writeAsOne(db, [
    insertTestClockQuery(db, row),
    insertEventsQuery(db, [
      testClockEvent(ctx, { type: 'test_helpers.test_clock.created', row, now }),
    ]),
  ]);
  return ok(row);
}

export const getTestClock = readById('test clock', selectTestClockById);

export const listTestClocks = readPage(listTestClockRows);

/** Changes a clock's name or metadata (never its time: that is `advance`). */
export const updateTestClock = updateById({
  name: 'test clock',
  lock: lockTestClockById,
  apply: (current: TestClockRow, input: UpdateTestClockInput) =>
    ok({ name: input.name === undefined ? current.name : input.name }),
  write: (tx: Kysely<Database>, tenant, id, changes) =>
    updateTestClockQuery(tx, tenant, id, changes).execute(),
});

/**
 * Deletes a clock, as Stripe does: its customers are deleted with it (kept as tombstones so
 * their orders still resolve) and its scheduled work is canceled. Refused while an advance
 * runs (`409 test_clock_state_invalid`; one whose process died is taken over by the next
 * advance once its lease runs out).
 */
export async function deleteTestClock(
  ctx: ChangeContext,
  { id }: { readonly id: string },
): Promise<Result<TestClockRow>> {
  const { deps, tenant } = ctx;
  return withLockedRow(deps, 'test clock', lockTestClockById, [tenant, id], async (tx, current) => {
    const now = deps.clock.now();
    if (current.status === 'advancing') return fail(advancing(current));
    const row: TestClockRow = { ...current, deleted_at: now, updated_at: now };
    await writeAsOne(
      tx,
      [
        updateTestClockQuery(tx, tenant, id, { deleted_at: now, updated_at: now }),
        deleteClockCustomersQuery(tx, tenant, { clockId: id, now }),
        cancelClockJobsQuery(tx, tenant, id),
        insertEventsQuery(tx, [
          testClockEvent(ctx, { type: 'test_helpers.test_clock.deleted', row, now }),
        ]),
      ],
      { last: true },
    );
    return ok(row);
  });
}

/** The refusal of a change while an advance runs. */
export function advancing(row: TestClockRow) {
  return {
    code: 'test_clock_state_invalid' as const,
    message: `The test clock is advancing to ${row.advance_to?.toISOString()}: wait for it to be ready`,
    loc: ['status'],
    details: { status: row.status, advancing_to: row.advance_to?.toISOString() ?? null },
  };
}
