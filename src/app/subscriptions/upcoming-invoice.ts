import type { Kysely } from 'kysely';
import { selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import type { Database, NewEventRow } from '../../adapters/db/schema.js';
import type { SubscriptionRow } from '../../adapters/db/schema-subscriptions.js';
import { creditAvailable } from '../../domain/customer-balance/balance-rules.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import { periodAt } from '../../domain/subscriptions/billing-periods.js';
import { renews } from '../../domain/subscriptions/subscription-state.js';
import {
  type UpcomingInvoiceView,
  upcomingInvoiceResource,
} from '../../resources/upcoming-invoice.js';
import { objectEvent } from '../events/record-events.js';
import type { ChangeContext, TenantContext } from '../shared/command-context.js';
import { couponApplies, credited, draftPeriodOrder, renewalLines } from './bill-period.js';
import { cycleOf } from './renew-subscription.js';
import { clockOfSubscription } from './subscription-clock.js';
import { getSubscription } from './subscription-views.js';

/**
 * The invoice a subscription's next period will make, priced as its renewal would price it
 * now (its lines, the coupon if it still applies then, the customer's credit), written
 * nowhere. Null when no period follows (canceled, set to cancel, or not renewing).
 */
export async function previewNextPeriod(
  db: Kysely<Database>,
  ctx: Pick<ChangeContext, 'tenant'>,
  { row, now }: { readonly row: SubscriptionRow; readonly now: Date },
): Promise<Result<UpcomingInvoiceView | null>> {
  if (!renews(row.status) || row.cancel_at_period_end) return ok(null);
  const period = periodAt(cycleOf(row), row.current_period_end);
  const drafted = await draftPeriodOrder(db, ctx, {
    row,
    bill: {
      index: row.period_index + 1,
      period,
      reason: 'subscription_cycle',
      withCoupon: couponApplies(row.coupon),
      // As the renewal bills them: with the prorations left for it.
      ...renewalLines(row),
    },
    now,
    // As the renewal bills it (`billIn`).
    keepArchived: true,
  });
  if (!drafted.ok) return drafted;
  const customer = await selectCustomerById(db, ctx.tenant, row.customer_id);
  const available = customer ? creditAvailable(customer, row.currency) : 0;
  const credit = Math.min(available, drafted.value.pricing.net.total);
  const order = credit > 0 ? credited(drafted.value, credit) : drafted.value;
  return ok({
    subscriptionId: row.id,
    billingReason: 'subscription_cycle',
    periodStart: period.start,
    periodEnd: period.end,
    order,
    prorationDate: null,
    unusedTimeCredit: 0,
    endingCredit: available - credit,
    subscriptionVersion: row.version,
  });
}

/** `GET /v1/subscriptions/{id}/upcoming_invoice`: the next period's invoice, previewed. */
export async function upcomingInvoice(
  { deps, tenant }: TenantContext,
  { id }: { readonly id: string },
): Promise<Result<UpcomingInvoiceView>> {
  const found = await getSubscription(deps, tenant, id);
  if (!found.ok) return found;
  const clock = await clockOfSubscription(deps, tenant, found.value);
  const preview = await previewNextPeriod(
    deps.db,
    { tenant },
    { row: found.value, now: clock.now() },
  );
  if (!preview.ok) return preview;
  if (!preview.value) {
    return fail({
      code: 'subscription_state_invalid',
      message: `Subscription ${id} bills no further period (it is ${found.value.status}${
        found.value.cancel_at_period_end ? ' and set to cancel at period end' : ''
      })`,
      loc: ['status'],
      details: { status: found.value.status },
    });
  }
  return ok(preview.value);
}

/** `invoice.upcoming`, about the subscription (its id), carrying the upcoming invoice. */
export async function upcomingInvoiceEvent(
  db: Kysely<Database>,
  ctx: ChangeContext,
  { row, now }: { readonly row: SubscriptionRow; readonly now: Date },
): Promise<NewEventRow | null> {
  const preview = await previewNextPeriod(db, ctx, { row, now });
  if (!preview.ok || !preview.value) return null;
  return objectEvent(ctx, {
    type: 'invoice.upcoming',
    objectType: 'subscription',
    objectId: row.id,
    object: upcomingInvoiceResource(preview.value),
    now,
  });
}
