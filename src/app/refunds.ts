import type { Kysely } from 'kysely';
import type { Page, PageRequest } from '../adapters/db/pagination.js';
import { selectOrderAggregate } from '../adapters/db/repos/orders-repo.js';
import {
  selectPaymentIntentById,
  selectPaymentIntentsByOrderIds,
} from '../adapters/db/repos/payment-intents-repo.js';
import {
  insertRefund,
  listRefunds as listRefundRows,
  OUTSTANDING,
  type RefundAggregate,
  type RefundFilter,
  selectRefund,
  selectRefundsByOrder,
  updateRefund,
} from '../adapters/db/repos/refunds-repo.js';
import type { Database, RefundItemRow, RefundRow } from '../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../domain/errors.js';
import { type Metadata, mergeMetadata, withoutEmptyValues } from '../domain/metadata.js';
import { requireAction, statusAfterMoneyMoved } from '../domain/order-lifecycle.js';
import {
  type RefundFailureReason,
  referenceStatusOf,
  refundStatusOf,
} from '../domain/refund-status.js';
import { type RefundableCharge, type RefundPart, spreadRefund } from '../domain/refunds.js';
import type { Tenant } from '../domain/tenant.js';
import type { PaymentProcessor, RefundOutcome } from '../ports/payment-processor.js';
import { refundResource } from '../resources/refund.js';
import { changeOrder, type OrderChange } from './change-order.js';
import type { Deps } from './deps.js';
import { type Actor, type OrderEventType, recordEvent } from './events.js';
import { newId } from './ids.js';
import { type OrderView, viewOrder } from './order-pricing.js';

export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';

export interface CreateRefundInput {
  readonly order_id?: string | undefined;
  readonly payment_intent_id?: string | undefined;
  /** What remains refundable when omitted (a full refund). */
  readonly amount?: number | undefined;
  readonly reason?: RefundReason | null | undefined;
  readonly metadata?: Metadata | undefined;
}

export interface RefundPlan {
  readonly amount: number;
  readonly parts: readonly RefundPart[];
  /** What would still be refundable after this refund. */
  readonly remaining: number;
}

/** The charges of an order, each with what is already refunded (pending refunds count). */
async function chargesOf(tx: Kysely<Database>, view: OrderView): Promise<RefundableCharge[]> {
  const refunds = await selectRefundsByOrder(tx, view.order.id);
  const refunded = new Map<string, number>();
  for (const { items } of refunds) {
    for (const item of items) {
      if (OUTSTANDING.includes(item.status)) {
        refunded.set(
          item.payment_intent_id,
          (refunded.get(item.payment_intent_id) ?? 0) + item.amount,
        );
      }
    }
  }
  return view.payments
    .filter((p) => p.status === 'succeeded')
    .map((p) => ({
      paymentIntentId: p.id,
      captured: p.amount_received,
      refunded: refunded.get(p.id) ?? 0,
    }));
}

/** Which order a refund request is for: the one named, or the payment intent's. */
async function orderIdOf(
  deps: Deps,
  tenant: Tenant,
  input: CreateRefundInput,
): Promise<Result<string>> {
  if (input.payment_intent_id) {
    const intent = await selectPaymentIntentById(deps.db, tenant, input.payment_intent_id);
    if (!intent)
      return fail({ ...missing('payment intent'), loc: ['refund', 'payment_intent_id'] });
    if (input.order_id && input.order_id !== intent.order_id) {
      return fail({
        code: 'parameter_invalid',
        message: 'The payment intent belongs to another order',
        loc: ['refund', 'order_id'],
      });
    }
    return ok(intent.order_id);
  }
  if (input.order_id) return ok(input.order_id);
  return fail({
    code: 'parameter_invalid',
    message: 'Give order_id or payment_intent_id',
    loc: ['refund'],
  });
}

/** Plans a refund against an order under its lock: what it takes from which charge. */
async function plan(
  tx: Kysely<Database>,
  view: OrderView,
  input: CreateRefundInput,
): Promise<Result<RefundPlan>> {
  const allowed = requireAction(view.order.status, 'refund');
  if (!allowed.ok) return allowed;
  const all = await chargesOf(tx, view);
  const charges = input.payment_intent_id
    ? all.filter((c) => c.paymentIntentId === input.payment_intent_id)
    : all;
  const left = charges.reduce((n, c) => n + c.captured - c.refunded, 0);
  const amount = input.amount ?? left;
  const parts = spreadRefund(amount, charges, ['refund', 'amount']);
  if (!parts.ok) return parts;
  return ok({ amount, parts: parts.value, remaining: left - amount });
}

