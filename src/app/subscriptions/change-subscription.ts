import type { Kysely } from 'kysely';
import { selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import { selectOrderAggregate } from '../../adapters/db/repos/orders-repo.js';
import {
  lockSubscriptionById,
  selectSubscriptionById,
  selectSubscriptionPeriod,
  selectSubscriptionSettings,
} from '../../adapters/db/repos/subscriptions-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type {
  PendingLine,
  SubscriptionItem,
  SubscriptionRow,
} from '../../adapters/db/schema-subscriptions.js';
import { transact } from '../../adapters/db/transact.js';
import { creditAvailable } from '../../domain/customer-balance/balance-rules.js';
import { type Failure, fail, missing, ok, type Result } from '../../domain/errors.js';
import {
  type BillingPeriod,
  boundary,
  periodAt,
} from '../../domain/subscriptions/billing-periods.js';
import { type ProrationWindow, prorate } from '../../domain/subscriptions/proration.js';
import {
  moveSubscription,
  subscriptionFactsOf,
} from '../../domain/subscriptions/subscription-state.js';
import type { ProrationBehavior } from '../../domain/subscriptions/subscription-values.js';
import type { Tenant } from '../../domain/tenant.js';
import type { UpcomingInvoiceView } from '../../resources/upcoming-invoice.js';
import { addCustomerCreditIn } from '../customers/customer-balance.js';
import { SYSTEM_ACTOR } from '../events/record-events.js';
import { payInvoice } from '../invoices/pay-invoice.js';
import { priceWith } from '../orders/order-pricing.js';
import type { ChangeContext, CommandContext } from '../shared/command-context.js';
import {
  billIn,
  billPeriodIn,
  couponApplies,
  credited,
  draftPeriodOrder,
  type PeriodBill,
  periodLines,
  proratedLines,
} from './bill-period.js';
import { recordFailedAttempt } from './collect-period.js';
import { paymentMethodOf } from './payment-method-of.js';
import { cycleOf } from './renew-subscription.js';
import { depsOnClock } from './subscription-clock.js';
import { itemsOf, type SubscriptionItemInput } from './subscription-items.js';
import { scheduleCurrentPeriod } from './subscription-schedule.js';
import { writeSubscriptionChange } from './subscription-views.js';

/** A change of a subscription's plans or seats, as the preview and the change take it. */
export interface SubscriptionChangeInput {
  /** The items after the change: every plan it keeps (with its seats) and any new one. */
  readonly items: readonly SubscriptionItemInput[];
  /** `always_invoice` (default): the proration is billed and charged now; `none`: not at all. */
  readonly proration_behavior?: ProrationBehavior | undefined;
  /** Unix seconds in the current period: the preview's, so the change bills exactly it. */
  readonly proration_date?: number | undefined;
  /** The version the preview priced: a subscription changed since is refused (409). */
  readonly subscription_version?: number | undefined;
}

/** What a change does, decided before anything is written (the preview shows exactly this). */
interface ChangePlan {
  readonly items: SubscriptionItem[];
  readonly at: Date;
  /** Credit for the unused time of what the change removes, paid for this period. */
  readonly unusedCredit: number;
  /**
   * The lines billed for the rest of the period on the new terms (none: no invoice): now,
   * or with the next renewal (`create_prorations`).
   */
  readonly lines: PendingLine[];
  readonly prorate: boolean;
  /**
   * A change of billing interval: the cycle starts again at the change (`at` is the new
   * anchor) and its first period, on the new interval, is billed now in full (`lines`),
   * as Stripe resets the billing cycle anchor; absent: the period goes on.
   */
  readonly cycle?: {
    readonly interval: SubscriptionRow['interval'];
    readonly interval_count: number;
    readonly period: BillingPeriod;
  };
}

const at = (...loc: (string | number)[]) => ['subscription_change', ...loc];

