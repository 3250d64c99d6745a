import { writeAsOneLast } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { selectPaymentIntentsByOrderIds } from '../../adapters/db/repos/payment-intents-repo.js';
import {
  type RefundAggregate,
  selectRefund,
  updateRefundQueries,
} from '../../adapters/db/repos/refunds-repo.js';
import type { EventRow, RefundItemRow, RefundRow } from '../../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { statusAfterMoneyMoved } from '../../domain/order-lifecycle.js';
import {
  type RefundFailureReason,
  type RefundStatus,
  referenceStatusOf,
  refundStatusOf,
} from '../../domain/refunds/refund-methods-and-actions.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Processors, RefundOutcome } from '../../ports/payment-processor.js';
import { refundResource } from '../../resources/refund.js';
import {
  type Actor,
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
import type { OrderView } from '../orders/order-pricing.js';
import type { AnswerOnce } from '../shared/answer-once.js';
import type { Deps } from '../shared/deps.js';

// What happens to a refund after it is created: the processor's answers, test-mode
// settlement, and cancels — each recorded under the order's lock.

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

type ItemOutcome = RefundOutcome | { readonly status: 'canceled' };

/**
 * Records what the processor (or a test helper, or a cancel) said about a refund's
 * parts, under the order's lock. Only parts still pending change (and a succeeded part
 * without a reference number may get one), so a late or repeated answer never overwrites
 * a final one; money from failed or canceled parts goes back to the order, whose status
 * is recomputed. The request's `answer`, if any, is written with them; when nothing
 * changes, nothing is written and the caller's idempotency layer completes its key.
 */
export async function recordOutcomes(
  deps: Deps,
  tenant: Tenant,
  actor: Actor,
  refundId: string,
  outcomes: ReadonlyMap<string, ItemOutcome>,
  answer?: AnswerOnce<RefundAggregate>,
): Promise<Result<RefundAggregate>> {
  return withOrderLock(deps, tenant, { refundId }, async (tx, now) => {
    const fresh = await selectRefund(tx, tenant, refundId);
    if (!fresh) return fail(missing('refund'));
    let givenBack = 0;
    const items = fresh.items.map((item) => {
      const outcome = outcomes.get(item.payment_intent_id);
      if (outcome?.status === 'succeeded' && item.status === 'succeeded') {
        return withReference(item, outcome.referenceId);
      }
      if (!outcome || (item.status !== 'pending' && item.status !== 'requires_action')) return item;
      if (outcome.status === 'failed' || outcome.status === 'canceled') givenBack += item.amount;
      return settledItem(item, outcome);
    });
    // An answer already recorded (a retry, a late webhook): write nothing.
    if (JSON.stringify(items) === JSON.stringify(fresh.items)) return ok(fresh);
    const status = refundStatusOf(items);
    const failure = items.find((i) => i.failure_reason)?.failure_reason ?? null;
    const refund: RefundRow = {
      ...fresh.refund,
      status,
      failure_reason: failure,
      reference_id: items.find((i) => i.reference_id)?.reference_id ?? null,
      reference_status: referenceStatusOf(items),
      updated_at: now,
    };
    const updated: RefundAggregate = { ...fresh, refund, items };
    const events = refundEvents(tenant, actor, fresh, updated, now);
    const writes = updateRefundQueries(tx, updated);
    if (givenBack === 0) {
      // Only the refund changed: the order keeps its version and gets no event.
      await writeAsOneLast(tx, [
        ...writes,
        ...(events.length ? [insertEventsQuery(tx, events)] : []),
        ...(answer ? [answer(tx, updated)] : []),
      ]);
      return ok(updated);
    }
    // Money moved back: the order's amounts and status change.
    const current = await readLockedOrder(tx, tenant, fresh.refund.order_id);
    if (!current) throw new Error(`the order of refund ${refundId} vanished`);
    const changed = await applyOrderChange(
      tx,
      tenant,
      actor,
      current,
      {
        ...withRefunded(current, -givenBack),
        writes,
        events,
        ...(answer ? { answer: () => answer(tx, updated) } : {}),
      },
      now,
    );
    return changed.ok ? ok(updated) : changed;
  });
}

/**
 * The event of a refund's answer: `refund.<status>` when its status moved; otherwise
 * `refund.updated` with what changed (a reference number that arrived) — or none when
 * nothing the API shows changed (the processor's own id for a part still pending).
 */
function refundEvents(
  tenant: Tenant,
  actor: Actor,
  before: RefundAggregate,
  after: RefundAggregate,
  now: Date,
): EventRow[] {
  const object = refundResource(after);
  const subject = { objectType: 'refund', objectId: after.refund.id };
  const moved = after.refund.status !== before.refund.status && after.refund.status !== 'pending';
  if (moved) {
    const type = `refund.${after.refund.status as Exclude<RefundStatus, 'pending'>}` as const;
    return [objectEvent(tenant, actor, { ...subject, type }, object, now)];
  }
  const event = objectEvent(
    tenant,
    actor,
    { ...subject, type: 'refund.updated' },
    object,
    now,
    refundResource(before),
  );
  const { previous_attributes } = event.data as { previous_attributes?: object };
  return previous_attributes && Object.keys(previous_attributes).length > 0 ? [event] : [];
}

/** The network's reference number often comes after the refund succeeded: record it once. */
function withReference(item: RefundItemRow, referenceId: string | null): RefundItemRow {
  if (item.reference_id || !referenceId) return item;
  return { ...item, reference_id: referenceId, reference_status: 'available' };
}

function settledItem(item: RefundItemRow, outcome: ItemOutcome): RefundItemRow {
  switch (outcome.status) {
    case 'succeeded':
      return {
        ...item,
        status: 'succeeded',
        processor_refund_id: outcome.processorRefundId,
        reference_id: outcome.referenceId,
        reference_status: outcome.referenceId ? 'available' : 'pending',
      };
    case 'pending':
      return { ...item, processor_refund_id: outcome.processorRefundId };
    case 'failed':
      return {
        ...item,
        status: 'failed',
        processor_refund_id: outcome.processorRefundId ?? item.processor_refund_id,
        reference_status: 'unavailable',
        failure_reason: outcome.failureReason,
      };
    case 'canceled':
      return { ...item, status: 'canceled', reference_status: 'unavailable' };
  }
}

/** Test mode: settles a pending refund as the processor eventually would. */
export async function settleRefundForTest(
  deps: Deps,
  tenant: Tenant,
  refundId: string,
  result: 'succeed' | 'fail',
  failureReason: RefundFailureReason = 'expired_or_canceled_card',
): Promise<Result<RefundAggregate>> {
  const found = await selectRefund(deps.db, tenant, refundId);
  if (!found) return fail(missing('refund'));
  if (found.refund.status !== 'pending') {
    return fail({
      code: 'refund_state_invalid',
      message: `The refund is ${found.refund.status}, not pending`,
      loc: ['status'],
    });
  }
  const outcomes = new Map<string, ItemOutcome>(
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
  return recordOutcomes(deps, tenant, SYSTEM_ACTOR, refundId, outcomes);
}

/**
 * Cancels a pending refund: the processor stops it first (a refund it still holds would
 * otherwise pay out later), then its money goes back to the order.
 */
export async function cancelRefund(
  deps: Deps,
  processors: Processors,
  tenant: Tenant,
  actor: Actor,
  refundId: string,
): Promise<Result<RefundAggregate>> {
  const found = await selectRefund(deps.db, tenant, refundId);
  if (!found) return fail(missing('refund'));
  const refused = (message: string) =>
    fail<RefundAggregate>({ code: 'refund_state_invalid', message, loc: ['status'] });
  if (found.refund.status !== 'pending') {
    return refused(`Only a pending refund can be canceled; this one is ${found.refund.status}`);
  }
  const payments = await selectPaymentIntentsByOrderIds(deps.db, [found.refund.order_id]);
  for (const item of found.items) {
    if (item.status !== 'pending') continue;
    if (!item.processor_refund_id)
      return refused('The refund is being sent to the processor; retry in a moment');
    const payment = payments.find((p) => p.id === item.payment_intent_id);
    let answer: { readonly status: 'canceled' | 'not_cancelable' };
    try {
      const processor = await processors.named(tenant, payment?.processor ?? '');
      answer = await processor.cancelRefund({
        processorRefundId: item.processor_refund_id,
        paymentSource: payment?.payment_source ?? null,
      });
    } catch {
      return fail({
        code: 'processor_unavailable',
        message: 'The processor did not answer; the refund stays pending',
      });
    }
    if (answer.status !== 'canceled')
      return refused('The processor can no longer cancel this refund');
  }
  const outcomes = new Map<string, ItemOutcome>(
    found.items.map((i) => [i.payment_intent_id, { status: 'canceled' }]),
  );
  return recordOutcomes(deps, tenant, actor, refundId, outcomes);
}
