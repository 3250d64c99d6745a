import { closeOpenSessionsQuery } from '../../adapters/db/repos/checkout-sessions-repo.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { selectOrderAggregate } from '../../adapters/db/repos/orders-repo.js';
import {
  cardColumns,
  insertPaymentIntentQuery,
  type PaymentIntentOutcome,
  selectPaymentIntentByRequestKey,
  settlePaymentIntentQuery,
} from '../../adapters/db/repos/payment-intents-repo.js';
import type { PaymentIntentRow } from '../../adapters/db/schema.js';
import { type Failure, fail, missing, ok, type Result } from '../../domain/errors.js';
import { requireAction, statusAfterMoneyMoved } from '../../domain/order-lifecycle.js';
import type { Tenant } from '../../domain/tenant.js';
import type { ChargeOutcome, PaymentProcessor, Processors } from '../../ports/payment-processor.js';
import type { OrderView } from '../../resources/order.js';
import { paymentIntentResource } from '../../resources/payment-intent.js';
import { closedSessionEvents } from '../checkout/checkout-session-events.js';
import { type Actor, objectEvent } from '../events/record-events.js';
import { changeOrder, withOrderLock } from '../orders/change-order.js';
import { viewOrder } from '../orders/order-pricing.js';
import { getOrder } from '../orders/order-queries.js';
import { processorNotConfigured, takesPayments } from '../processors/account-processors.js';
import { chargeMetadata } from '../processors/processor-metadata.js';
import type { AnswerOnce } from '../shared/answer-once.js';
import type { Deps } from '../shared/deps.js';
import { newId } from '../shared/ids.js';
import { resumableSince } from '../shared/request-keys.js';
import { giveBack, takeStock, writeReservation } from './reservations.js';

export interface PayOrderInput {
  /** The token that pays; or, the seed's form, `payment_source_tokens` with exactly one. */
  readonly payment_source_token?: string | undefined;
  readonly payment_source_tokens?: readonly string[] | undefined;
  readonly buyer_email?: string | undefined;
  /** Less than the balance for a partial payment; the balance when omitted. */
  readonly amount?: number | undefined;
}

export interface PaymentResult {
  readonly order: OrderView;
  readonly paymentIntent: PaymentIntentRow;
}

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
  deps: Deps,
  processors: Processors,
  tenant: Tenant,
  actor: Actor,
  orderId: string,
  input: PayOrderInput,
  requestKey: string | null = null,
  answer?: AnswerOnce<PaymentResult>,
): Promise<Result<PaymentResult>> {
  if (requestKey) {
    const since = resumableSince(deps.clock.now());
    const earlier = await selectPaymentIntentByRequestKey(deps.db, tenant, requestKey, since);
    if (earlier?.order_id === orderId) {
      return resume(deps, processors, tenant, actor, earlier, answer);
    }
  }
  let processor: PaymentProcessor;
  try {
    processor = await processors.forNewPayments(tenant);
  } catch {
    // Its credentials cannot be opened (the server's encryption key changed or is unset).
    return fail({
      code: 'processor_unavailable',
      message:
        "The account's processor cannot be used; its settings need the server's encryption key",
    });
  }
  const reserved = await reserve(deps, processor, tenant, actor, orderId, input, requestKey);
  if (!reserved.ok) return reserved;
  return chargeAndSettle(deps, processor, tenant, actor, reserved.value, answer);
}

/**
 * Step 2 and 3: charge with the intent id as the processor's key (a charge sent before
 * is answered the same way), and record the answer. Also the settlement worker's re-drive.
 */
export async function chargeAndSettle(
  deps: Deps,
  processor: PaymentProcessor,
  tenant: Tenant,
  actor: Actor,
  intent: PaymentIntentRow,
  answer?: AnswerOnce<PaymentResult>,
): Promise<Result<PaymentResult>> {
  let outcome: ChargeOutcome;
  try {
    outcome = await processor.charge({
      idempotencyKey: intent.id,
      amount: intent.amount,
      currency: intent.currency,
      paymentSourceToken: intent.payment_source ?? '',
      buyerEmail: intent.buyer_email ?? undefined,
      metadata: chargeMetadata(intent),
    });
  } catch {
    // The card may or may not have been charged: the intent stays `processing` with its
    // reservations, to be confirmed with the same idempotency key — never charged anew.
    return fail({
      code: 'processor_unavailable',
      message: 'The processor did not answer; the payment stays processing until it is confirmed',
      details: { payment_intent_id: intent.id },
    });
  }
  return settle(deps, tenant, actor, intent, outcome, answer);
}

