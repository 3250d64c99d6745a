import type { Kysely } from 'kysely';
import { selectOrderAggregate } from '../../adapters/db/repos/orders-repo.js';
import {
  selectPaymentIntentById,
  selectPaymentIntentsByOrderIds,
} from '../../adapters/db/repos/payment-intents-repo.js';
import {
  insertRefundQueries,
  OUTSTANDING,
  type RefundAggregate,
  selectRefundByRequestKey,
  selectRefundsByOrder,
} from '../../adapters/db/repos/refunds-repo.js';
import type {
  Database,
  PaymentIntentRow,
  RefundItemRow,
  RefundLineItemRow,
  RefundRow,
} from '../../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import { sum } from '../../domain/money.js';
import { requireAction } from '../../domain/order-lifecycle.js';
import {
  type ItemizedRefund,
  type ItemizedRequest,
  planItemizedRefund,
  type RefundableOrder,
} from '../../domain/refunds/itemized-refunds.js';
import {
  isOffline,
  type RefundMethod,
  type RefundStatus,
} from '../../domain/refunds/refund-methods-and-actions.js';
import {
  type AmountMoney,
  flatRefundAmount,
  type RefundableCharge,
  type RefundPart,
  spreadRefund,
} from '../../domain/refunds/refund-spreading.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Processors, RefundOutcome } from '../../ports/payment-processor.js';
import { refundResource } from '../../resources/refund.js';
import { type Actor, objectEvent, SYSTEM_ACTOR } from '../events/record-events.js';
import { changeOrder } from '../orders/change-order.js';
import { moneyOf, type OrderView, viewOrder } from '../orders/order-pricing.js';
import { refundMetadata } from '../processors/processor-metadata.js';
import type { AnswerOnce } from '../shared/answer-once.js';
import type { Deps } from '../shared/deps.js';
import { newId } from '../shared/ids.js';
import { resumableSince } from '../shared/request-keys.js';
import { recordOutcomes, withRefunded } from './refund-outcomes.js';

export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';

export interface CreateRefundInput extends ItemizedRequest {
  readonly order_id?: string | undefined;
  readonly payment_intent_id?: string | undefined;
  /** A flat amount; what remains refundable when neither it nor lines or components are given. */
  readonly amount?: number | undefined;
  /** The flat amount as money, in the order's currency (instead of `amount`). */
  readonly amount_money?: AmountMoney | undefined;
  readonly reason?: RefundReason | null | undefined;
  readonly metadata?: Metadata | undefined;
  /**
   * How the money goes back: through the processor (the default), or made outside Flint
   * and recorded here (succeeded at once; nothing is sent to the processor).
   */
  readonly method?: RefundMethod | undefined;
  /**
   * A failed refund of the order this one makes good: refused if another refund already
   * took its place (unless that one was canceled), so it is made good only once; a
   * replacement that failed too is the one to make good next.
   */
  readonly replaces_refund_id?: string | undefined;
}

/** Where a refund request came from: the body's root key, and the checkout session if any. */
export interface RefundOrigin {
  readonly root: 'refund' | 'checkout_session';
  readonly checkoutSessionId: string | null;
}

const DIRECT: RefundOrigin = { root: 'refund', checkoutSessionId: null };

export interface RefundPlan {
  readonly amount: number;
  readonly parts: readonly RefundPart[];
  /** What would still be refundable after this refund. */
  readonly remaining: number;
  /** The lines and components, for an itemized refund; null for a flat amount. */
  readonly itemized: ItemizedRefund | null;
}

/** Refunds whose money is out or on its way: any part not failed or canceled. */
function outstanding(refunds: readonly RefundAggregate[]): RefundAggregate[] {
  return refunds.filter(({ items }) => items.some((i) => OUTSTANDING.includes(i.status)));
}

