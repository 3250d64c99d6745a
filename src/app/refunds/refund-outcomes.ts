import { writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  type RefundAggregate,
  selectRefund,
  selectRefundOnClock,
  updateRefundQueries,
} from '../../adapters/db/repos/refunds-repo.js';
import type { NewEventRow, RefundRow } from '../../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { statusAfterMoneyMoved } from '../../domain/order-lifecycle.js';
import { answerRefund, type PartAnswer } from '../../domain/refunds/refund-outcomes.js';
import { isCancelable } from '../../domain/refunds/refund-policy.js';
import type { RefundFailureReason, RefundStatus } from '../../domain/refunds/refund-values.js';
import type { OrderView } from '../../resources/order.js';
import { refundResource } from '../../resources/refund.js';
import {
  type EventAuthor,
  type OrderEventType,
  objectEvent,
  SYSTEM_ACTOR,
} from '../events/record-events.js';
import {
  applyOrderChange,
  type OrderChange,
  readLockedOrder,
  withOrderLock,
} from '../orders/change-order.js';
import type { AnswerOption } from '../shared/answer-once.js';
import type { ChangeContext, TenantContext } from '../shared/command-context.js';
import { onClockNow } from '../test-clocks/clock-time.js';

// What happens to a refund after it is created: the processor's answers (and test-mode
// settlement, and cancels), each recorded under the order's lock.

function orderEventFor(status: OrderView['order']['status']): OrderEventType {
  if (status === 'REFUNDED') return 'order.refunded';
  if (status === 'PARTIALLY_REFUNDED') return 'order.partially_refunded';
  return 'order.updated';
}

/** Moves an order's refunded amount by `delta` and recomputes its status. */
export function withRefunded(current: OrderView, delta: number): OrderChange {
  const refunded = current.order.refunded + delta;
  const status = statusAfterMoneyMoved(current.order.status, {
    total: current.pricing.net.total,
    paid: current.order.paid,
    refunded,
  });
  return {
    aggregate: { ...current, order: { ...current.order, refunded, status } },
    event: orderEventFor(status),
  };
}

/** What the processor (or a test helper, or a cancel) said about a refund's parts. */
export interface RefundAnswers {
  readonly refundId: string;
  /** By payment intent id: the answer for that charge's part. */
  readonly outcomes: ReadonlyMap<string, PartAnswer>;
}

/**
 * Records what the processor (or a test helper, or a cancel) said about a refund's
 * parts, under the order's lock. What the word does is the domain's (`answerRefund`):
 * only parts still under way change, so a late or repeated answer never overwrites a
 * final one; money from failed or canceled parts goes back to the order, whose status
 * is recomputed.
 * The request's `answer`, if any, is written with them; when nothing changes, nothing
 * is written and the caller's idempotency layer completes its key.
 */
export async function recordOutcomes(
  ctx: ChangeContext,
  { refundId, outcomes }: RefundAnswers,
  { answer }: AnswerOption<RefundAggregate> = {},
): Promise<Result<RefundAggregate>> {
  const { tenant } = ctx;
  return withOrderLock(ctx, { refundId }, async (tx, realNow) => {
    const read = await selectRefundOnClock(tx, tenant, refundId);
    if (!read) return fail(missing('refund'));
    const fresh = read.refund;
    // In its order's customer's time (a test clock's), read with the refund.
    const now = onClockNow(ctx.deps.clock, read.clockTime, realNow);
    const answered = answerRefund(fresh.refund.status, fresh.items, outcomes);
    // An answer already recorded (a retry, a late webhook): write nothing.
    if (!answered.changed) return ok(fresh);
    const { items, givenBack } = answered;
    const refund: RefundRow = {
      ...fresh.refund,
      status: answered.status,
      failure_reason: answered.failureReason,
      reference_id: answered.referenceId,
      reference_status: answered.referenceStatus,
      updated_at: now,
    };
    const updated: RefundAggregate = { ...fresh, refund, items };
    const events = refundEvents(ctx, { before: fresh, after: updated, now });
    const writes = updateRefundQueries(tx, updated);
    if (givenBack === 0) {
      // Only the refund changed: the order keeps its version and gets no event.
      await writeAsOne(
        tx,
        [
          ...writes,
          ...(events.length ? [insertEventsQuery(tx, events)] : []),
          ...(answer ? [answer(tx, updated)] : []),
        ],
        { last: true },
      );
      return ok(updated);
    }
    // Money moved back: the order's amounts and status change.
    const current = await readLockedOrder(tx, tenant, fresh.refund.order_id);
    if (!current) throw new Error(`the order of refund ${refundId} vanished`);
    const changed = await applyOrderChange(tx, ctx, {
      before: current,
      change: {
        ...withRefunded(current, -givenBack),
        writes,
        events,
        ...(answer ? { answer: () => answer(tx, updated) } : {}),
      },
      now,
    });
    return changed.ok ? ok(updated) : changed;
  });
}

/**
 * The event of a refund's answer: `refund.<status>` when its status moved; otherwise
 * `refund.updated` with what changed (a reference number that arrived) — or none when
 * nothing the API shows changed (the processor's own id for a part still pending).
 */
function refundEvents(
  author: EventAuthor,
  {
    before,
    after,
    now,
  }: { readonly before: RefundAggregate; readonly after: RefundAggregate; readonly now: Date },
): NewEventRow[] {
  const subject = {
    objectType: 'refund',
    objectId: after.refund.id,
    object: refundResource(after),
    now,
  };
  const moved = after.refund.status !== before.refund.status && after.refund.status !== 'pending';
  if (moved) {
    const type = `refund.${after.refund.status as Exclude<RefundStatus, 'pending'>}` as const;
    return [objectEvent(author, { ...subject, type })];
  }
  const event = objectEvent(author, {
    ...subject,
    type: 'refund.updated',
    previous: refundResource(before),
  });
  const { previous_attributes } = event.data as { previous_attributes?: object };
  return previous_attributes && Object.keys(previous_attributes).length > 0 ? [event] : [];
}

/** Test mode: settles a pending refund as the processor eventually would. */
export async function settleRefundForTest(
  ctx: TenantContext,
  {
    refundId,
    result,
    failureReason = 'expired_or_canceled_card',
  }: {
    readonly refundId: string;
    readonly result: 'succeed' | 'fail';
    readonly failureReason?: RefundFailureReason;
  },
): Promise<Result<RefundAggregate>> {
  const found = await selectRefund(ctx.deps.db, ctx.tenant, refundId);
  if (!found) return fail(missing('refund'));
  if (!isCancelable(found.refund.status)) {
    return fail({
      code: 'refund_state_invalid',
      message: `The refund is ${found.refund.status}, not pending`,
      loc: ['status'],
    });
  }
  const outcomes = new Map<string, PartAnswer>(
    found.items.map((item) => [
      item.payment_intent_id,
      result === 'succeed'
        ? {
            status: 'succeeded',
            processorRefundId: item.processor_refund_id ?? `re_test_${refundId}`,
            referenceId: `ARN${refundId.slice(-12).toUpperCase()}`,
          }
        : { status: 'failed', processorRefundId: item.processor_refund_id, failureReason },
    ]),
  );
  return recordOutcomes({ ...ctx, actor: SYSTEM_ACTOR }, { refundId, outcomes });
}