/**
 * A retry of a request that started this payment: one still `processing` (its answer
 * was never recorded) is sent again with the same key and recorded; otherwise the
 * payment as it stands now.
 */
async function resume(
  deps: Deps,
  processors: Processors,
  tenant: Tenant,
  actor: Actor,
  intent: PaymentIntentRow,
  answer?: AnswerOnce<PaymentResult>,
): Promise<Result<PaymentResult>> {
  if (intent.status === 'processing') {
    const processor = await processors.named(tenant, intent.processor);
    return chargeAndSettle(deps, processor, tenant, actor, intent, answer);
  }
  const order = await getOrder(deps, tenant, intent.order_id);
  if (!order.ok) return order;
  const current = order.value.payments.find((p) => p.id === intent.id) ?? intent;
  return ok({ order: order.value, paymentIntent: current });
}

/**
 * The one token that pays: `payment_source_token`, or a list of exactly one. A payment
 * split over several tokens is refused for now: a retry finds its payment by the request's
 * key, one intent per key, so a retried split could charge twice.
 */
function paymentSourceOf(input: PayOrderInput): Result<string> {
  const { payment_source_token: one, payment_source_tokens: list } = input;
  if (one !== undefined && list !== undefined) {
    return fail({
      code: 'parameter_invalid',
      message: 'Give payment_source_token or payment_source_tokens, not both',
      loc: ['payment', 'payment_source_tokens'],
    });
  }
  if (list && list.length > 1) {
    return fail({
      code: 'split_payment_unsupported',
      message: 'A payment takes one token for now: give payment_source_tokens a single token',
      loc: ['payment', 'payment_source_tokens'],
    });
  }
  const token = one ?? list?.[0];
  if (token === undefined) {
    return fail({
      code: 'parameter_invalid',
      message: 'payment_source_token (or payment_source_tokens) is required',
      loc: ['payment', 'payment_source_token'],
    });
  }
  return ok(token);
}

function amountFailure(message: string, balance: number): Failure {
  return {
    code: 'amount_invalid',
    message,
    loc: ['payment', 'amount'],
    details: { maximum_payable: balance },
  };
}

async function reserve(
  deps: Deps,
  processor: PaymentProcessor,
  tenant: Tenant,
  actor: Actor,
  orderId: string,
  input: PayOrderInput,
  requestKey: string | null,
): Promise<Result<PaymentIntentRow>> {
  return withOrderLock(deps, tenant, orderId, async (tx) => {
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
    // Payments under way count against the balance: never charge the same balance twice.
    const underWay = view.payments.filter(
      (p) => p.status === 'processing' || p.status === 'requires_action',
    );
    const balance = view.pricing.net.balance - underWay.reduce((n, p) => n + p.amount, 0);
    if (balance <= 0) return fail(amountFailure('The order has nothing left to pay', 0));
    const amount = input.amount ?? balance;
    if (amount > balance) {
      return fail(amountFailure(`The order's remaining balance is ${balance}`, balance));
    }
    const completes = amount === balance;
    if (completes && underWay.length > 0) {
      // The settling payment takes the stock; it must not race another that might fail.
      return fail({
        code: 'payment_in_progress',
        message: 'Another payment of this order is under way; retry once it has settled',
        loc: ['payment'],
      });
    }
    const now = deps.clock.now();
    const taken = completes ? await takeStock(tx, tenant, view) : ok([]);
    if (!taken.ok) return taken;
    const intent: PaymentIntentRow = {
      id: newId('pi'),
      account_id: tenant.accountId,
      mode: tenant.mode,
      order_id: orderId,
      amount,
      currency: view.order.currency,
      status: 'processing',
      processor: processor.name,
      processor_payment_id: null,
      latest_charge: null,
      amount_received: 0,
      buyer_email: input.buyer_email ?? null,
      completes_order: completes,
      payment_source: source.value,
      request_key: requestKey,
      failure_code: null,
      failure_message: null,
      metadata: {},
      ...cardColumns(null),
      created_at: now,
      updated_at: now,
    };
    const created = objectEvent(
      tenant,
      actor,
      { type: 'payment_intent.created', objectType: 'payment_intent', objectId: intent.id },
      paymentIntentResource(intent),
      now,
    );
    const writes = [
      ...taken.value,
      insertPaymentIntentQuery(tx, intent),
      insertEventsQuery(tx, [created]),
    ];
    const written = await writeReservation(tx, tenant, view, writes, completes, now);
    return written.ok ? ok(intent) : written;
  });
}

