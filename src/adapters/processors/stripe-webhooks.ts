import Stripe from 'stripe';
import type { Tenant } from '../../domain/tenant.js';
import type { ProcessorNotice, ProcessorWebhooks } from '../../ports/payment-processor.js';
import { chargeOutcomeOf, refundOutcomeOf } from './stripe.js';

function recordOf(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
}

/** The Flint account and mode in the event's object metadata (set when Flint created it). */
function claimedTenant(payload: string): Tenant | null {
  let event: Record<string, unknown> | null;
  try {
    event = recordOf(JSON.parse(payload));
  } catch {
    return null;
  }
  const metadata = recordOf(recordOf(recordOf(event?.data)?.object)?.metadata);
  const accountId = metadata?.flint_account_id;
  const mode = metadata?.flint_mode;
  if (typeof accountId !== 'string' || (mode !== 'test' && mode !== 'live')) return null;
  return { accountId, mode };
}

/** The events Flint acts on; any other type is acknowledged and ignored. */
function noticeOf(event: Stripe.Event): ProcessorNotice | null {
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.requires_action': {
      const intent = event.data.object;
      const outcome = chargeOutcomeOf(intent);
      const paymentIntentId = intent.metadata?.flint_payment_intent_id;
      if (!outcome || !paymentIntentId) return null;
      return { kind: 'payment', paymentIntentId, processorPaymentId: intent.id, outcome };
    }
    case 'refund.updated':
    case 'refund.failed':
    case 'charge.refund.updated': {
      const refund = event.data.object;
      return {
        kind: 'refund',
        processorRefundId: refund.id,
        refundId: refund.metadata?.flint_refund_id ?? null,
        paymentIntentId: refund.metadata?.flint_payment_intent_id ?? null,
        outcome: refundOutcomeOf(refund),
      };
    }
    default:
      return null;
  }
}

/** Stripe's webhook deliveries, verified by `Stripe-Signature` on the raw body. */
export const stripeWebhooks: ProcessorWebhooks = {
  claimedTenant,
  verify(payload, signature, secret) {
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(payload, signature, secret);
    } catch {
      return null;
    }
    return { livemode: event.livemode, notice: noticeOf(event) };
  },
};
