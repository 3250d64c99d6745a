import { selectPaymentIntentsByOrderIds } from '../../adapters/db/repos/payment-intents-repo.js';
import {
  insertRefundQueries,
  type RefundAggregate,
  selectRefundByRequestKey,
} from '../../adapters/db/repos/refunds-repo.js';
import type { RefundItemRow, RefundLineItemRow, RefundRow } from '../../adapters/db/schema.js';
import { ok, type Result } from '../../domain/errors.js';
import { withoutEmptyValues } from '../../domain/metadata.js';
import { initialRefundStatus, isOffline } from '../../domain/refunds/refund-policy.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Processors } from '../../ports/payment-processor.js';
import { refundResource } from '../../resources/refund.js';
import { type Actor, objectEvent } from '../events/record-events.js';
import { changeOrder } from '../orders/change-order.js';
import type { AnswerOnce } from '../shared/answer-once.js';
import type { Deps } from '../shared/deps.js';
import { newId } from '../shared/ids.js';
import { resumableSince } from '../shared/request-keys.js';
import {
  type CreateRefundInput,
  DIRECT,
  orderIdOf,
  planOrderRefund,
  type RefundOrigin,
} from './plan-refund.js';
import { withRefunded } from './refund-outcomes.js';
import { sendRefund } from './send-refund.js';

/**
 * Creates a refund: under the order's lock, plan it against what is left on each charge,
 * write it as pending (pending refunds count toward `refunded`, so concurrent refunds can
 * never over-refund), move the order's status; then, after commit, ask the processor for
 * each charge's part with an idempotency key derived from our ids, and record the answers
 * — with the request's `answer` (its Idempotency-Key completed) in the transaction that
 * records them, or in the order change for a refund made outside Flint. A retry with the
 * same request key resumes from the pending refund.
 */
export async function createRefund(
  deps: Deps,
  processors: Processors,
  tenant: Tenant,
  actor: Actor,
  input: CreateRefundInput,
  origin: RefundOrigin = DIRECT,
  requestKey: string | null = null,
  answer?: AnswerOnce<RefundAggregate>,
): Promise<Result<RefundAggregate>> {
  const orderId = await orderIdOf(deps, tenant, input);
  if (!orderId.ok) return orderId;
  if (requestKey) {
    const since = resumableSince(deps.clock.now());
    const earlier = await selectRefundByRequestKey(deps.db, tenant, requestKey, since);
    if (earlier?.refund.order_id === orderId.value) {
      // A retry of the request that started this refund: finish sending it.
      const payments = await selectPaymentIntentsByOrderIds(deps.db, [orderId.value]);
      return sendRefund(deps, processors, tenant, earlier, payments, answer);
    }
  }
  let created: RefundAggregate | undefined;
  const changed = await changeOrder(
    deps,
    tenant,
    actor,
    orderId.value,
    async (current, tx, now) => {
      const planned = await planOrderRefund(tx, current, input, origin);
      if (!planned.ok) return planned;
      const id = newId('re');
      const { itemized } = planned.value;
      const method = input.method ?? 'original_payment_method';
      // Money returned outside Flint is back with the buyer already: nothing to send, and
      // no network reference number will ever come.
      const offline = isOffline(method);
      const status = initialRefundStatus(method);
      const referenceStatus = offline ? 'unavailable' : 'pending';
      const first = planned.value.parts[0];
      if (!first) throw new Error('a refund plan has at least one part');
      const refund: RefundRow = {
        id,
        account_id: tenant.accountId,
        mode: tenant.mode,
        order_id: current.order.id,
        payment_intent_id: first.paymentIntentId,
        checkout_session_id: origin.checkoutSessionId,
        amount: planned.value.amount,
        currency: current.order.currency,
        status,
        reason: input.reason ?? null,
        failure_reason: null,
        reference_id: null,
        reference_type: 'acquirer_reference_number',
        reference_status: referenceStatus,
        amount_tax: itemized?.tax ?? 0,
        amount_shipping: itemized?.shipping ?? 0,
        amount_discount: itemized?.discount ?? 0,
        amount_shipping_tax: itemized?.shippingTax ?? 0,
        itemized: itemized !== null,
        method,
        replaces_refund_id: input.replaces_refund_id ?? null,
        request_key: requestKey,
        metadata: withoutEmptyValues(input.metadata ?? {}),
        created_at: now,
        updated_at: now,
      };
      const items: RefundItemRow[] = planned.value.parts.map((part) => ({
        refund_id: id,
        payment_intent_id: part.paymentIntentId,
        amount: part.amount,
        status,
        processor_refund_id: null,
        reference_id: null,
        reference_status: referenceStatus,
        failure_reason: null,
      }));
      const lines: RefundLineItemRow[] = (itemized?.lines ?? []).map((line) => ({
        refund_id: id,
        line_item_id: line.lineId,
        amount: line.amount,
        amount_tax: line.tax,
      }));
      const made: RefundAggregate = { refund, items, lines };
      created = made;
      const resource = refundResource(made);
      const subject = { objectType: 'refund', objectId: id };
      // The refund, its parts and its events go in the order change's one statement.
      return ok({
        ...withRefunded(current, planned.value.amount),
        writes: insertRefundQueries(tx, made),
        // Nothing more happens to a refund made outside Flint: this is its outcome.
        ...(offline && answer ? { answer: () => answer(tx, made) } : {}),
        events: [
          objectEvent(tenant, actor, { ...subject, type: 'refund.created' }, resource, now),
          ...(offline
            ? [objectEvent(tenant, actor, { ...subject, type: 'refund.succeeded' }, resource, now)]
            : []),
        ],
      });
    },
  );
  if (!changed.ok) return changed;
  if (!created) throw new Error('refund not created');
  if (isOffline(created.refund.method)) return ok(created);
  return sendRefund(deps, processors, tenant, created, changed.value.payments, answer);
}
