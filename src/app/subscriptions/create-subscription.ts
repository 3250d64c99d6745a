import type { Kysely } from 'kysely';
import { writeAsOne } from '../../adapters/db/one-statement.js';
import { findCouponByCode } from '../../adapters/db/repos/coupons-repo.js';
import { selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  insertSubscriptionQuery,
  selectSubscriptionById,
  selectSubscriptionByRequestKey,
  selectSubscriptionSettings,
  updateSubscriptionQuery,
} from '../../adapters/db/repos/subscriptions-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type {
  SubscriptionCoupon,
  SubscriptionRow,
} from '../../adapters/db/schema-subscriptions.js';
import { transact } from '../../adapters/db/transact.js';
import { type Failure, fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import {
  type BillingPeriod,
  boundary,
  trialEndAfter,
} from '../../domain/subscriptions/billing-periods.js';
import type { CouponDuration } from '../../domain/subscriptions/subscription-values.js';
import type { LineItemInput } from '../orders/order-lines.js';
import type { AnswerOption } from '../shared/answer-once.js';
import type { CommandContext } from '../shared/command-context.js';
import { newOwnedRow } from '../shared/ids.js';
import { billPeriodIn, draftPeriodOrder, proratedLines } from './bill-period.js';
import { payFirstPeriod } from './first-payment.js';
import { paymentMethodOf, requireOwnMethod } from './payment-method-of.js';
import { cycleOf } from './renew-subscription.js';
import { depsOnClock } from './subscription-clock.js';
import { type ItemTerms, itemsOf, type SubscriptionItemInput } from './subscription-items.js';
import {
  INCOMPLETE_EXPIRY,
  INCOMPLETE_WINDOW_MS,
  scheduleCurrentPeriod,
  scheduleSubscriptionJob,
} from './subscription-schedule.js';
import { subscriptionEvent } from './subscription-views.js';

export type { SubscriptionItemInput };

export interface CreateSubscriptionInput {
  readonly customer_id: string;
  readonly items: readonly SubscriptionItemInput[];
  /** Overrides the plans' trial (0: none). */
  readonly trial_period_days?: number | undefined;
  readonly trial_end?: string | undefined;
  /** Where the periods start (after a first, prorated one from now): at most an interval away. */
  readonly billing_cycle_anchor?: string | undefined;
  readonly default_payment_method_id?: string | undefined;
  readonly coupon_code?: string | undefined;
  readonly coupon_duration?: CouponDuration | undefined;
  readonly coupon_duration_in_periods?: number | undefined;
  readonly cancel_at_period_end?: boolean | undefined;
  readonly metadata?: Metadata | undefined;
}

const at = (...loc: (string | number)[]) => ['subscription', ...loc];
const invalid = (message: string, ...loc: (string | number)[]): Failure => ({
  code: 'parameter_invalid',
  message,
  loc: at(...loc),
});

/**
 * Subscribes a customer to plans. With a trial, the trial is a period of its own billed at
 * 0 (an order and an invoice, paid at once), the subscription is `trialing` and nothing is
 * charged until it ends. Without one, the first period is billed now and charged to the
 * saved payment method with the customer present (3-D Secure may be asked: the
 * subscription stays `incomplete` until the invoice is paid, `incomplete_expired` after
 * 23 hours). Everything but that charge is one transaction; a retry with the same
 * Idempotency-Key finds the subscription it made and finishes its charge.
 */
export async function createSubscription(
  ctx: CommandContext,
  input: CreateSubscriptionInput,
  {
    answer,
    baseUrl = null,
  }: AnswerOption<SubscriptionRow> & { readonly baseUrl?: string | null } = {},
): Promise<Result<SubscriptionRow>> {
  const earlier = ctx.requestKey
    ? await selectSubscriptionByRequestKey(ctx.deps.db, ctx.tenant, ctx.requestKey)
    : undefined;
  if (earlier) return finish(ctx, earlier, { answer });
  const customer = await selectCustomerById(ctx.deps.db, ctx.tenant, input.customer_id);
  if (!customer) return fail({ ...missing('customer'), loc: at('customer_id') });
  const testClockId = customer.test_clock_id;
  const deps = await depsOnClock(ctx.deps, ctx.tenant, testClockId);
  const onClock: CommandContext = { ...ctx, deps };
  const now = deps.clock.now();
  const drafted = await draftSubscription(onClock, { input, now, testClockId, baseUrl });
  if (!drafted.ok) return drafted;
  const row = drafted.value;
  // A whole period must be billable (amounts within the limit) before a trial hides it.
  const billable = await draftPeriodOrder(deps.db, onClock, {
    row,
    bill: {
      index: 0,
      period: { start: row.current_period_start, end: row.current_period_end },
      reason: 'subscription_cycle',
      withCoupon: false,
    },
    now,
  });
  if (!billable.ok) return fail(asSubscriptionField(billable.error));
  const made = await transact(deps.db, async (tx) => {
    const billed = await writeNew(tx, onClock, { row, now });
    if (!billed.ok) return billed;
    const created = billed.value;
    // Only a first period with something left to pay needs a method: one a coupon or the
    // customer's credit pays in full is paid at once, with no card (as Stripe).
    if (created.status === 'incomplete' && !(await paymentMethodOf(tx, ctx.tenant, created))) {
      return fail({
        code: 'payment_method_missing',
        message:
          'The customer has no saved payment method to charge the first period: save one (POST /v1/customers/{id}/payment_methods) or start with a trial',
        loc: at('default_payment_method_id'),
      });
    }
    return ok(created);
  });
  if (!made.ok) return made;
  return finish(onClock, made.value, { answer });
}

/** The new subscription's row, checked: its items' plans agree, its trial, coupon, method. */
async function draftSubscription(
  ctx: CommandContext,
  p: {
    readonly input: CreateSubscriptionInput;
    readonly now: Date;
    readonly testClockId: string | null;
    readonly baseUrl: string | null;
  },
): Promise<Result<SubscriptionRow>> {
  const { deps, tenant } = ctx;
  const { input, now } = p;
  const items = await itemsOf(deps.db, tenant, input.items);
  if (!items.ok) return items;
  const { terms } = items.value;
  if (input.default_payment_method_id !== undefined) {
    const own = await requireOwnMethod(deps.db, tenant, {
      customerId: input.customer_id,
      paymentMethodId: input.default_payment_method_id,
      loc: at('default_payment_method_id'),
    });
    if (!own.ok) return own;
  }
  const coupon = await couponOf(deps.db, tenant, input, terms.currency);
  if (!coupon.ok) return coupon;
  const trialEnd = trialEndOf(input, terms.trial_period_days, now);
  if (!trialEnd.ok) return trialEnd;
  const anchorAt = anchorOf(input, { trialEnd: trialEnd.value, terms, now });
  if (!anchorAt.ok) return anchorAt;
  const anchor = anchorAt.value ?? trialEnd.value ?? now;
  const cycle = { anchor, interval: terms.interval, intervalCount: terms.interval_count };
  return ok({
    ...newOwnedRow('sub', tenant),
    customer_id: input.customer_id,
    status: trialEnd.value ? 'trialing' : 'incomplete',
    items: items.value.items,
    currency: terms.currency,
    interval: terms.interval,
    interval_count: terms.interval_count,
    billing_cycle_anchor: anchor,
    period_index: trialEnd.value ? -1 : 0,
    current_period_start: now,
    // A given anchor: the first period runs from now to it (billed prorated).
    current_period_end: trialEnd.value ?? anchorAt.value ?? boundary(cycle, 1),
    trial_start: trialEnd.value ? now : null,
    trial_end: trialEnd.value,
    cancel_at_period_end: input.cancel_at_period_end ?? false,
    canceled_at: null,
    ended_at: null,
    cancellation_reason: null,
    pause_collection: null,
    default_payment_method_id: input.default_payment_method_id ?? null,
    coupon: coupon.value,
    latest_invoice_id: null,
    test_clock_id: p.testClockId,
    version: 1,
    request_key: ctx.requestKey,
    base_url: p.baseUrl,
    pending_lines: [],
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  });
}

/** When the trial ends: `trial_end`, else `trial_period_days` (the plans' when not given). */
function trialEndOf(
  input: CreateSubscriptionInput,
  planDays: number | null,
  now: Date,
): Result<Date | null> {
  if (input.trial_end !== undefined && input.trial_period_days !== undefined) {
    return fail(invalid('Give trial_end or trial_period_days, not both', 'trial_end'));
  }
  if (input.trial_end !== undefined) {
    const end = new Date(input.trial_end);
    const max = trialEndAfter(now, 730);
    if (end.getTime() <= now.getTime() || end.getTime() > max.getTime()) {
      return fail(invalid('trial_end must be in the future, at most 730 days away', 'trial_end'));
    }
    return ok(end);
  }
  const days = input.trial_period_days ?? planDays ?? 0;
  return ok(days > 0 ? trialEndAfter(now, days) : null);
}

/**
 * `billing_cycle_anchor`: after now, at most one interval away (as Stripe), and not with a
 * trial (whose end is the anchor). Null when not given.
 */
function anchorOf(
  input: CreateSubscriptionInput,
  p: {
    readonly trialEnd: Date | null;
    readonly terms: Pick<ItemTerms, 'interval' | 'interval_count'>;
    readonly now: Date;
  },
): Result<Date | null> {
  if (input.billing_cycle_anchor === undefined) return ok(null);
  if (p.trialEnd) {
    return fail(
      invalid(
        'A trial ends on the anchor: give billing_cycle_anchor without a trial (trial_period_days: 0 skips the plan’s)',
        'billing_cycle_anchor',
      ),
    );
  }
  const anchor = new Date(input.billing_cycle_anchor);
  const cycle = {
    anchor: p.now,
    interval: p.terms.interval,
    intervalCount: p.terms.interval_count,
  };
  const latest = boundary(cycle, 1);
  if (anchor.getTime() <= p.now.getTime() || anchor.getTime() > latest.getTime()) {
    return fail(
      invalid(
        `billing_cycle_anchor must be after now and no later than one interval away (${latest.toISOString()})`,
        'billing_cycle_anchor',
      ),
    );
  }
  return ok(anchor);
}

/** The subscription's coupon: an active coupon of the account, for how many periods. */
async function couponOf(
  db: Kysely<Database>,
  tenant: CommandContext['tenant'],
  input: CreateSubscriptionInput,
  currency: string,
): Promise<Result<SubscriptionCoupon | null>> {
  if (input.coupon_code === undefined) {
    if (input.coupon_duration !== undefined || input.coupon_duration_in_periods !== undefined) {
      return fail(invalid('coupon_duration goes with coupon_code', 'coupon_duration'));
    }
    return ok(null);
  }
  const coupon = await findCouponByCode(db, tenant, input.coupon_code);
  if (!coupon) return fail({ ...missing('coupon'), loc: at('coupon_code') });
  if (!coupon.active) return fail(invalid('The coupon is inactive', 'coupon_code'));
  if (coupon.amount_off !== null && coupon.currency !== currency) {
    return fail({
      code: 'coupon_currency_mismatch',
      message: `The coupon takes ${coupon.currency} off; the subscription bills in ${currency}`,
      loc: at('coupon_code'),
    });
  }
  const duration = input.coupon_duration ?? 'once';
  const periods = input.coupon_duration_in_periods;
  if ((duration === 'repeating') !== (periods !== undefined)) {
    return fail(
      invalid(
        'coupon_duration_in_periods goes with coupon_duration "repeating", and only with it',
        'coupon_duration_in_periods',
      ),
    );
  }
  return ok({
    coupon_id: coupon.id,
    code: coupon.code,
    duration,
    duration_in_periods: periods ?? null,
    periods_used: 0,
  });
}

/**
 * A first period shorter than an interval (it ends on a `billing_cycle_anchor`): its lines
 * prorated against the whole period that ends there, as a change's are. A whole period
 * bills the items' own lines.
 */
function firstPeriodLines(
  row: SubscriptionRow,
  period: BillingPeriod,
): { readonly lines?: LineItemInput[] } {
  // Only a given anchor ends the first period (otherwise the anchor is its start).
  if (row.billing_cycle_anchor.getTime() !== period.end.getTime()) return {};
  const whole = boundary(cycleOf(row), -1);
  if (whole.getTime() >= period.start.getTime()) return {};
  return {
    lines: proratedLines(row.items, {
      periodStart: whole,
      periodEnd: period.end,
      at: period.start,
    }),
  };
}

/**
 * Writes the new subscription and its first period — the trial (billed at 0, paid at
 * once) or the first paid period (charged next, outside the transaction) — its jobs and
 * `customer.subscription.created`.
 */
async function writeNew(
  tx: Kysely<Database>,
  ctx: CommandContext,
  { row, now }: { readonly row: SubscriptionRow; readonly now: Date },
): Promise<Result<SubscriptionRow>> {
  await writeAsOne(tx, [insertSubscriptionQuery(tx, row)]);
  const trial = row.status === 'trialing';
  const period = { start: row.current_period_start, end: row.current_period_end };
  const billed = await billPeriodIn(tx, ctx, {
    row,
    bill: {
      index: row.period_index,
      period,
      reason: 'subscription_create',
      trial,
      withCoupon: !trial && row.coupon !== null,
      ...(trial ? {} : firstPeriodLines(row, period)),
    },
    now,
  });
  // A line the first period's order refuses (an archived product or tax rate): nothing is made.
  if (!billed.ok) return fail(asSubscriptionField(billed.error));
  const { invoice } = billed.value;
  const paidNow = !trial && invoice.status === 'paid';
  const coupon = !trial && row.coupon ? { ...row.coupon, periods_used: 1 } : row.coupon;
  const created: SubscriptionRow = {
    ...row,
    latest_invoice_id: invoice.id,
    coupon,
    status: paidNow ? 'active' : row.status,
  };
  const { id, account_id, mode, created_at, ...columns } = created;
  await writeAsOne(tx, [
    updateSubscriptionQuery(tx, ctx.tenant, id, columns),
    insertEventsQuery(tx, [
      subscriptionEvent(ctx, { type: 'customer.subscription.created', row: created }),
    ]),
  ]);
  const settings = await selectSubscriptionSettings(tx, ctx.tenant);
  await scheduleCurrentPeriod(tx, ctx.tenant, { row: created, settings, now });
  if (created.status === 'incomplete') {
    await scheduleSubscriptionJob(tx, ctx.tenant, {
      row: created,
      kind: INCOMPLETE_EXPIRY,
      step: 'incomplete_expiry',
      runAt: new Date(now.getTime() + INCOMPLETE_WINDOW_MS),
    });
  }
  return ok(created);
}

/** The first order's `order.line_items…` are the subscription's items' lines. */
function asSubscriptionField(failure: Failure): Failure {
  const [root] = failure.loc ?? [];
  return root === 'order' ? { ...failure, loc: ['subscription', 'items'] } : failure;
}

/** After the transaction: the first period's charge, if it waits for one; then the answer. */
async function finish(
  ctx: CommandContext,
  row: SubscriptionRow,
  { answer }: AnswerOption<SubscriptionRow>,
): Promise<Result<SubscriptionRow>> {
  if (row.status === 'incomplete' && row.latest_invoice_id) {
    await payFirstPeriod(ctx, { row });
  }
  const after = await selectSubscriptionById(ctx.deps.db, ctx.tenant, row.id);
  if (!after) throw new Error(`subscription ${row.id} vanished`);
  if (answer) await writeAsOne(ctx.deps.db, [answer(ctx.deps.db, after)]);
  return ok(after);
}