function orderEventFor(status: OrderView['order']['status']): OrderEventType {
  if (status === 'REFUNDED') return 'order.refunded';
  if (status === 'PARTIALLY_REFUNDED') return 'order.partially_refunded';
  return 'order.updated';
}

/** Moves an order's refunded amount by `delta` and recomputes its status. */
function withRefunded(current: OrderView, delta: number): OrderChange {
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

/** Shows what a refund would do, and creates nothing. */
export async function previewRefund(
  deps: Deps,
  tenant: Tenant,
  input: CreateRefundInput,
): Promise<Result<RefundPlan & { orderId: string }>> {
  const orderId = await orderIdOf(deps, tenant, input);
  if (!orderId.ok) return orderId;
  const aggregate = await selectOrderAggregate(deps.db, tenant, orderId.value);
  if (!aggregate) return fail({ ...missing('order'), loc: ['refund', 'order_id'] });
  const planned = await plan(deps.db, await viewOrder(deps.db, tenant, aggregate), input);
  return planned.ok ? ok({ ...planned.value, orderId: orderId.value }) : planned;
}

/**
 * Creates a refund: under the order's lock, plan it against what is left on each charge,
 * write it as pending (pending refunds count toward `refunded`, so concurrent refunds can
 * never over-refund), move the order's status; then, after commit, ask the processor for
 * each charge's part with an idempotency key derived from our ids, and record the answers.
 */
export async function createRefund(
  deps: Deps,
  processor: PaymentProcessor,
  tenant: Tenant,
  actor: Actor,
  input: CreateRefundInput,
): Promise<Result<RefundAggregate>> {
  const orderId = await orderIdOf(deps, tenant, input);
  if (!orderId.ok) return orderId;
  let created: RefundAggregate | undefined;
  const changed = await changeOrder(
    deps,
    tenant,
    actor,
    orderId.value,
    async (current, tx, now) => {
      const planned = await plan(tx, current, input);
      if (!planned.ok) return planned;
      const id = newId('re');
      const first = planned.value.parts[0];
      if (!first) throw new Error('a refund plan has at least one part');
      const refund: RefundRow = {
        id,
        account_id: tenant.accountId,
        mode: tenant.mode,
        order_id: current.order.id,
        payment_intent_id: first.paymentIntentId,
        checkout_session_id: null,
        amount: planned.value.amount,
        currency: current.order.currency,
        status: 'pending',
        reason: input.reason ?? null,
        failure_reason: null,
        reference_id: null,
        reference_type: 'acquirer_reference_number',
        reference_status: 'pending',
        amount_tax: 0,
        amount_shipping: 0,
        amount_discount: 0,
        metadata: withoutEmptyValues(input.metadata ?? {}),
        created_at: now,
        updated_at: now,
      };
      const items: RefundItemRow[] = planned.value.parts.map((part) => ({
        refund_id: id,
        payment_intent_id: part.paymentIntentId,
        amount: part.amount,
        status: 'pending',
        processor_refund_id: null,
        reference_id: null,
        reference_status: 'pending',
        failure_reason: null,
      }));
      created = { refund, items };
      const aggregate = created;
      await insertRefund(tx, aggregate);
      await recordEvent(
        tx,
        tenant,
        actor,
        { type: 'refund.created', objectType: 'refund', objectId: id },
        refundResource(aggregate),
        now,
      );
      return ok(withRefunded(current, planned.value.amount));
    },
  );
  if (!changed.ok) return changed;
  if (!created) throw new Error('refund not created');
  const refund = created;
  const outcomes = new Map<string, RefundOutcome>();
  for (const item of refund.items) {
    const intent = changed.value.payments.find((p) => p.id === item.payment_intent_id);
    try {
      outcomes.set(
        item.payment_intent_id,
        await processor.refund({
          idempotencyKey: `${refund.refund.id}:${item.payment_intent_id}`,
          processorPaymentId: intent?.processor_payment_id ?? '',
          paymentSource: intent?.payment_source ?? null,
          amount: item.amount,
          currency: refund.refund.currency,
        }),
      );
    } catch {
      // No answer: the part stays pending (its money counted as refunded), to be sent
      // again with the same idempotency key — never refunded twice.
    }
  }
  return recordOutcomes(deps, tenant, { type: 'system', id: null }, refund.refund.id, outcomes);
}

type ItemOutcome = RefundOutcome | { readonly status: 'canceled' };

/**
 * Records what the processor (or a test helper, or a cancel) said about a refund's
 * parts, under the order's lock. Only parts still pending change, so a late or repeated
 * answer never overwrites a final one; money from failed or canceled parts goes back to
 * the order, whose status is recomputed.
 */
export async function recordOutcomes(
  deps: Deps,
  tenant: Tenant,
  actor: Actor,
  refundId: string,
  outcomes: ReadonlyMap<string, ItemOutcome>,
): Promise<Result<RefundAggregate>> {
  const found = await selectRefund(deps.db, tenant, refundId);
  if (!found) return fail(missing('refund'));
  let result: RefundAggregate = found;
  let unchanged = false;
  const changed = await changeOrder(
    deps,
    tenant,
    actor,
    found.refund.order_id,
    async (current, tx, now) => {
      const fresh = await selectRefund(tx, tenant, refundId);
      if (!fresh) return fail(missing('refund'));
      let givenBack = 0;
      const items = fresh.items.map((item) => {
        const outcome = outcomes.get(item.payment_intent_id);
        if (!outcome || (item.status !== 'pending' && item.status !== 'requires_action'))
          return item;
        if (outcome.status === 'failed' || outcome.status === 'canceled') givenBack += item.amount;
        return settledItem(item, outcome);
      });
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
      result = { refund, items };
      if (JSON.stringify(items) === JSON.stringify(fresh.items)) {
        unchanged = true; // an answer already recorded (a retry, a late webhook): write nothing
        return fail(missing('refund'));
      }
      await updateRefund(tx, result);
      const type = status === fresh.refund.status ? 'refund.updated' : `refund.${status}`;
      await recordEvent(
        tx,
        tenant,
        actor,
        { type, objectType: 'refund', objectId: refundId },
        refundResource(result),
        now,
      );
      // Money moved back: the order's status may change. Otherwise only the refund did.
      return ok(
        givenBack > 0
          ? withRefunded(current, -givenBack)
          : { aggregate: current, event: 'order.updated' as const },
      );
    },
  );
  if (!changed.ok && !unchanged) return changed;
  return ok(result);
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
  return recordOutcomes(deps, tenant, { type: 'system', id: null }, refundId, outcomes);
}

/**
 * Cancels a pending refund: the processor stops it first (a refund it still holds would
 * otherwise pay out later), then its money goes back to the order.
 */
export async function cancelRefund(
  deps: Deps,
  processor: PaymentProcessor,
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
    const answer = await processor.cancelRefund({
      processorRefundId: item.processor_refund_id,
      paymentSource: payments.find((p) => p.id === item.payment_intent_id)?.payment_source ?? null,
    });
    if (answer.status !== 'canceled')
      return refused('The processor can no longer cancel this refund');
  }
  const outcomes = new Map<string, ItemOutcome>(
    found.items.map((i) => [i.payment_intent_id, { status: 'canceled' }]),
  );
  return recordOutcomes(deps, tenant, actor, refundId, outcomes);
}

