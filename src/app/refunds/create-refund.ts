import type { Kysely } from 'kysely';
import type { Write } from '../../adapters/db/one-statement.js';
import { selectPaymentIntentsByOrderIds } from '../../adapters/db/repos/payment-intents-repo.js';
import {
  insertRefundQueries,
  type RefundAggregate,
  selectRefundByRequestKey,
} from '../../adapters/db/repos/refunds-repo.js';
import type {
  Database,
  NewEventRow,
  RefundItemRow,
  RefundLineItemRow,
  RefundRow,
} from '../../adapters/db/schema.js';
import { ok, type Result } from '../../domain/errors.js';
import { withoutEmptyValues } from '../../domain/metadata.js';
import { initialRefundStatus, isOffline } from '../../domain/refunds/refund-policy.js';
import type { OrderView } from '../../resources/order.js';
import { refundResource } from '../../resources/refund.js';
import { objectEvent } from '../events/record-events.js';
import { type ChangedOrder, changeOrder } from '../orders/change-order.js';
import type { AnswerOption } from '../shared/answer-once.js';
import type { CommandContext } from '../shared/command-context.js';
import { newId } from '../shared/ids.js';
import { startedByRequest } from '../shared/request-keys.js';
import {
  type CreateRefundInput,
  DIRECT,
  orderIdOf,
  planOrderRefund,
  type RefundOrigin,
  type RefundPlan,
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
  ctx: CommandContext,
  input: CreateRefundInput,
  { origin = DIRECT, answer, attach }: RefundOptions = {},
): Promise<Result<RefundAggregate>> {
  const { deps, tenant } = ctx;
  const orderId = await orderIdOf(deps, tenant, input);
  if (!orderId.ok) return orderId;
  const earlier = await startedByRequest(ctx, selectRefundByRequestKey);
  if (earlier?.refund.order_id === orderId.value) {
    // A retry of the request that started this refund: finish sending it.
    const payments = await selectPaymentIntentsByOrderIds(deps.db, [orderId.value]);
    return sendRefund(ctx, { refund: earlier, payments }, { answer });
  }
  const written = await writeRefund(
    ctx,
    { orderId: orderId.value, input, origin },
    { answer, attach },
  );
  if (!written.ok) return written;
  const { view, value: created } = written.value;
  if (isOffline(created.refund.method)) return ok(created);
  return sendRefund(ctx, { refund: created, payments: view.payments }, { answer });
}

/**
 * Under the order's lock: plans the refund, writes it (pending, or succeeded when made
 * outside Flint) with its events, and moves the order's amounts and status.
 */
async function writeRefund(
  ctx: CommandContext,
  {
    orderId,
    input,
    origin,
  }: { readonly orderId: string; readonly input: CreateRefundInput; readonly origin: RefundOrigin },
  { answer, attach }: Pick<RefundOptions, 'answer' | 'attach'>,
): Promise<Result<ChangedOrder<RefundAggregate>>> {
  return changeOrder<RefundAggregate>(ctx, orderId, async (current, tx, now) => {
    const planned = await planOrderRefund(tx, current, { input, origin });
    if (!planned.ok) return planned;
    const made = newRefund(ctx, { current, plan: planned.value, input, origin, now });
    const attached = attach ? await attach(tx, { refund: made, now }) : ok(NOTHING_ATTACHED);
    if (!attached.ok) return attached;
    const offline = isOffline(made.refund.method);
    const subject = {
      objectType: 'refund',
      objectId: made.refund.id,
      object: refundResource(made),
      now,
    };
    // The refund, its parts and its events go in the order change's one statement.
    return ok({
      ...withRefunded(current, made.refund.amount),
      value: made,
      writes: [...insertRefundQueries(tx, made), ...attached.value.writes],
      // Nothing more happens to a refund made outside Flint: this is its outcome.
      ...(offline && answer ? { answer: () => answer(tx, made) } : {}),
      events: [
        objectEvent(ctx, { ...subject, type: 'refund.created' }),
        ...(offline ? [objectEvent(ctx, { ...subject, type: 'refund.succeeded' })] : []),
        ...attached.value.events,
      ],
    });
  });
}

/** `createRefund`'s optional last argument. */
export interface RefundOptions extends AnswerOption<RefundAggregate> {
  /** Where the request came from; a direct `POST /v1/refunds` when absent. */
  readonly origin?: RefundOrigin | undefined;
  /**
   * What the refund is made for writes with it, in its transaction under the order's
   * lock (a return's move, restock and event): its failure undoes the refund.
   */
  readonly attach?: RefundAttach | undefined;
}

/** Writes of other rows (never the order's) and their events, made with a refund. */
export interface RefundAttachment {
  readonly writes: readonly Write[];
  readonly events: readonly NewEventRow[];
}
export type RefundAttach = (
  tx: Kysely<Database>,
  made: { readonly refund: RefundAggregate; readonly now: Date },
) => Promise<Result<RefundAttachment>>;
const NOTHING_ATTACHED: RefundAttachment = { writes: [], events: [] };

/** The rows of a new refund as planned: pending, or succeeded when made outside Flint. */
function newRefund(
  { tenant, requestKey }: Pick<CommandContext, 'tenant' | 'requestKey'>,
  {
    current,
    plan,
    input,
    origin,
    now,
  }: {
    readonly current: OrderView;
    readonly plan: RefundPlan;
    readonly input: CreateRefundInput;
    readonly origin: RefundOrigin;
    readonly now: Date;
  },
): RefundAggregate {
  const id = newId('re');
  const { itemized } = plan;
  const method = input.method ?? 'original_payment_method';
  // Money returned outside Flint is back with the buyer already: nothing to send, and
  // no network reference number will ever come.
  const offline = isOffline(method);
  const status = initialRefundStatus(method);
  const referenceStatus = offline ? 'unavailable' : 'pending';
  const first = plan.parts[0];
  if (!first) throw new Error('a refund plan has at least one part');
  const refund: RefundRow = {
    id,
    account_id: tenant.accountId,
    mode: tenant.mode,
    order_id: current.order.id,
    payment_intent_id: first.paymentIntentId,
    checkout_session_id: origin.checkoutSessionId,
    amount: plan.amount,
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
  const items: RefundItemRow[] = plan.parts.map((part) => ({
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
  return { refund, items, lines };
}
