import type { Kysely } from 'kysely';
import {
  lockSubscriptionById,
  selectSubscriptionById,
  selectSubscriptionSettings,
} from '../../adapters/db/repos/subscriptions-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { PauseCollection, SubscriptionRow } from '../../adapters/db/schema-subscriptions.js';
import { transact } from '../../adapters/db/transact.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, updatedMetadata } from '../../domain/metadata.js';
import { boundary } from '../../domain/subscriptions/billing-periods.js';
import { moveSubscription } from '../../domain/subscriptions/subscription-state.js';
import type {
  PauseBehavior,
  SubscriptionAction,
} from '../../domain/subscriptions/subscription-values.js';
import type { ChangeContext } from '../shared/command-context.js';
import { billPeriodIn, couponApplies } from './bill-period.js';
import { creditUnusedTime } from './change-subscription.js';
import { hasChargeableMethod, requireOwnMethod } from './payment-method-of.js';
import { cycleOf, end } from './renew-subscription.js';
import { depsOnClock } from './subscription-clock.js';
import {
  CHARGE,
  COLLECTION_RESUMES,
  scheduleCurrentPeriod,
  scheduleSubscriptionJob,
} from './subscription-schedule.js';
import {
  type SubscriptionChanges,
  type SubscriptionEventType,
  writeSubscriptionChange,
} from './subscription-views.js';

/** What a caller's action does to a locked subscription, the table having allowed it. */
type Step = (
  tx: Kysely<Database>,
  p: { readonly current: SubscriptionRow; readonly now: Date; readonly ctx: ChangeContext },
) => Promise<Result<SubscriptionRow>>;

/**
 * One caller's action on a subscription, written once for every action: in its clock's
 * time, under its lock, the transition table decides whether `action` is allowed (a 409
 * naming those that are), then `step` writes it and its events.
 */
export async function actOnSubscription(
  ctx: ChangeContext,
  {
    id,
    action,
    step,
  }: { readonly id: string; readonly action: SubscriptionAction; readonly step: Step },
): Promise<Result<SubscriptionRow>> {
  const found = await selectSubscriptionById(ctx.deps.db, ctx.tenant, id);
  if (!found) return fail(missing('subscription'));
  const deps = await depsOnClock(ctx.deps, ctx.tenant, found.test_clock_id);
  const onClock = { ...ctx, deps };
  return transact(deps.db, async (tx) => {
    const current = await lockSubscriptionById(tx, ctx.tenant, id);
    if (!current) return fail(missing('subscription'));
    const allowed = moveSubscription(
      {
        status: current.status,
        cancelAtPeriodEnd: current.cancel_at_period_end,
        collectionPaused: current.pause_collection !== null,
      },
      action,
    );
    if (!allowed.ok) return allowed;
    return step(tx, { current, now: deps.clock.now(), ctx: onClock });
  });
}

const write =
  (
    changes: (current: SubscriptionRow, now: Date) => SubscriptionChanges,
    types?: SubscriptionEventType[],
  ): Step =>
  async (tx, { current, now, ctx }) =>
    ok(
      await writeSubscriptionChange(tx, ctx, {
        current,
        changes: changes(current, now),
        now,
        types,
      }),
    );

export interface UpdateSubscriptionInput {
  readonly default_payment_method_id?: string | null | undefined;
  readonly cancel_at_period_end?: boolean | undefined;
  readonly metadata?: Metadata | undefined;
}

/** Changes what is given: metadata (merged), the payment method, cancel at period end. */
export function updateSubscription(
  ctx: ChangeContext,
  { id, changes }: { readonly id: string; readonly changes: UpdateSubscriptionInput },
): Promise<Result<SubscriptionRow>> {
  return actOnSubscription(ctx, {
    id,
    action: 'update',
    step: async (tx, p) => {
      const method = changes.default_payment_method_id;
      if (method) {
        const own = await requireOwnMethod(tx, ctx.tenant, {
          customerId: p.current.customer_id,
          paymentMethodId: method,
          loc: ['subscription', 'default_payment_method_id'],
        });
        if (!own.ok) return own;
      }
      const metadata = updatedMetadata(p.current.metadata, changes.metadata, 'subscription');
      if (!metadata.ok) return metadata;
      const cancel = changes.cancel_at_period_end;
      return write((current, now) => ({
        metadata: metadata.value,
        ...(method !== undefined ? { default_payment_method_id: method } : {}),
        // As the cancel_at_period_end and reactivate actions: canceled_at is when it was asked.
        ...(cancel !== undefined &&
        current.status !== 'incomplete' &&
        cancel !== current.cancel_at_period_end
          ? { cancel_at_period_end: cancel, canceled_at: cancel ? now : null }
          : {}),
      }))(tx, p);
    },
  });
}

/**
 * Cancels now: `canceled`, `customer.subscription.deleted`. Open invoices stay open (they
 * can still be paid or voided); no period is billed again. With `prorate`, the unused time
 * of the current period (what it was paid, prorated once per line) is credited to the
 * customer's balance, as a change removing every item would.
 */
