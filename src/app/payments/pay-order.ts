import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { selectOrderAggregate } from '../../adapters/db/repos/orders-repo.js';
import {
  cardColumns,
  insertPaymentIntentQuery,
  selectPaymentIntentByRequestKey,
} from '../../adapters/db/repos/payment-intents-repo.js';
import type { PaymentIntentRow } from '../../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { requireAction } from '../../domain/order-lifecycle.js';
import type { PaymentProcessor } from '../../ports/payment-processor.js';
import type { OrderView } from '../../resources/order.js';
import { paymentIntentResource } from '../../resources/payment-intent.js';
import { objectEvent } from '../events/record-events.js';
import { withOrderLock } from '../orders/change-order.js';
import { viewOrder } from '../orders/order-pricing.js';
import { getOrder } from '../orders/order-queries.js';
import { processorNotConfigured, takesPayments } from '../processors/account-processors.js';
import type { AnswerOption } from '../shared/answer-once.js';
import type { CommandContext } from '../shared/command-context.js';
import { newId } from '../shared/ids.js';
import { startedByRequest } from '../shared/request-keys.js';
import { chargeAndSettle } from './charge-and-settle.js';
import { amountToPay, type PayOrderInput, paymentSourceOf } from './payment-request-checks.js';
import { takeStock, writeReservation } from './reservations.js';
import type { PaymentResult } from './settle-payment.js';

/**
 * Pays (part of) an order through the processor, in three steps so that no lock is held
 * while the processor works and no retry can charge twice:
 * 1. under the order's lock: check the amount against the balance, and when this payment
 *    settles the order, take its tracked stock and count its coupon redemptions (so two
 *    buyers can never both get the last item); record the intent as `processing`;
 * 2. charge, with our intent id as the processor's idempotency key;
 * 3. under the lock again: record the outcome once (only a `processing` intent changes),
 *    add the money to the order and move its status — or, on failure, give back the
 *    stock and redemptions; `answer` (the request's Idempotency-Key) is completed in
 *    that same transaction.
 * A retry with the same request key resumes from the last step that committed.
 */
export async function payOrder(
  ctx: CommandContext,
  { orderId, payment }: PayOrder,
  { answer }: AnswerOption<PaymentResult> = {},
): Promise<Result<PaymentResult>> {
  const earlier = await startedByRequest(ctx, selectPaymentIntentByRequestKey);
  if (earlier?.order_id === orderId) return resume(ctx, earlier, { answer });
  const processor = await processorForNewPayments(ctx);
  if (!processor.ok) return processor;
  const reserved = await reserve(ctx, { orderId, payment, processor: processor.value });
  if (!reserved.ok) return reserved;
  return chargeAndSettle(ctx, { processor: processor.value, intent: reserved.value }, { answer });
}

/** What `payOrder` pays: the order, with the request's payment fields. */
export interface PayOrder {
  readonly orderId: string;
  readonly payment: PayOrderInput;
}

async function processorForNewPayments({
  processors,
  tenant,
}: Pick<CommandContext, 'processors' | 'tenant'>): Promise<Result<PaymentProcessor>> {
  try {
    return ok(await processors.forNewPayments(tenant));
  } catch {
    // Its credentials cannot be opened (the server's encryption key changed or is unset).
    return fail({
      code: 'processor_unavailable',
      message:
        "The account's processor cannot be used; its settings need the server's encryption key",
    });
  }
}

/**
 * A retry of a request that started this payment: one still `processing` (its answer
 * was never recorded) is sent again with the same key and recorded; otherwise the
 * payment as it stands now.
 */
async function resume(
  ctx: CommandContext,
  intent: PaymentIntentRow,
  { answer }: AnswerOption<PaymentResult>,
): Promise<Result<PaymentResult>> {
  if (intent.status === 'processing') {
    const processor = await ctx.processors.named(ctx.tenant, intent.processor);
    return chargeAndSettle(ctx, { processor, intent }, { answer });
  }
  const order = await getOrder(ctx.deps, ctx.tenant, intent.order_id);
  if (!order.ok) return order;
  const current = order.value.payments.find((p) => p.id === intent.id) ?? intent;
  return ok({ order: order.value, paymentIntent: current });
}

/**
 * Step 1, under the order's lock: checks the payment against the order, takes the stock
 * when it settles the order, and writes the intent as `processing` with its event (and
 * the coupons' redemptions).
 */
async function reserve(
  ctx: CommandContext,
  { orderId, payment: input, processor }: PayOrder & { readonly processor: PaymentProcessor },
): Promise<Result<PaymentIntentRow>> {
  const { deps, tenant } = ctx;
  return withOrderLock(ctx, orderId, async (tx) => {
    const aggregate = await selectOrderAggregate(tx, tenant, orderId);
    if (!aggregate) return fail(missing('order'));
    // A missing order is a 404 in either case; otherwise nothing is reserved for a live
    // payment that no real processor would take.
    if (!takesPayments(tenant.mode, processor.name)) return fail(processorNotConfigured);
    const source = paymentSourceOf(input);
    if (!source.ok) return source;
    const allowed = requireAction(aggregate.order.status, 'pay');
    if (!allowed.ok) return allowed;
    const view = await viewOrder(tx, tenant, aggregate);
    const toPay = amountToPay(
      { balance: view.pricing.net.balance, payments: view.payments },
      input.amount,
    );
    if (!toPay.ok) return toPay;
    const { completes } = toPay.value;
    const now = deps.clock.now();
    const taken = completes ? await takeStock(tx, tenant, view) : ok([]);
    if (!taken.ok) return taken;
    const intent = newPaymentIntent(ctx, {
      ...toPay.value,
      view,
      processor: processor.name,
      source: source.value,
      buyerEmail: input.buyer_email,
      now,
    });
    const created = objectEvent(ctx, {
      type: 'payment_intent.created',
      objectType: 'payment_intent',
      objectId: intent.id,
      object: paymentIntentResource(intent),
      now,
    });
    const writes = [
      ...taken.value,
      insertPaymentIntentQuery(tx, intent),
      insertEventsQuery(tx, [created]),
    ];
    const written = await writeReservation(tx, tenant, { view, writes, completes, now });
    return written.ok ? ok(intent) : written;
  });
}

/** The row of a new payment of the order, `processing` until the processor answers. */
function newPaymentIntent(
  { tenant, requestKey }: Pick<CommandContext, 'tenant' | 'requestKey'>,
  p: {
    readonly view: OrderView;
    readonly amount: number;
    readonly completes: boolean;
    readonly processor: string;
    readonly source: string;
    readonly buyerEmail: string | undefined;
    readonly now: Date;
  },
): PaymentIntentRow {
  return {
    id: newId('pi'),
    account_id: tenant.accountId,
    mode: tenant.mode,
    order_id: p.view.order.id,
    amount: p.amount,
    currency: p.view.order.currency,
    status: 'processing',
    processor: p.processor,
    processor_payment_id: null,
    latest_charge: null,
    amount_received: 0,
    buyer_email: p.buyerEmail ?? null,
    completes_order: p.completes,
    payment_source: p.source,
    request_key: requestKey,
    failure_code: null,
    failure_message: null,
    metadata: {},
    ...cardColumns(null),
    created_at: p.now,
    updated_at: p.now,
  };
}
