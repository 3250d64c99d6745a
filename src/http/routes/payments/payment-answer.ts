import type { OrderPayment } from '../../../app/payments/pay-order.js';
import type { PaymentResult } from '../../../app/payments/settle-payment.js';
import { orderResource } from '../../../resources/order.js';
import { paymentIntentResource } from '../../../resources/payment-intent.js';
import { declineCode } from '../../error-vocabulary.js';
import { ApiError, errorBody } from '../../errors.js';
import type { RouteAnswer } from '../../idempotency.js';

/** `{"order", "payment_intent"}`: what every payment action answers. */
export function paymentBody(result: PaymentResult) {
  return {
    order: orderResource(result.order),
    payment_intent: paymentIntentResource(result.paymentIntent),
  };
}

/**
 * What an API call that pays answers: the order and its payment intent, or, when the
 * processor refused the payment, a 402 with its decline code (`payment_failed` without one)
 * naming the failed payment intent. The use case has already committed the failed intent;
 * only the answer is a failure — stored with the outcome as the answer a replay sends.
 */
export function paymentAnswer(paid: OrderPayment, requestId: string): RouteAnswer {
  const intent = paid.paymentIntent;
  // No payment: the order had nothing to pay and was completed without one.
  if (!intent)
    return { status: 200, body: { order: orderResource(paid.order), payment_intent: null } };
  if (intent.status !== 'failed')
    return { status: 200, body: paymentBody({ ...paid, paymentIntent: intent }) };
  const declined = ApiError.declined(
    intent.failure_code ? declineCode(intent.failure_code) : null,
    intent.failure_message ?? 'The payment failed',
    { decline_code: intent.failure_code, payment_intent_id: intent.id },
  );
  return { status: declined.status, body: errorBody(declined, requestId) };
}
