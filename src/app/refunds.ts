import type { Kysely } from 'kysely';
import { selectOrderAggregate } from '../adapters/db/repos/orders-repo.js';
import { selectPaymentIntentById } from '../adapters/db/repos/payment-intents-repo.js';
import {
  insertRefund,
  OUTSTANDING,
  type RefundAggregate,
  selectRefundsByOrder,
} from '../adapters/db/repos/refunds-repo.js';
import type { Database, RefundItemRow, RefundRow } from '../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../domain/metadata.js';
import { requireAction } from '../domain/order-lifecycle.js';
import { type RefundableCharge, type RefundPart, spreadRefund } from '../domain/refunds.js';
import type { Tenant } from '../domain/tenant.js';
import type { Processors, RefundOutcome } from '../ports/payment-processor.js';
import { refundResource } from '../resources/refund.js';
import { changeOrder } from './change-order.js';
import type { Deps } from './deps.js';
import { type Actor, recordEvent } from './events.js';
import { newId } from './ids.js';
import { type OrderView, viewOrder } from './order-pricing.js';
import { refundMetadata } from './processor-metadata.js';
import { recordOutcomes, withRefunded } from './refund-outcomes.js';

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
  processors: Processors,
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
      const processor = await processors.named(tenant, intent?.processor ?? '');
      outcomes.set(
        item.payment_intent_id,
        await processor.refund({
          idempotencyKey: `${refund.refund.id}:${item.payment_intent_id}`,
          processorPaymentId: intent?.processor_payment_id ?? '',
          paymentSource: intent?.payment_source ?? null,
          amount: item.amount,
          currency: refund.refund.currency,
          metadata: refundMetadata(refund.refund, item.payment_intent_id),
        }),
      );
    } catch {
      // No answer: the part stays pending (its money counted as refunded), to be sent
      // again with the same idempotency key — never refunded twice.
    }
  }
  return recordOutcomes(deps, tenant, { type: 'system', id: null }, refund.refund.id, outcomes);
}
