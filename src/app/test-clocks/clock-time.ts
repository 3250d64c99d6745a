import { selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import {
  selectOrderClockTime,
  selectTestClockTime,
} from '../../adapters/db/repos/test-clocks-repo.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Clock } from '../../ports/clock.js';
import type { TenantContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';

// The time a customer lives in: a test clock's (its `frozen_time`) for a customer made on
// one, real time otherwise. What such a customer does happens in that time, and the jobs it
// schedules carry the clock's id (`clockId: clock.id ?? null`), so they run only when the
// clock is advanced, each at its own `run_at`.

/**
 * The clock of `testClockId` (null: `deps.clock`, marked `resolved` so that `onOrderClock`
 * does not look the customer's clock up again). Deps already on that clock keep their
 * time: a job of the clock runs with `now()` = its `run_at`, before the clock has moved.
 * A clock deleted meanwhile still answers its last time.
 */
export async function clockOf(
  deps: Deps,
  tenant: Tenant,
  testClockId: string | null,
): Promise<Clock> {
  const base = deps.clock;
  if (testClockId === null) {
    return base.id !== undefined || base.resolved
      ? base
      : { now: () => base.now(), resolved: true };
  }
  if (base.id === testClockId) return base;
  const frozen = await selectTestClockTime(deps.db, tenant, testClockId);
  if (!frozen) throw new Error(`test clock ${testClockId} does not exist`);
  return { id: testClockId, now: () => frozen, resolved: true };
}

/** `deps` with the clock of `testClockId` (see `clockOf`). */
export async function depsOnClock(
  deps: Deps,
  tenant: Tenant,
  testClockId: string | null,
): Promise<Deps> {
  const clock = await clockOf(deps, tenant, testClockId);
  return clock === deps.clock ? deps : { ...deps, clock };
}

/**
 * The clock a customer lives on: its test clock's, or `deps.clock` (also for a customer
 * that does not exist: the caller refuses it its own way).
 */
export async function customerClock(
  deps: Deps,
  tenant: Tenant,
  customerId: string,
): Promise<Clock> {
  const customer = await selectCustomerById(deps.db, tenant, customerId);
  return clockOf(deps, tenant, customer?.test_clock_id ?? null);
}

/**
 * `ctx` in the time of an order's customer: a request paying (or settling a payment of) an
 * order of a customer on a test clock stamps the clock's time, and what it schedules (a
 * payment's 3-D Secure hold) runs when that clock is advanced. Test mode only (clocks are
 * test objects); a clock already resolved (a job's, or an earlier lookup) is kept, so a
 * command looks it up once.
 */
export async function onOrderClock<C extends TenantContext>(ctx: C, orderId: string): Promise<C> {
  const base = ctx.deps.clock;
  if (ctx.tenant.mode !== 'test' || base.id !== undefined || base.resolved) return ctx;
  const found = await selectOrderClockTime(ctx.deps.db, ctx.tenant, orderId);
  const clock: Clock = found
    ? { id: found.id, now: () => found.frozen_time, resolved: true }
    : { now: () => base.now(), resolved: true };
  return { ...ctx, deps: { ...ctx.deps, clock } };
}

/**
 * The time a command acting on an order stamps: its customer's test clock's (`clockTime`,
 * read with the order), unless the command already runs on a clock (a job's, one looked
 * up), else `realNow`.
 */
export function onClockNow(clock: Clock, clockTime: Date | null, realNow: Date): Date {
  return clockTime && clock.id === undefined && !clock.resolved ? clockTime : realNow;
}