export function cancelSubscription(
  ctx: ChangeContext,
  { id, prorate = false }: { readonly id: string; readonly prorate?: boolean | undefined },
): Promise<Result<SubscriptionRow>> {
  return actOnSubscription(ctx, {
    id,
    action: 'cancel',
    step: async (tx, { current, now, ctx: c }) => {
      if (prorate) {
        const credited = await creditUnusedTime(tx, c, { row: current, now });
        if (!credited.ok) return credited;
      }
      return ok(await end(tx, c, { current, event: 'cancel', now, reason: 'requested' }));
    },
  });
}

/** Cancels at the end of the current period (`cancel_at`); `reactivate` undoes it before then. */
export function cancelAtPeriodEnd(ctx: ChangeContext, { id }: { readonly id: string }) {
  return actOnSubscription(ctx, {
    id,
    action: 'cancel_at_period_end',
    step: write((_c, now) => ({ cancel_at_period_end: true, canceled_at: now })),
  });
}

/** A subscription set to cancel at period end renews again. */
export function reactivateSubscription(ctx: ChangeContext, { id }: { readonly id: string }) {
  return actOnSubscription(ctx, {
    id,
    action: 'reactivate',
    step: write(() => ({ cancel_at_period_end: false, canceled_at: null })),
  });
}

export interface PauseCollectionInput {
  readonly behavior: PauseBehavior;
  readonly resumes_at?: string | undefined;
}

/**
 * Pauses collection (the status stays): while paused, a period's invoice is not made
 * (`void`) or kept a draft and not charged (`keep_as_draft`); `resumes_at` ends it by itself.
 */
export function pauseCollection(
  ctx: ChangeContext,
  { id, input }: { readonly id: string; readonly input: PauseCollectionInput },
) {
  return actOnSubscription(ctx, {
    id,
    action: 'pause_collection',
    step: async (tx, p) => {
      const resumesAt = input.resumes_at === undefined ? null : new Date(input.resumes_at);
      if (resumesAt && resumesAt.getTime() <= p.now.getTime()) {
        return fail({
          code: 'parameter_invalid',
          message: 'resumes_at must be in the future',
          loc: ['pause_collection', 'resumes_at'],
        });
      }
      const pause: PauseCollection = {
        behavior: input.behavior,
        resumes_at: resumesAt?.toISOString() ?? null,
      };
      if (resumesAt) {
        await scheduleSubscriptionJob(tx, ctx.tenant, {
          row: p.current,
          kind: COLLECTION_RESUMES,
          step: `collection_resumes:${pause.resumes_at}`,
          runAt: resumesAt,
        });
      }
      return write(() => ({ pause_collection: pause }))(tx, p);
    },
  });
}

export function resumeCollection(ctx: ChangeContext, { id }: { readonly id: string }) {
  return actOnSubscription(ctx, {
    id,
    action: 'resume_collection',
    step: write(() => ({ pause_collection: null })),
  });
}

/**
 * Resumes a `paused` subscription (a trial that ended without a payment method): a new
 * billing cycle starts now, its first period billed and charged at once — so the customer
 * needs a saved payment method first.
 */
export function resumeSubscription(ctx: ChangeContext, { id }: { readonly id: string }) {
  return actOnSubscription(ctx, {
    id,
    action: 'resume',
    step: async (tx, { current, now, ctx: c }) => {
      if (!(await hasChargeableMethod(tx, c.tenant, current))) {
        return fail({
          code: 'payment_method_missing',
          message: 'Resuming bills a period now: save a payment method for the customer first',
          loc: ['subscription', 'default_payment_method_id'],
        });
      }
      const cycle = { ...cycleOf(current), anchor: now };
      const index = current.period_index + 1;
      const period = { start: now, end: boundary(cycle, 1) };
      const billed = await billPeriodIn(tx, c, {
        row: current,
        bill: {
          index,
          period,
          reason: 'subscription_cycle',
          withCoupon: couponApplies(current.coupon),
        },
        now,
      });
      if (!billed.ok) return billed;
      const { invoice } = billed.value;
      if (invoice.status === 'open') {
        await scheduleSubscriptionJob(tx, c.tenant, {
          row: current,
          kind: CHARGE,
          step: `charge:${invoice.id}:1`,
          runAt: now,
          payload: { invoice_id: invoice.id, attempt: 1 },
        });
      }
      // Anchored on the resume, each period is counted again from index 0 of the new cycle.
      const row = await writeSubscriptionChange(tx, c, {
        current,
        changes: {
          status: 'active',
          billing_cycle_anchor: now,
          period_index: index,
          current_period_start: period.start,
          current_period_end: period.end,
          latest_invoice_id: invoice.id,
        },
        now,
        types: ['customer.subscription.resumed'],
      });
      const settings = await selectSubscriptionSettings(tx, c.tenant);
      await scheduleCurrentPeriod(tx, c.tenant, { row, settings, now });
      return ok(row);
    },
  });
}
