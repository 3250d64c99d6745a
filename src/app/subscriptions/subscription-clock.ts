import type { SubscriptionRow } from '../../adapters/db/schema-subscriptions.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Clock } from '../../ports/clock.js';
import type { Deps } from '../shared/deps.js';
import { clockOf, depsOnClock } from '../test-clocks/clock-time.js';

export { depsOnClock };

/**
 * The time a subscription lives in: its customer's test clock (frozen until advanced), or
 * real time. Its commands stamp and schedule with this clock, so its jobs carry the clock's
 * id and only an advance of that clock runs them.
 */
export function clockOfSubscription(
  deps: Deps,
  tenant: Tenant,
  row: Pick<SubscriptionRow, 'test_clock_id'>,
): Promise<Clock> {
  return clockOf(deps, tenant, row.test_clock_id);
}