/** The charges of an order, each with what is already refunded (pending refunds count). */
function chargesOf(view: OrderView, refunds: readonly RefundAggregate[]): RefundableCharge[] {
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

/** The order's lines and components with what earlier itemized refunds took from them. */
function refundableOrder(view: OrderView, refunds: readonly RefundAggregate[]): RefundableOrder {
  const taken = outstanding(refunds);
  const fromLines = new Map<string, { amount: number; tax: number }>();
  for (const { lines } of taken) {
    for (const line of lines) {
      const was = fromLines.get(line.line_item_id) ?? { amount: 0, tax: 0 };
      fromLines.set(line.line_item_id, {
        amount: was.amount + line.amount,
        tax: was.tax + line.amount_tax,
      });
    }
  }
  const priced = new Map(view.pricing.lines.map((l) => [l.id, l]));
  const lines = view.lines.map((row) => {
    const line = priced.get(row.id);
    if (!line) throw new Error(`line ${row.id} was not priced`);
    return {
      id: row.id,
      productId: row.product_id,
      priceId: row.price_id,
      amount: line.taxable,
      tax: line.total - line.taxable,
      refundedAmount: fromLines.get(row.id)?.amount ?? 0,
      refundedTax: fromLines.get(row.id)?.tax ?? 0,
    };
  });
  const exclusiveTax = sum(view.pricing.taxes.filter((t) => !t.inclusive).map((t) => t.amount));
  const refunded = (pick: (r: RefundRow) => number) => sum(taken.map((r) => pick(r.refund)));
  return {
    lines,
    tax: { total: exclusiveTax, refunded: refunded((r) => r.amount_tax) },
    shipping: { total: view.order.shipping, refunded: refunded((r) => r.amount_shipping) },
    shippingTax: {
      total: exclusiveTax - sum(lines.map((l) => l.tax)),
      refunded: refunded((r) => r.amount_shipping_tax),
    },
    discount: { total: view.pricing.net.discount, refunded: refunded((r) => r.amount_discount) },
  };
}

function isItemized(input: CreateRefundInput): boolean {
  return (
    input.line_items !== undefined ||
    input.amount_tax !== undefined ||
    input.amount_shipping !== undefined ||
    input.amount_discount !== undefined
  );
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

/**
 * Plans a refund against an order under its lock: a flat amount, or lines and
 * components each within what is left of them; then what it takes from which charge.
 */
async function plan(
  tx: Kysely<Database>,
  view: OrderView,
  input: CreateRefundInput,
  origin: RefundOrigin,
): Promise<Result<RefundPlan>> {
  const allowed = requireAction(view.order.status, 'refund', moneyOf(view));
  if (!allowed.ok) return allowed;
  const refunds = await selectRefundsByOrder(tx, view.order.id);
  if (input.replaces_refund_id) {
    const replaceable = checkReplaceable(refunds, input.replaces_refund_id, origin);
    if (!replaceable.ok) return replaceable;
  }
  const all = chargesOf(view, refunds);
  const charges = input.payment_intent_id
    ? all.filter((c) => c.paymentIntentId === input.payment_intent_id)
    : all;
  const left = charges.reduce((n, c) => n + c.captured - c.refunded, 0);
  const flat = flatRefundAmount(input, view.order.currency, [origin.root]);
  if (!flat.ok) return flat;
  let itemized: ItemizedRefund | null = null;
  if (isItemized(input)) {
    if (flat.value !== undefined) {
      return fail({
        code: 'parameter_invalid',
        message: 'Give either amount, or line_items and the amount_* components, not both',
        loc: [origin.root, input.amount_money ? 'amount_money' : 'amount'],
      });
    }
    const planned = planItemizedRefund(input, refundableOrder(view, refunds), [origin.root]);
    if (!planned.ok) return planned;
    itemized = planned.value;
  }
  const amount = itemized?.total ?? flat.value ?? left;
  const field = input.amount_money ? ['amount_money', 'amount'] : ['amount'];
  const parts = spreadRefund(amount, charges, itemized ? [origin.root] : [origin.root, ...field]);
  if (!parts.ok) return parts;
  return ok({ amount, parts: parts.value, remaining: left - amount, itemized });
}

/**
 * The refund that took a failed one's place, among its order's refunds. A canceled one
 * gave up (the failed refund is open again); a failed one took the obligation over (it,
 * not the first, is what is left to make good).
 */
export function replacementAmong(
  refunds: readonly RefundAggregate[],
  failedId: string,
): RefundAggregate | undefined {
  return refunds.find(
    (r) => r.refund.replaces_refund_id === failedId && r.refund.status !== 'canceled',
  );
}

/** The refund that took a failed refund's place (a retry or an offline refund), if any. */
export async function replacementOf(
  deps: Deps,
  failed: RefundRow,
): Promise<RefundAggregate | undefined> {
  return replacementAmong(await selectRefundsByOrder(deps.db, failed.order_id), failed.id);
}

/** A refund may make good a failed refund of its order that nothing else made good. */
function checkReplaceable(
  refunds: readonly RefundAggregate[],
  failedId: string,
  origin: RefundOrigin,
): Result<void> {
  const loc = [origin.root, 'replaces_refund_id'];
  const failed = refunds.find((r) => r.refund.id === failedId);
  if (!failed) {
    return fail({
      code: 'parameter_invalid',
      message: 'No refund of this order has that id',
      loc,
    });
  }
  if (failed.refund.status !== 'failed') {
    return fail({
      code: 'refund_state_invalid',
      message: `The refund is ${failed.refund.status}; only a failed refund can be made good`,
      loc,
    });
  }
  const other = replacementAmong(refunds, failedId);
  if (other) {
    return fail({
      code: 'refund_state_invalid',
      message:
        other.refund.status === 'failed'
          ? `Refund ${other.refund.id} took the place of ${failedId} and failed too: make that one good instead`
          : `Refund ${other.refund.id} already makes good the failed refund ${failedId}`,
      loc,
    });
  }
  return ok(undefined);
}

/** Shows what a refund would do, and creates nothing. */
export async function previewRefund(
  deps: Deps,
  tenant: Tenant,
  input: CreateRefundInput,
  origin: RefundOrigin = DIRECT,
): Promise<Result<RefundPlan & { orderId: string }>> {
  const orderId = await orderIdOf(deps, tenant, input);
  if (!orderId.ok) return orderId;
  const aggregate = await selectOrderAggregate(deps.db, tenant, orderId.value);
  if (!aggregate) return fail({ ...missing('order'), loc: ['refund', 'order_id'] });
  const view = await viewOrder(deps.db, tenant, aggregate);
  const planned = await plan(deps.db, view, input, origin);
  return planned.ok ? ok({ ...planned.value, orderId: orderId.value }) : planned;
}

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
      const planned = await plan(tx, current, input, origin);
      if (!planned.ok) return planned;
      const id = newId('re');
      const { itemized } = planned.value;
      const method = input.method ?? 'original_payment_method';
      // Money returned outside Flint is back with the buyer already: nothing to send, and
      // no network reference number will ever come.
      const offline = isOffline(method);
      const status: RefundStatus = offline ? 'succeeded' : 'pending';
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

/**
 * Asks the processor for each part not yet sent, with an idempotency key derived from
 * our ids (a part sent before is answered the same way, never refunded twice), and
 * records the answers.
 */
async function sendRefund(
  deps: Deps,
  processors: Processors,
  tenant: Tenant,
  refund: RefundAggregate,
  payments: readonly PaymentIntentRow[],
  answer?: AnswerOnce<RefundAggregate>,
): Promise<Result<RefundAggregate>> {
  const outcomes = new Map<string, RefundOutcome>();
  for (const item of refund.items) {
    if (item.status !== 'pending' || item.processor_refund_id) continue;
    const intent = payments.find((p) => p.id === item.payment_intent_id);
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
  return recordOutcomes(deps, tenant, SYSTEM_ACTOR, refund.refund.id, outcomes, answer);
}
