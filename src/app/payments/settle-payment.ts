import type { Kysely } from 'kysely';
import { closeOpenSessionsQuery } from '../../adapters/db/repos/checkout-sessions-repo.js';
import {
  cardColumns,
  type PaymentIntentOutcome,
  settlePaymentIntentQuery,
} from '../../adapters/db/repos/payment-intents-repo.js';
import type { Database, PaymentIntentRow } from '../../adapters/db/schema.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import { statusAfterMoneyMoved } from '../../domain/order-lifecycle.js';
import type { ChargeOutcome } from '../../ports/payment-processor.js';
import type { OrderView } from '../../resources/order.js';
import { paymentIntentResource } from '../../resources/payment-intent.js';
import { closedSessionEvents } from '../checkout/checkout-session-events.js';
import { objectEvent } from '../events/record-events.js';
import { invoiceFollowsPayment } from '../invoices/invoice-follows-order.js';
import { changeOrder, type OrderChange } from '../orders/change-order.js';
import { getOrder } from '../orders/order-queries.js';
import { linksEndedWithOrder } from '../recovery-links/links-follow-order.js';
import type { AnswerOption } from '../shared/answer-once.js';
import type { ChangeContext } from '../shared/command-context.js';
import { onOrderClock } from '../test-clocks/clock-time.js';
import { scheduleHoldExpiry } from './payment-holds.js';
import { giveBack } from './reservations.js';

export interface PaymentResult {
  readonly order: OrderView;
  readonly paymentIntent: PaymentIntentRow;
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

/** What `settle` records: a processor's answer for one intent. */
export interface Settlement {
  readonly intent: PaymentIntentRow;
  readonly outcome: ChargeOutcome;
}

/**
 * The failure that undoes a settlement another path recorded first (only an intent still
 * `processing` changes); `settle` answers it with what that path recorded.
 */
const RECORDED_ELSEWHERE = 'payment_intent_state_invalid';

/**
 * Records a processor's answer for an intent (also used by the settlement worker), and
 * with it the request's `answer` when there is one.
 */
export async function settle(
  request: ChangeContext,
  settlement: Settlement,
  { answer }: AnswerOption<PaymentResult> = {},
): Promise<Result<PaymentResult>> {
  const { intent } = settlement;
  const ctx = await onOrderClock(request, intent.order_id);
  const changed = await changeOrder<PaymentIntentRow>(ctx, intent.order_id, (current, tx, now) =>
    settlementChange(tx, ctx, { ...settlement, current, now, answer }),
  );
  if (changed.ok) return ok({ order: changed.value.view, paymentIntent: changed.value.value });
  if (changed.error.code !== RECORDED_ELSEWHERE) return changed;
  // Another path recorded the answer first: report what it recorded.
  const order = await getOrder(ctx.deps, ctx.tenant, intent.order_id);
  const current = order.ok ? order.value.payments.find((p) => p.id === intent.id) : undefined;
  if (!order.ok || !current) throw new Error(`payment intent ${intent.id} vanished`);
  return ok({ order: order.value, paymentIntent: current });
}

/**
 * The order change an answer makes, under the order's lock: the intent's outcome, the
 * money it adds and the status that follows, what a failed settling payment gives back;
 * its value is the intent as recorded.
 */
async function settlementChange(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  {
    intent,
    outcome,
    current,
    now,
    answer,
  }: Settlement & AnswerOption<PaymentResult> & { readonly current: OrderView; readonly now: Date },
): Promise<Result<OrderChange<PaymentIntentRow>>> {
  const row = outcomeRow(outcome, now);
  const settled: PaymentIntentRow = { ...intent, ...row };
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
  // A payment now waiting for 3-D Secure holds the balance: its hold gets an end.
  if (row.status === 'requires_action') {
    await scheduleHoldExpiry(tx, ctx, { intentId: intent.id, now });
  }
  // The order's invoice follows a payment that ended (looked up only then).
  const invoice =
    row.status === 'succeeded' || row.status === 'failed'
      ? await invoiceFollowsPayment(tx, ctx, {
          outcome: row.status,
          order: {
            id: current.order.id,
            currency: current.order.currency,
            status,
            total: current.pricing.net.total,
            paid,
            refunded: current.order.refunded,
          },
          payment: { id: intent.id, amount: row.amount_received },
          now,
        })
      : undefined;
  // Paying the order in full completes its active recovery links too.
  const links = linksEndedWithOrder(tx, ctx, {
    orderId: current.order.id,
    currency: current.order.currency,
    balance: 0,
    end: 'completed',
    now,
  });
  return ok({
    aggregate: { ...current, payments, order: { ...current.order, paid, status } },
    event: completes ? 'order.paid' : 'order.updated',
    value: settled,
    writes: invoice?.writes ?? [],
    ...(answer ? { answer: (order) => answer(tx, { order, paymentIntent: settled }) } : {}),
    events: [
      objectEvent(ctx, {
        type: `payment_intent.${row.status}`,
        objectType: 'payment_intent',
        objectId: intent.id,
        object: paymentIntentResource(settled),
        now,
      }),
      ...(invoice?.events ?? []),
    ],
    // All in the order's statement. The answer is recorded once: only an intent still
    // `processing` changes, and if another path recorded it first, all of this is undone.
    conditional: {
      writes: {
        intent: settlePaymentIntentQuery(tx, intent.id, row),
        // Paying the order by any surface completes its open checkout sessions.
        ...(completes
          ? {
              sessions: closeOpenSessionsQuery(tx, current.order.id, 'complete', now),
              links: links.write,
            }
          : {}),
      },
      decide: (rows) =>
        rows.intent?.length
          ? ok([
              ...closedSessionEvents(ctx, {
                type: 'checkout.session.completed',
                rows: rows.sessions,
                now,
                publicUrl: ctx.deps.publicUrl,
              }),
              ...links.events(rows.links),
            ])
          : fail({ code: RECORDED_ELSEWHERE, message: 'The payment was settled already' }),
    },
  });
}