/**
 * Decides a change at `proration_date` (default: now, in whole seconds): the new items, and
 * — for a subscription whose current period was paid, outside a trial, unless
 * `proration_behavior` is `none` — the proration (`domain/subscriptions/proration.ts`):
 * each removed or re-seated item's lines credited for the unused time at what they were
 * paid in this period (line total after discounts, with exclusive tax; rounded once per
 * line), and each added or re-seated item's lines charged for the time left at their unit
 * amount × quantity (rounded once per line), priced as an order (coupon, tax once per rate).
 */
async function planChange(
  db: Kysely<Database>,
  tenant: Tenant,
  p: { readonly row: SubscriptionRow; readonly input: SubscriptionChangeInput; readonly now: Date },
): Promise<Result<ChangePlan>> {
  const { row, input, now } = p;
  const allowed = moveSubscription(subscriptionFactsOf(row), 'update');
  if (!allowed.ok) return allowed;
  if (input.subscription_version !== undefined && input.subscription_version !== row.version) {
    return fail({
      code: 'resource_in_use',
      message: `The subscription changed since it was previewed (version ${row.version}, not ${input.subscription_version}): preview again`,
      loc: at('subscription_version'),
      details: { subscription_version: row.version },
    });
  }
  const when = prorationDate(row, input, now);
  if (!when.ok) return when;
  const items = await itemsOf(db, tenant, input.items, {
    items: row.items,
    terms: {
      currency: row.currency,
      interval: row.interval,
      interval_count: row.interval_count,
      trial_period_days: null,
    },
  });
  if (!items.ok) return fail(relocated(items.error));
  const next = items.value.items;
  const { terms } = items.value;
  if (terms.interval !== row.interval || terms.interval_count !== row.interval_count) {
    return planNewCycle(db, tenant, { row, input, items: next, terms, at: when.value });
  }
  const prorates =
    input.proration_behavior !== 'none' && (row.status === 'active' || row.status === 'past_due');
  if (!prorates)
    return ok({ items: next, at: when.value, unusedCredit: 0, lines: [], prorate: false });
  const window: ProrationWindow = {
    periodStart: row.current_period_start,
    periodEnd: row.current_period_end,
    at: when.value,
  };
  const same = (a: SubscriptionItem, b: SubscriptionItem) =>
    a.id === b.id && a.quantity === b.quantity;
  const removed = row.items.filter((old) => !next.some((n) => same(old, n)));
  const added = next.filter((n) => !row.items.some((old) => same(old, n)));
  const unusedCredit = await unusedTimeCredit(db, tenant, { row, removed, window });
  const lines = proratedLines(added, window);
  return ok({ items: next, at: when.value, unusedCredit, lines, prorate: true });
}

/**
 * A change to another billing interval (every item on plans of that interval). Active or
 * past due: the cycle starts again at the change — the unused time of the current period
 * credited (unless `proration_behavior` is `none`), the new interval's first period billed
 * now in full. In a trial: the trial goes on, and the periods after it bill on the new
 * interval. Other statuses keep their interval (422).
 */
async function planNewCycle(
  db: Kysely<Database>,
  tenant: Tenant,
  p: {
    readonly row: SubscriptionRow;
    readonly input: SubscriptionChangeInput;
    readonly items: SubscriptionItem[];
    readonly terms: Pick<SubscriptionRow, 'interval' | 'interval_count'>;
    readonly at: Date;
  },
): Promise<Result<ChangePlan>> {
  const { row, items, terms, at: when } = p;
  const cadence = { interval: terms.interval, interval_count: terms.interval_count };
  if (row.status === 'trialing') {
    const period = { start: row.current_period_start, end: row.current_period_end };
    return ok({
      items,
      at: when,
      unusedCredit: 0,
      lines: [],
      prorate: false,
      cycle: { ...cadence, period },
    });
  }
  if (row.status !== 'active' && row.status !== 'past_due') {
    return fail({
      code: 'parameter_invalid',
      message: `A ${row.status} subscription keeps its billing interval (every ${row.interval_count} ${row.interval}): change it while active, past due or trialing`,
      loc: at('items'),
    });
  }
  const window: ProrationWindow = {
    periodStart: row.current_period_start,
    periodEnd: row.current_period_end,
    at: when,
  };
  const unusedCredit =
    p.input.proration_behavior === 'none'
      ? 0
      : await unusedTimeCredit(db, tenant, { row, removed: row.items, window });
  const cycle = { anchor: when, interval: terms.interval, intervalCount: terms.interval_count };
  const period = { start: when, end: boundary(cycle, 1) };
  return ok({
    items,
    at: when,
    unusedCredit,
    lines: periodLines({ items }),
    prorate: p.input.proration_behavior !== 'none',
    cycle: { ...cadence, period },
  });
}

