import type { Kysely } from 'kysely';
import { lockSubscriptionWithSettings } from '../../adapters/db/repos/subscriptions-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { SubscriptionRow } from '../../adapters/db/schema-subscriptions.js';
import { type BillingCycle, periodAt } from '../../domain/subscriptions/billing-periods.js';
import { renews, statusAfter } from '../../domain/subscriptions/subscription-state.js';
import type { SubscriptionEvent } from '../../domain/subscriptions/subscription-values.js';
import type { ChangeContext } from '../shared/command-context.js';
import { billPeriodIn, couponApplies, renewalLines } from './bill-period.js';
import { hasChargeableMethod } from './payment-method-of.js';
import { CHARGE, scheduleCurrentPeriod, scheduleSubscriptionJob } from './subscription-schedule.js';
import {
  type SubscriptionChanges,
  type SubscriptionEventType,
  writeSubscriptionChange,
} from './subscription-views.js';

/** The billing cycle of a subscription's row. */
export function cycleOf(
  row: Pick<SubscriptionRow, 'billing_cycle_anchor' | 'interval' | 'interval_count'>,
): BillingCycle {
  return {
    anchor: row.billing_cycle_anchor,
    interval: row.interval,
    intervalCount: row.interval_count,
  };
}

/** What a renewal did, for the handler's log and the tests. */
export type RenewalOutcome =
  | 'not_due'
  | 'canceled'
  | 'paused'
  | 'skipped'
  | 'billed_paid'
  | 'billed_charging'
  | 'billed_unattempted';

/**
 * A subscription's period `index` begins (its renewal job, at the previous period's end), in
 * the job's transaction, under the subscription's lock: only when the subscription is still
 * on period `index − 1` and still renews (a renewal run twice, or after a cancel, does
 * nothing). Then, in order:
 * - set to cancel at period end: it is canceled now (`customer.subscription.deleted`);
 * - a trial ending with nothing to charge it to: the account's `missing_payment_method`
 *   (cancel, pause — status `paused` — or bill and leave the invoice open);
 * - collection paused with `void`: the period advances with no invoice;
 * - otherwise the period is billed (`billPeriodIn`): paid at once when nothing is due,
 *   else its charge is scheduled now (a job of its own: the processor is never called in
 *   a transaction); with collection paused `keep_as_draft`, the invoice stays a draft.
 * The next period's jobs are scheduled with it.
 */
export async function renewIn(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: { readonly id: string; readonly index: number; readonly now: Date },
): Promise<RenewalOutcome> {
  const { tenant } = ctx;
  const locked = await lockSubscriptionWithSettings(tx, tenant, p.id);
  const current = locked?.row;
  if (!locked || !current || current.period_index !== p.index - 1 || !renews(current.status)) {
    return 'not_due';
  }
  const { settings } = locked;
  const { now } = p;
  const period = periodAt(cycleOf(current), current.current_period_end);
  const advance: SubscriptionChanges = {
    period_index: p.index,
    current_period_start: period.start,
    current_period_end: period.end,
  };
  if (current.cancel_at_period_end) {
    await end(tx, ctx, { current, event: 'period_end_cancel', now, reason: 'requested' });
    return 'canceled';
  }
  const trialEnds = current.status === 'trialing';
  if (trialEnds && !(await hasChargeableMethod(tx, tenant, current))) {
    const missing = settings.missing_payment_method;
    if (missing === 'cancel') {
      await end(tx, ctx, {
        current,
        event: 'trial_ended_without_method_cancel',
        now,
        reason: 'trial_ended_without_payment_method',
      });
      return 'canceled';
    }
    if (missing === 'pause') {
      await move(tx, ctx, {
        current,
        event: 'trial_ended_without_method_pause',
        changes: {},
        types: ['customer.subscription.paused'],
        now,
      });
      return 'paused';
    }
  }
  const paused = current.pause_collection;
  if (paused?.behavior === 'void') {
    const row = await move(tx, ctx, { current, event: null, changes: advance, now });
    await scheduleCurrentPeriod(tx, tenant, { row, settings, now });
    return 'skipped';
  }
  const coupon = current.coupon;
  const withCoupon = couponApplies(coupon);
  // Prorations a change left for this renewal (`create_prorations`) are billed with it.
  const pending = current.pending_lines;
  const billed = await billPeriodIn(tx, ctx, {
    row: current,
    bill: {
      index: p.index,
      period,
      reason: 'subscription_cycle',
      withCoupon,
      draft: paused !== null,
      ...renewalLines(current),
    },
    now,
  });
  if (!billed.ok) throw new Error(billed.error.message);
  const { invoice } = billed.value;
  const changes: SubscriptionChanges = {
    ...advance,
    latest_invoice_id: invoice.id,
    ...(pending.length > 0 ? { pending_lines: [] } : {}),
    ...(withCoupon && coupon
      ? { coupon: { ...coupon, periods_used: coupon.periods_used + 1 } }
      : {}),
  };
  let outcome: RenewalOutcome;
  let event: SubscriptionEvent | null;
  if (invoice.status === 'paid') {
    outcome = 'billed_paid';
    event = 'period_paid';
  } else if (invoice.status === 'draft') {
    outcome = 'billed_unattempted';
    event = trialEnds ? 'trial_ended' : null;
  } else if (current.status === 'unpaid') {
    outcome = 'billed_unattempted';
    event = 'period_unattempted';
  } else {
    // Charged by its job even with no method to charge: the job then records a
    // `no_payment_method` decline (hard), so the subscription goes past_due and the buyer
    // is asked to pay, rather than staying active on an invoice no one collects.
    outcome = 'billed_charging';
    event = trialEnds ? 'trial_ended' : null;
    await scheduleSubscriptionJob(tx, tenant, {
      row: current,
      kind: CHARGE,
      step: `charge:${invoice.id}:1`,
      runAt: now,
      payload: { invoice_id: invoice.id, attempt: 1 },
    });
  }
  const row = await move(tx, ctx, { current, event, changes, now });
  await scheduleCurrentPeriod(tx, tenant, { row, settings, now });
  return outcome;
}

/** A change of the locked subscription, its status moved by `event` (if the table has it). */
export async function move(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: {
    readonly current: SubscriptionRow;
    readonly event: SubscriptionEvent | null;
    readonly changes: SubscriptionChanges;
    readonly now: Date;
    readonly types?: readonly SubscriptionEventType[];
  },
): Promise<SubscriptionRow> {
  const status = p.event
    ? (statusAfter(p.current.status, p.event) ?? p.current.status)
    : p.current.status;
  return writeSubscriptionChange(tx, ctx, {
    current: p.current,
    changes: { ...p.changes, status },
    now: p.now,
    types: p.types,
  });
}

/** Ends the locked subscription: canceled now, `customer.subscription.deleted`. */
export async function end(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: {
    readonly current: SubscriptionRow;
    readonly event: SubscriptionEvent | 'cancel';
    readonly now: Date;
    readonly reason: NonNullable<SubscriptionRow['cancellation_reason']>;
  },
): Promise<SubscriptionRow> {
  return writeSubscriptionChange(tx, ctx, {
    current: p.current,
    changes: {
      status: 'canceled',
      canceled_at: p.current.canceled_at ?? p.now,
      ended_at: p.now,
      cancellation_reason: p.reason,
      cancel_at_period_end: false,
    },
    now: p.now,
    types: ['customer.subscription.deleted'],
  });
}