function outcomeRow(
  outcome: ChargeOutcome,
  now: Date,
): PaymentIntentOutcome & { readonly status: ChargeOutcome['status'] } {
  // The card is written with the outcome that reports it; one that does not keeps it.
  const card = 'card' in outcome && outcome.card ? cardColumns(outcome.card) : {};
  return { ...outcomeColumns(outcome, now), ...card };
}

function outcomeColumns(
  outcome: ChargeOutcome,
  now: Date,
): PaymentIntentOutcome & { readonly status: ChargeOutcome['status'] } {
  switch (outcome.status) {
    case 'succeeded':
      return {
        status: 'succeeded',
        processor_payment_id: outcome.processorPaymentId,
        latest_charge: outcome.processorChargeId,
        amount_received: outcome.amountReceived,
        failure_code: null,
        failure_message: null,
        updated_at: now,
      };
    case 'requires_action':
    case 'canceled':
      // No money yet (waiting for the buyer), or none ever (stopped before it completed).
      return {
        status: outcome.status,
        processor_payment_id: outcome.processorPaymentId,
        latest_charge: null,
        amount_received: 0,
        failure_code: null,
        failure_message: null,
        updated_at: now,
      };
    case 'failed':
      return {
        status: 'failed',
        processor_payment_id: outcome.processorPaymentId,
        latest_charge: null,
        amount_received: 0,
        failure_code: outcome.declineCode,
        failure_message: outcome.message,
        updated_at: now,
      };
  }
}

/**
 * Records a processor's answer for an intent (also used by the settlement worker), and
 * with it the request's `answer` when there is one.
 */
export async function settle(
  deps: Deps,
  tenant: Tenant,
  actor: Actor,
  intent: PaymentIntentRow,
  outcome: ChargeOutcome,
  answer?: AnswerOnce<PaymentResult>,
): Promise<Result<PaymentResult>> {
  let settled: PaymentIntentRow = intent;
  const alreadyRecorded = missing('payment intent');
  const view = await changeOrder(deps, tenant, actor, intent.order_id, async (current, tx, now) => {
    const row = outcomeRow(outcome, now);
    settled = { ...intent, ...row };
    const payments = current.payments.map((p) => (p.id === intent.id ? settled : p));
    // A payment that was to settle the order and ended without money gives back what it
    // reserved; one still waiting for the buyer's action keeps it.
    if ((row.status === 'failed' || row.status === 'canceled') && intent.completes_order) {
      await giveBack(tx, current);
    }
    const paid = current.order.paid + row.amount_received;
    const status = statusAfterMoneyMoved(current.order.status, {
      total: current.pricing.net.total,
      paid,
      refunded: current.order.refunded,
    });
    const completes = status === 'PAID' && current.order.status !== 'PAID';
    return ok({
      aggregate: { ...current, payments, order: { ...current.order, paid, status } },
      event: completes ? ('order.paid' as const) : ('order.updated' as const),
      ...(answer ? { answer: (order) => answer(tx, { order, paymentIntent: settled }) } : {}),
      events: [
        objectEvent(
          tenant,
          actor,
          {
            type: `payment_intent.${row.status}`,
            objectType: 'payment_intent',
            objectId: intent.id,
          },
          paymentIntentResource(settled),
          now,
        ),
      ],
      // All in the order's statement. The answer is recorded once: only an intent still
      // `processing` changes, and if another path recorded it first, all of this is undone.
      conditional: {
        writes: {
          intent: settlePaymentIntentQuery(tx, intent.id, row),
          // Paying the order by any surface completes its open checkout sessions.
          ...(completes
            ? { sessions: closeOpenSessionsQuery(tx, current.order.id, 'complete', now) }
            : {}),
        },
        decide: (rows) =>
          rows.intent?.length
            ? ok(
                closedSessionEvents(
                  tenant,
                  actor,
                  'checkout.session.completed',
                  rows.sessions,
                  now,
                  deps.publicUrl,
                ),
              )
            : fail(alreadyRecorded),
      },
    });
  });
  if (!view.ok && view.error === alreadyRecorded) {
    // Another path recorded the answer first: report what it recorded.
    const order = await getOrder(deps, tenant, intent.order_id);
    const current = order.ok ? order.value.payments.find((p) => p.id === intent.id) : undefined;
    if (!order.ok || !current) throw new Error(`payment intent ${intent.id} vanished`);
    return ok({ order: order.value, paymentIntent: current });
  }
  if (!view.ok) return view;
  return ok({ order: view.value, paymentIntent: settled });
}