/** The change's instant: the given `proration_date` within the current period, else now. */
function prorationDate(
  row: SubscriptionRow,
  input: SubscriptionChangeInput,
  now: Date,
): Result<Date> {
  const seconds = input.proration_date ?? Math.floor(now.getTime() / 1000);
  const date = new Date(seconds * 1000);
  const start = row.current_period_start.getTime();
  if (date.getTime() < start || date.getTime() > Math.max(now.getTime(), start)) {
    return fail({
      code: 'parameter_invalid',
      message: 'proration_date must be in the current period, and not after now',
      loc: at('proration_date'),
    });
  }
  return ok(date);
}

/**
 * What the removed items' lines were paid in the current period (its order, when fully
 * paid and not refunded), each prorated once for the time left.
 */
async function unusedTimeCredit(
  db: Kysely<Database>,
  tenant: Tenant,
  p: {
    readonly row: SubscriptionRow;
    readonly removed: readonly SubscriptionItem[];
    readonly window: ProrationWindow;
  },
): Promise<number> {
  if (p.removed.length === 0) return 0;
  const period = await selectSubscriptionPeriod(db, tenant, {
    subscriptionId: p.row.id,
    index: p.row.period_index,
  });
  if (!period?.order_id) return 0;
  const order = await selectOrderAggregate(db, tenant, period.order_id);
  if (order?.order.balance !== 0 || order.order.refunded !== 0 || order.order.paid === 0) {
    return 0;
  }
  const pricing = priceWith(order, order.taxRates);
  const ids = new Set(p.removed.map((item) => item.id));
  let credit = 0;
  order.lines.forEach((line, i) => {
    const priced = pricing.lines[i];
    if (priced && ids.has(line.metadata.subscription_item_id ?? '')) {
      credit += prorate(priced.total, p.window);
    }
  });
  return credit;
}

/** An item's error is the change's. */
function relocated(failure: Failure): Failure {
  const [root, ...rest] = failure.loc ?? [];
  return root === 'subscription' ? { ...failure, loc: at(...rest) } : failure;
}

/** Reads the subscription in its clock's time. */
async function onClock(ctx: ChangeContext, id: string) {
  const row = await selectSubscriptionById(ctx.deps.db, ctx.tenant, id);
  if (!row) return null;
  const deps = await depsOnClock(ctx.deps, ctx.tenant, row.test_clock_id);
  return { row, deps };
}

/**
 * `POST /v1/subscriptions/{id}/preview`: what the change would bill now, written nowhere —
 * the same plan the change makes, so a change given its `proration_date` (and
 * `subscription_version`) bills exactly this.
 */
export async function previewSubscriptionChange(
  ctx: ChangeContext,
  { id, input }: { readonly id: string; readonly input: SubscriptionChangeInput },
): Promise<Result<UpcomingInvoiceView>> {
  const found = await onClock(ctx, id);
  if (!found) return fail(missing('subscription'));
  const { row, deps } = found;
  const plan = await planChange(deps.db, ctx.tenant, { row, input, now: deps.clock.now() });
  if (!plan.ok) return plan;
  const customer = await selectCustomerById(deps.db, ctx.tenant, row.customer_id);
  const available =
    (customer ? creditAvailable(customer, row.currency) : 0) + plan.value.unusedCredit;
  const bill = billOf(row, plan.value, input);
  const drafted = await draftPeriodOrder(deps.db, ctx, {
    row: { ...row, items: plan.value.items },
    bill,
    now: plan.value.at,
    // As the change bills it (`billIn`): the unused time of an archived product is credited.
    keepArchived: true,
  });
  if (!drafted.ok) return fail(relocated(drafted.error));
  const credit = Math.min(available, drafted.value.pricing.net.total);
  return ok({
    subscriptionId: row.id,
    billingReason: bill.reason,
    periodStart: bill.period.start,
    periodEnd: bill.period.end,
    order: credit > 0 ? credited(drafted.value, credit) : drafted.value,
    prorationDate: plan.value.at,
    unusedTimeCredit: plan.value.unusedCredit,
    endingCredit: available - credit,
    subscriptionVersion: row.version,
  });
}

