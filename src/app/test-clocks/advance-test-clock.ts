import { writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  claimTestClockAdvance,
  lockTestClockById,
  selectTestClockById,
  updateTestClockQuery,
} from '../../adapters/db/repos/test-clocks-repo.js';
import type { TestClockRow } from '../../adapters/db/schema-test-clocks.js';
import { transact } from '../../adapters/db/transact.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { checkAdvance, type TestClockStatus } from '../../domain/test-clocks/test-clock-rules.js';
import type { Processors } from '../../ports/payment-processor.js';
import type { AnyJobKind } from '../jobs/job-kinds.js';
import { type DueJobCounts, type JobLogger, runDueJobs } from '../jobs/run-due-jobs.js';
import type { ChangeContext } from '../shared/command-context.js';
import { advancing, testClockEvent } from './test-clocks.js';

/** What an advance runs the clock's jobs with: the kinds a worker runs, and the processors. */
export interface AdvanceContext extends ChangeContext {
  readonly processors: Processors;
  readonly jobKinds: readonly AnyJobKind[];
  readonly logger?: JobLogger | undefined;
}

/**
 * How long an advance holds its clock (by the database's clock): a second advance is
 * refused until it ends, or until this runs out when its process died.
 */
const ADVANCE_LEASE_MS = 10 * 60_000;

/**
 * Advances a test clock to `frozenTime` (later than its own, at most five years on): marks
 * it `advancing` (`test_helpers.test_clock.advancing`; a second advance meanwhile is `409
 * test_clock_state_invalid`), runs every job of the clock due up to that time in due order,
 * one at a time, each handler seeing `now()` = its `run_at` (jobs they schedule within the
 * window run too), then sets the clock's time and `ready` (`test_helpers.test_clock.ready`)
 * and answers it. A fault in Flint leaves it `internal_failure`; advancing again resumes.
 */
export async function advanceTestClock(
  ctx: AdvanceContext,
  { id, frozenTime }: { readonly id: string; readonly frozenTime: Date },
): Promise<Result<TestClockRow>> {
  const claimed = await claimAdvance(ctx, { id, frozenTime });
  if (!claimed.ok) return claimed;
  const to = claimed.value.advance_to as Date;
  try {
    await runClockJobs(ctx, { clockId: id, until: to });
  } catch (err) {
    await endAdvance(ctx, { id, to, status: 'internal_failure' });
    throw err;
  }
  return endAdvance(ctx, { id, to, status: 'ready' });
}

/** Takes the clock for this advance, in one transaction with its `advancing` event. */
function claimAdvance(
  ctx: ChangeContext,
  { id, frozenTime }: { readonly id: string; readonly frozenTime: Date },
): Promise<Result<TestClockRow>> {
  const { deps, tenant } = ctx;
  return transact(deps.db, async (tx) => {
    const current = await selectTestClockById(tx, tenant, id);
    if (!current) return fail(missing('test clock'));
    const to = checkAdvance(
      { frozenTime: current.frozen_time, status: current.status },
      frozenTime,
    );
    if (!to.ok) return to;
    const now = deps.clock.now();
    const row = await claimTestClockAdvance(tx, tenant, {
      id,
      to: to.value,
      leaseMs: ADVANCE_LEASE_MS,
      now,
    });
    if (!row) return fail(advancing(current));
    // Another advance may have ended between the read and the claim: check its time again.
    const still = checkAdvance({ frozenTime: row.frozen_time, status: row.status }, frozenTime);
    if (!still.ok) return still;
    await insertEventsQuery(tx, [
      testClockEvent(ctx, { type: 'test_helpers.test_clock.advancing', row, now }),
    ]).execute();
    return ok(row);
  });
}

/**
 * Runs the clock's jobs due up to `until`, one claim at a time so that a job a handler
 * schedules earlier than the rest still runs in its turn.
 */
export function runClockJobs(
  ctx: AdvanceContext,
  window: { readonly clockId: string; readonly until: Date },
): Promise<DueJobCounts> {
  return runDueJobs(
    ctx.deps,
    {
      kinds: ctx.jobKinds,
      owner: null,
      batch: 1,
      scope: { accountIds: [ctx.tenant.accountId] },
      processors: ctx.processors,
      logger: ctx.logger,
    },
    window,
  );
}

/**
 * Ends this advance: the clock at its new time and `ready`, or where it was and
 * `internal_failure`; with the event. An advance taken over meanwhile (its lease ran out)
 * leaves the clock to the one that took it.
 */
async function endAdvance(
  ctx: ChangeContext,
  { id, to, status }: { readonly id: string; readonly to: Date; readonly status: TestClockStatus },
): Promise<Result<TestClockRow>> {
  const { deps, tenant } = ctx;
  return transact(deps.db, async (tx) => {
    const current = await lockTestClockById(tx, tenant, id);
    if (!current) return fail(missing('test clock'));
    const ours = current.status === 'advancing' && current.advance_to?.getTime() === to.getTime();
    if (!ours) return ok(current);
    const now = deps.clock.now();
    const changes = {
      status,
      frozen_time: status === 'ready' ? to : current.frozen_time,
      advance_to: null,
      advance_until: null,
      updated_at: now,
    };
    const row: TestClockRow = { ...current, ...changes };
    const type = `test_helpers.test_clock.${status}` as const;
    await writeAsOne(
      tx,
      [
        updateTestClockQuery(tx, tenant, id, changes),
        insertEventsQuery(tx, [testClockEvent(ctx, { type, row, now })]),
      ],
      { last: true },
    );
    return ok(row);
  });
}
