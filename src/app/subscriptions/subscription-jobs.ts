import { writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { selectInvoiceById } from '../../adapters/db/repos/invoices-repo.js';
import {
  lockSubscriptionById,
  selectSubscriptionById,
} from '../../adapters/db/repos/subscriptions-repo.js';
import { voidInvoice } from '../invoices/invoice-actions.js';
import type { JobContext, JobKind, RunningJob } from '../jobs/job-kinds.js';
import { endOrder } from '../orders/order-commands.js';
import { chargePeriod, endDunning } from './collect-period.js';
import { move, renewIn } from './renew-subscription.js';
import {
  CHARGE,
  COLLECTION_RESUMES,
  DUNNING_END,
  INCOMPLETE_EXPIRY,
  RENEWAL,
  type SubscriptionJobPayload,
  TRIAL_WILL_END,
  UPCOMING,
} from './subscription-schedule.js';
import { subscriptionEvent } from './subscription-views.js';
import { upcomingInvoiceEvent } from './upcoming-invoice.js';

type Job = RunningJob<SubscriptionJobPayload>;

/** A period begins: bill it (or end, pause) — see `renewIn`. */
export const RENEWAL_JOB: JobKind<SubscriptionJobPayload> = {
  ...RENEWAL,
  async run(ctx: JobContext, job: Job) {
    const index = job.payload.index;
    if (index === undefined) throw new Error(`renewal ${job.key} names no period`);
    await ctx.complete((tx) =>
      renewIn(tx, ctx, { id: job.payload.subscription_id, index, now: ctx.deps.clock.now() }),
    );
  },
};

/** A period's automatic charge, first or retried — see `chargePeriod`. */
export const CHARGE_JOB: JobKind<SubscriptionJobPayload> = { ...CHARGE, run: chargePeriod };

/** Dunning's last day for a decline that is not retried — see `endDunning`. */
export const DUNNING_END_JOB: JobKind<SubscriptionJobPayload> = { ...DUNNING_END, run: endDunning };

/** Some days before a trial ends (the account's `trial_will_end_days`), while it still will. */
export const TRIAL_WILL_END_JOB: JobKind<SubscriptionJobPayload> = {
  ...TRIAL_WILL_END,
  async run(ctx: JobContext, job: Job) {
    await ctx.complete(async (tx) => {
      const row = await selectSubscriptionById(tx, ctx.tenant, job.payload.subscription_id);
      if (row?.status !== 'trialing' || !row.trial_end || row.trial_end <= ctx.deps.clock.now()) {
        return;
      }
      const event = subscriptionEvent(ctx, {
        type: 'customer.subscription.trial_will_end',
        row: { ...row, updated_at: ctx.deps.clock.now() },
      });
      await writeAsOne(tx, [
        insertEventsQuery(tx, [{ ...event, created_at: ctx.deps.clock.now() }]),
      ]);
    });
  },
};

/** Some days before a period's invoice (the account's `upcoming_days`): `invoice.upcoming`. */
export const UPCOMING_JOB: JobKind<SubscriptionJobPayload> = {
  ...UPCOMING,
  async run(ctx: JobContext, job: Job) {
    await ctx.complete(async (tx) => {
      const row = await selectSubscriptionById(tx, ctx.tenant, job.payload.subscription_id);
      if (!row || row.period_index + 1 !== job.payload.index) return;
      if (row.cancel_at_period_end || !['active', 'past_due', 'trialing'].includes(row.status)) {
        return;
      }
      const event = await upcomingInvoiceEvent(tx, ctx, { row, now: ctx.deps.clock.now() });
      if (event) await writeAsOne(tx, [insertEventsQuery(tx, [event])]);
    });
  },
};

/**
 * The first payment was not made in time (23 hours, as Stripe): the subscription is
 * `incomplete_expired`, its first invoice voided and that invoice's order canceled (what
 * it took of the customer's credit balance given back).
 */
export const INCOMPLETE_EXPIRY_JOB: JobKind<SubscriptionJobPayload> = {
  ...INCOMPLETE_EXPIRY,
  async run(ctx: JobContext, job: Job) {
    const sub = await selectSubscriptionById(ctx.deps.db, ctx.tenant, job.payload.subscription_id);
    if (sub?.status !== 'incomplete') return;
    const invoice = sub.latest_invoice_id
      ? await selectInvoiceById(ctx.deps.db, ctx.tenant, sub.latest_invoice_id)
      : undefined;
    if (invoice?.status === 'open') {
      const voided = await voidInvoice(ctx, { id: invoice.id });
      // Paid meanwhile: the payment moved the subscription; nothing expires.
      if (!voided.ok) return;
    }
    if (invoice && invoice.status !== 'paid') {
      // Its order is canceled with it, so the credit it took from the customer's balance
      // goes back (a run after a crash finds it canceled already: refused, nothing to do).
      await endOrder(ctx, { orderId: invoice.order_id, action: 'cancel' });
    }
    await ctx.complete(async (tx) => {
      const current = await lockSubscriptionById(tx, ctx.tenant, job.payload.subscription_id);
      if (current?.status !== 'incomplete') return;
      const now = ctx.deps.clock.now();
      await move(tx, ctx, {
        current,
        event: 'first_payment_expired',
        changes: { ended_at: now, cancellation_reason: 'incomplete_expired' },
        now,
      });
    });
  },
};

/** Paused collection resumes by itself at its `resumes_at`. */
export const COLLECTION_RESUMES_JOB: JobKind<SubscriptionJobPayload> = {
  ...COLLECTION_RESUMES,
  async run(ctx: JobContext, job: Job) {
    await ctx.complete(async (tx) => {
      const current = await lockSubscriptionById(tx, ctx.tenant, job.payload.subscription_id);
      const resumesAt = current?.pause_collection?.resumes_at;
      if (!current || !resumesAt || new Date(resumesAt) > ctx.deps.clock.now()) return;
      await move(tx, ctx, {
        current,
        event: null,
        changes: { pause_collection: null },
        now: ctx.deps.clock.now(),
      });
    });
  },
};

/** Every job kind of subscriptions, for `BUILT_IN_JOB_KINDS`. */
export const SUBSCRIPTION_JOB_KINDS = [
  RENEWAL_JOB,
  CHARGE_JOB,
  DUNNING_END_JOB,
  TRIAL_WILL_END_JOB,
  UPCOMING_JOB,
  INCOMPLETE_EXPIRY_JOB,
  COLLECTION_RESUMES_JOB,
];