/**
 * What a change bills: a new cycle's first period now (a period of its own, claimed like a
 * renewal's, with the coupon while it lasts); with `create_prorations`, the next renewal,
 * its lines and every proration waiting for it; else the proration of the current period
 * now.
 */
function billOf(
  row: SubscriptionRow,
  plan: ChangePlan,
  input: SubscriptionChangeInput,
): PeriodBill {
  if (!plan.cycle && billedLater(plan, input)) {
    return {
      index: row.period_index + 1,
      period: periodAt(cycleOf(row), row.current_period_end),
      reason: 'subscription_cycle',
      lines: [...periodLines({ items: plan.items }), ...row.pending_lines, ...plan.lines],
      withCoupon: couponApplies(row.coupon),
    };
  }
  if (!plan.cycle) return prorationBill(row, plan);
  return {
    index: row.period_index + 1,
    period: plan.cycle.period,
    reason: 'subscription_update',
    lines: plan.lines,
    withCoupon: couponApplies(row.coupon),
  };
}

/** `create_prorations`: the proration waits for the next renewal (a new cycle never does). */
function billedLater(plan: ChangePlan, input: SubscriptionChangeInput): boolean {
  return input.proration_behavior === 'create_prorations' && plan.prorate && !plan.cycle;
}

function prorationBill(row: SubscriptionRow, plan: ChangePlan): PeriodBill {
  return {
    index: row.period_index,
    period: { start: plan.at, end: row.current_period_end },
    reason: 'subscription_update' as const,
    lines: plan.lines,
    withCoupon: row.coupon !== null && couponCoversCurrent(row.coupon),
    proration: true,
  };
}

/** The coupon discounted the current period: its proration gets it too. */
function couponCoversCurrent(coupon: NonNullable<SubscriptionRow['coupon']>): boolean {
  if (coupon.duration === 'forever') return true;
  const periods = coupon.duration === 'once' ? 1 : (coupon.duration_in_periods ?? 0);
  return coupon.periods_used > 0 && coupon.periods_used <= periods;
}

/**
 * `POST /v1/subscriptions/{id}/change`: the new items take effect at `proration_date`. In
 * one transaction under the subscription's lock: the unused time is credited to the
 * customer's balance (`unused_time`), the proration is billed (an order and an invoice,
 * `subscription_update`, the customer's credit taken off first: paid at once when that
 * covers it) and the subscription gets its new items and version. Then, outside the
 * transaction, what is left is charged to the saved payment method; a decline is dunned
 * like a renewal's.
 */
