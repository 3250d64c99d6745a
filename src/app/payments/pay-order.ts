import type { Kysely } from 'kysely';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { selectOrderAggregate } from '../../adapters/db/repos/orders-repo.js';
import {
  cardColumns,
  insertPaymentIntentQuery,
  selectPaymentIntentByRequestKey,
} from '../../adapters/db/repos/payment-intents-repo.js';
import {
  lockPaymentMethodById,
  selectPaymentMethodById,
} from '../../adapters/db/repos/payment-methods-repo.js';
import type { Database, PaymentIntentRow } from '../../adapters/db/schema.js';
import type { PaymentMethodRow } from '../../adapters/db/schema-payment-methods.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { completionWithoutPayment, requireAction } from '../../domain/order-lifecycle.js';
import type { Tenant } from '../../domain/tenant.js';
import type { PaymentProcessor } from '../../ports/payment-processor.js';
import type { OrderView } from '../../resources/order.js';
import { paymentCardOf, paymentIntentResource } from '../../resources/payment-intent.js';
import { objectEvent } from '../events/record-events.js';
import { withOrderLock } from '../orders/change-order.js';
import { viewOrder } from '../orders/order-pricing.js';
import { getOrder } from '../orders/order-queries.js';
import { processorNotConfigured, takesPayments } from '../processors/account-processors.js';
import type { AnswerOption } from '../shared/answer-once.js';
import type { CommandContext } from '../shared/command-context.js';
import { newId } from '../shared/ids.js';
import { startedByRequest } from '../shared/request-keys.js';
import { onOrderClock } from '../test-clocks/clock-time.js';
import { chargeAndSettle } from './charge-and-settle.js';
import { completeWithoutPayment, completionFactsOf } from './complete-without-payment.js';
import {
  amountToPay,
  type PayOrderInput,
  paymentSourceOf,
  savedMethodOf,
  usableMethod,
} from './payment-request-checks.js';
import { takeStock, writeReservation } from './reservations.js';

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
 *
 * An order with nothing to pay (total 0, no payment ever taken) and no `amount` asked is
 * completed in step 1 instead, under the same lock: PAID with no payment intent and no
 * processor call (a token, if given, is not used), and the answer's `paymentIntent` is null.
 */
export async function payOrder(
  request: CommandContext,
  { orderId, payment, method }: PayOrder,
  { answer }: AnswerOption<OrderPayment> = {},
): Promise<Result<OrderPayment>> {
  const ctx = await onOrderClock(request, orderId);
  const earlier = await startedByRequest(ctx, selectPaymentIntentByRequestKey);
  if (earlier?.order_id === orderId) return resume(ctx, earlier, { answer });
  // Needed only when there is something to pay: a failure is told under the lock then.
  const processor = await processorForPayment(ctx, payment, method);
  const reserved = await reserve(ctx, { orderId, payment, processor }, { answer });
  if (!reserved.ok) return reserved;
  if (reserved.value.kind === 'completed') return ok(reserved.value.payment);
  const { intent } = reserved.value;
  return processor.ok
    ? chargeAndSettle(ctx, { processor: processor.value, intent }, { answer })
    : processor;
}

/**
 * What `payOrder` pays: the order, with the request's payment fields — a token, or a saved
 * method of the order's customer: `{ payment_method_id, off_session: true }` is how a
 * renewal charges a customer's default method with nobody there.
 */
export interface PayOrder {
  readonly orderId: string;
  readonly payment: PayOrderInput;
  /**
   * The saved method `payment.payment_method_id` names, when the caller has read it (a
   * renewal's charge): its processor is not looked up again. It is still locked and
   * checked under the order's lock before anything is reserved.
   */
  readonly method?: PaymentMethodRow | undefined;
}

/** What paying an order answers: the order, and its payment (null: nothing was to pay). */
export interface OrderPayment {
  readonly order: OrderView;
  readonly paymentIntent: PaymentIntentRow | null;
}

/** What step 1 did: reserved a payment to charge, or completed an order with nothing to pay. */
type Reserved =
  | { readonly kind: 'charge'; readonly intent: PaymentIntentRow }
  | { readonly kind: 'completed'; readonly payment: OrderPayment };

/**
 * The processor this payment goes to: the one that keeps its saved method (whatever the
 * account uses now), else the account's for new payments.
 */