/** Changes only `reason` and `metadata`; amount and status never change here. */
export async function updateRefundDetails(
  deps: Deps,
  tenant: Tenant,
  actor: Actor,
  refundId: string,
  input: {
    readonly reason?: RefundReason | null | undefined;
    readonly metadata?: Metadata | undefined;
  },
): Promise<Result<RefundAggregate>> {
  const found = await selectRefund(deps.db, tenant, refundId);
  if (!found) return fail(missing('refund'));
  let result: RefundAggregate = found;
  const changed = await changeOrder(
    deps,
    tenant,
    actor,
    found.refund.order_id,
    async (current, tx, now) => {
      const fresh = await selectRefund(tx, tenant, refundId);
      if (!fresh) return fail(missing('refund'));
      let metadata = fresh.refund.metadata;
      if (input.metadata !== undefined) {
        const merged = mergeMetadata(metadata, input.metadata);
        if (!merged.ok) return fail({ ...merged.error, loc: ['refund', 'metadata'] });
        metadata = merged.value;
      }
      const reason = input.reason === undefined ? fresh.refund.reason : input.reason;
      result = { ...fresh, refund: { ...fresh.refund, reason, metadata, updated_at: now } };
      await updateRefund(tx, result);
      await recordEvent(
        tx,
        tenant,
        actor,
        { type: 'refund.updated', objectType: 'refund', objectId: refundId },
        refundResource(result),
        now,
      );
      return ok({ aggregate: current, event: 'order.updated' as const });
    },
  );
  return changed.ok ? ok(result) : changed;
}

export async function getRefund(
  deps: Deps,
  tenant: Tenant,
  id: string,
): Promise<Result<RefundAggregate>> {
  const found = await selectRefund(deps.db, tenant, id);
  return found ? ok(found) : fail(missing('refund'));
}

export async function listRefunds(
  deps: Deps,
  tenant: Tenant,
  filter: RefundFilter,
  page: PageRequest,
): Promise<Page<RefundAggregate>> {
  return listRefundRows(deps.db, tenant, filter, page);
}