export async function changeSubscription(
  ctx: CommandContext,
  { id, input }: { readonly id: string; readonly input: SubscriptionChangeInput },
): Promise<Result<SubscriptionRow>> {
  const found = await onClock(ctx, id);
  if (!found) return fail(missing('subscription'));
  const { deps } = found;
  const c = { ...ctx, deps };
  const made = await transact(deps.db, async (tx) => {
    const row = await lockSubscriptionById(tx, ctx.tenant, id);
    if (!row) return fail(missing('subscription'));
    const now = deps.clock.now();
    const plan = await planChange(tx, ctx.tenant, { row, input, now });
    if (!plan.ok) return plan;
    if (plan.value.unusedCredit > 0) {
      const credited = await addCustomerCreditIn(tx, ctx.tenant, {
        customerId: row.customer_id,
        amount: plan.value.unusedCredit,
        currency: row.currency,
        type: 'unused_time',
        description: `Unused time on subscription ${row.id}`,
        now,
      });
      if (!credited.ok) return fail(relocated(credited.error));
    }
    let invoiceId: string | null = null;
    const { cycle, items, lines } = plan.value;
    const later = billedLater(plan.value, input);
    const bill = billOf(row, plan.value, input);
    if (lines.length > 0 && !later) {
      const p = { row: { ...row, items }, bill, now };
      const billed = cycle ? await billPeriodIn(tx, c, p) : await billIn(tx, c, p);
      if (!billed.ok) return fail(relocated(billed.error));
      invoiceId = billed.value.invoice.id;
    }
    // A new cycle billed: its first period is the current one, renewed at its end.
    const restarts = cycle !== undefined && invoiceId !== null;
    const changed = await writeSubscriptionChange(tx, c, {
      current: row,
      changes: {
        items,
        ...(later && lines.length > 0 ? { pending_lines: [...row.pending_lines, ...lines] } : {}),
        ...(cycle ? { interval: cycle.interval, interval_count: cycle.interval_count } : {}),
        ...(restarts
          ? {
              billing_cycle_anchor: plan.value.at,
              period_index: bill.index,
              current_period_start: bill.period.start,
              current_period_end: bill.period.end,
              ...(bill.withCoupon && row.coupon
                ? { coupon: { ...row.coupon, periods_used: row.coupon.periods_used + 1 } }
                : {}),
            }
          : {}),
        ...(invoiceId ? { latest_invoice_id: invoiceId } : {}),
      },
      now,
    });
    if (restarts) {
      const settings = await selectSubscriptionSettings(tx, ctx.tenant);
      await scheduleCurrentPeriod(tx, ctx.tenant, { row: changed, settings, now });
    }
    return ok({ changed, invoiceId });
  });
  if (!made.ok) return made;
  const { changed, invoiceId } = made.value;
  if (invoiceId) await chargeProration(c, { row: changed, invoiceId });
  const after = await selectSubscriptionById(deps.db, ctx.tenant, id);
  return after ? ok(after) : fail(missing('subscription'));
}

/** The proration's charge, off-session; a decline starts its dunning (`recordFailedAttempt`). */
async function chargeProration(
  ctx: CommandContext,
  { row, invoiceId }: { readonly row: SubscriptionRow; readonly invoiceId: string },
): Promise<void> {
  const method = await paymentMethodOf(ctx.deps.db, ctx.tenant, row);
  let declineCode = 'no_payment_method';
  if (method) {
    const paid = await payInvoice(
      { ...ctx, actor: SYSTEM_ACTOR, requestKey: `subscription:${row.id}:change:${invoiceId}` },
      { id: invoiceId, payment: { payment_method_id: method.id, off_session: true } },
    );
    if (paid.ok) {
      const intent = paid.value.paymentIntent;
      if (!intent || intent.status === 'succeeded') return;
      declineCode = intent.failure_code ?? 'card_declined';
    } else if (paid.error.code === 'invoice_state_invalid') {
      return;
    } else {
      declineCode = paid.error.code;
    }
  }
  const now = ctx.deps.clock.now();
  await transact(ctx.deps.db, async (tx) => {
    await recordFailedAttempt(tx, ctx, {
      invoiceId,
      attempt: 1,
      declineCode,
      firstFailure: now,
      now,
    });
    return ok(undefined);
  });
}

/**
 * A subscription canceled now with `prorate`: the unused time of every item is credited to
 * the customer's balance, in the cancel's transaction (active or past due only: a trial
 * was not paid).
 */
export async function creditUnusedTime(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  { row, now }: { readonly row: SubscriptionRow; readonly now: Date },
): Promise<Result<number>> {
  if (row.status !== 'active' && row.status !== 'past_due') return ok(0);
  const window = {
    periodStart: row.current_period_start,
    periodEnd: row.current_period_end,
    at: now,
  };
  const credit = await unusedTimeCredit(tx, ctx.tenant, { row, removed: row.items, window });
  if (credit === 0) return ok(0);
  const added = await addCustomerCreditIn(tx, ctx.tenant, {
    customerId: row.customer_id,
    amount: credit,
    currency: row.currency,
    type: 'unused_time',
    description: `Unused time on subscription ${row.id}`,
    now,
  });
  return added.ok ? ok(credit) : added;
}