async function processorForPayment(
  ctx: Pick<CommandContext, 'deps' | 'processors' | 'tenant'>,
  payment: PayOrderInput,
  known: PaymentMethodRow | undefined,
): Promise<Result<PaymentProcessor>> {
  if (payment.payment_method_id === undefined) return processorForNewPayments(ctx);
  const method =
    known?.id === payment.payment_method_id
      ? known
      : await selectPaymentMethodById(ctx.deps.db, ctx.tenant, payment.payment_method_id);
  if (!method) return fail(missing('payment method'));
  try {
    return ok(await ctx.processors.named(ctx.tenant, method.processor));
  } catch {
    return fail({
      code: 'processor_unavailable',
      message:
        "The payment method's processor cannot be used; its settings need the server's encryption key",
    });
  }
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
  { answer }: AnswerOption<OrderPayment>,
): Promise<Result<OrderPayment>> {
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
 * the coupons' redemptions) — or completes an order with nothing to pay, answer included.
 */
async function reserve(
  ctx: CommandContext,
  {
    orderId,
    payment: input,
    processor: found,
  }: PayOrder & { readonly processor: Result<PaymentProcessor> },
  { answer }: AnswerOption<OrderPayment>,
): Promise<Result<Reserved>> {
  const { tenant } = ctx;
  return withOrderLock(ctx, orderId, async (tx, now) => {
    const aggregate = await selectOrderAggregate(tx, tenant, orderId);
    if (!aggregate) return fail(missing('order'));
    const view = await viewOrder(tx, tenant, aggregate);
    if (input.amount === undefined && completionWithoutPayment(completionFactsOf(view)).ok) {
      return completeFree(tx, ctx, { view, input, now, answer });
    }
    const saved = savedMethodOf(input);
    if (!saved.ok) return saved;
    if (!found.ok) return found;
    const processor = found.value;
    // A missing order is a 404 in either case; otherwise nothing is reserved for a live
    // payment that no real processor would take.
    if (!takesPayments(tenant.mode, processor.name)) return fail(processorNotConfigured);
    // A paid (or canceled) order says so, whether or not a token came with the request.
    const allowed = requireAction(aggregate.order.status, 'pay');
    if (!allowed.ok) return allowed;
    const source = await sourceOf(tx, tenant, {
      input,
      methodId: saved.value,
      customerId: aggregate.order.customer_id,
    });
    if (!source.ok) return source;
    const toPay = amountToPay(
      { balance: view.pricing.net.balance, payments: view.payments },
      input.amount,
    );
    if (!toPay.ok) return toPay;
    const { completes } = toPay.value;
    const taken = completes ? await takeStock(tx, tenant, view) : ok([]);
    if (!taken.ok) return taken;
    const intent = newPaymentIntent(ctx, {
      ...toPay.value,
      view,
      processor: processor.name,
      ...source.value,
      offSession: input.off_session === true,
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
    return written.ok ? ok({ kind: 'charge' as const, intent }) : written;
  });
}

/**
 * What the payment charges: the request's token, or the saved method's processor id — the
 * method locked until the intent is written, so a concurrent detach waits or wins.
 */
async function sourceOf(
  tx: Kysely<Database>,
  tenant: Tenant,
  {
    input,
    methodId,
    customerId,
  }: {
    readonly input: PayOrderInput;
    readonly methodId: string | null;
    readonly customerId: string | null;
  },
): Promise<Result<{ readonly source: string; readonly method: PaymentMethodRow | null }>> {
  if (methodId === null) {
    const token = paymentSourceOf(input);
    return token.ok ? ok({ source: token.value, method: null }) : token;
  }
  const found = await lockPaymentMethodById(tx, tenant, methodId);
  if (!found) return fail(missing('payment method'));
  const method = usableMethod(found, { customer_id: customerId });
  if (!method.ok) return method;
  return ok({ source: method.value.processor_payment_method_id, method: method.value });
}

/**
 * Step 1 for an order with nothing to pay: completed at once. A token sent along is not
 * used, but a malformed request (both token fields) is still refused.
 */
async function completeFree(
  tx: Kysely<Database>,
  ctx: CommandContext,
  {
    view,
    input,
    now,
    answer,
  }: AnswerOption<OrderPayment> & {
    readonly view: OrderView;
    readonly input: PayOrderInput;
    readonly now: Date;
  },
): Promise<Result<Reserved>> {
  const saved = savedMethodOf(input);
  if (!saved.ok) return saved;
  if (input.payment_source_token !== undefined || input.payment_source_tokens !== undefined) {
    const source = paymentSourceOf(input);
    if (!source.ok) return source;
  }
  const completed = await completeWithoutPayment(tx, ctx, {
    before: view,
    now,
    answer: answer && ((order) => answer(tx, { order, paymentIntent: null })),
  });
  if (!completed.ok) return completed;
  return ok({ kind: 'completed', payment: { order: completed.value, paymentIntent: null } });
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
    /** The saved method it charges (its card is shown until the processor says). */
    readonly method: PaymentMethodRow | null;
    readonly offSession: boolean;
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
    ...cardColumns(p.method ? paymentCardOf(p.method) : null),
    payment_method_id: p.method?.id ?? null,
    off_session: p.offSession,
    processor_customer_id: p.method?.processor_customer_id ?? null,
    created_at: p.now,
    updated_at: p.now,
  };
}
