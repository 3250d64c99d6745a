import type { EventType } from '../domain/event-types.js';
import { type ApiTarget, callApi } from './api-client.js';
import { BALANCE_AND_CLOCK_SCENARIOS } from './balance-and-clock-triggers.js';
import { INVOICE_SCENARIOS } from './invoice-triggers.js';
import { PAYMENT_METHOD_SCENARIOS } from './payment-method-triggers.js';
import { PLAN_SCENARIOS } from './plan-triggers.js';
import { RECOVERY_LINK_SCENARIOS } from './recovery-link-triggers.js';
import { RETURN_SCENARIOS } from './return-triggers.js';
import { SUBSCRIPTION_SCENARIOS } from './subscription-triggers.js';
import { TriggerSteps } from './trigger-steps.js';
import { UsageError } from './usage-error.js';

// `flint trigger <event-type>`: makes, through the API and in test mode, the changes
// that record an event of that type, then shows the event.

/** Makes the changes; answers the id of the object the event is about. */
type Scenario = (steps: TriggerSteps) => Promise<string>;

async function paidOrder(steps: TriggerSteps, token = 'tok_visa') {
  const orderId = await steps.createOrder();
  const intentId = await steps.pay(orderId, token);
  return { orderId, intentId };
}

async function refunded(steps: TriggerSteps, token = 'tok_visa', amount?: number) {
  const { orderId } = await paidOrder(steps, token);
  return { orderId, refundId: await steps.refund(orderId, amount) };
}

async function waitingPayment(steps: TriggerSteps) {
  return (await paidOrder(steps, 'tok_threeDSecureRequired')).intentId;
}

const PARTIAL_REFUND = 500;

/** Every event type the sandbox can produce on demand. */
const SCENARIOS = {
  'order.created': (s) => s.createOrder(),
  'order.updated': async (s) => {
    const orderId = await s.createOrder();
    await s.updateOrder(orderId);
    return orderId;
  },
  'order.paid': async (s) => (await paidOrder(s)).orderId,
  'order.partially_refunded': async (s) => (await refunded(s, 'tok_visa', PARTIAL_REFUND)).orderId,
  'order.refunded': async (s) => (await refunded(s)).orderId,
  'order.closed': async (s) => {
    const { orderId } = await paidOrder(s);
    await s.endOrder(orderId, 'close');
    return orderId;
  },
  'order.canceled': async (s) => {
    const orderId = await s.createOrder();
    await s.endOrder(orderId, 'cancel');
    return orderId;
  },
  'payment_intent.created': async (s) => (await paidOrder(s)).intentId,
  'payment_intent.succeeded': async (s) => (await paidOrder(s)).intentId,
  'payment_intent.failed': async (s) => (await paidOrder(s, 'tok_chargeDeclined')).intentId,
  'payment_intent.requires_action': waitingPayment,
  'payment_intent.canceled': async (s) => {
    const intentId = await waitingPayment(s);
    await s.cancelPayment(intentId);
    return intentId;
  },
  'refund.created': async (s) => (await refunded(s, 'tok_visa', PARTIAL_REFUND)).refundId,
  'refund.succeeded': async (s) => (await refunded(s, 'tok_visa', PARTIAL_REFUND)).refundId,
  'refund.updated': async (s) => {
    const { refundId } = await refunded(s, 'tok_visa', PARTIAL_REFUND);
    await s.updateRefund(refundId);
    return refundId;
  },
  'refund.failed': async (s) => {
    const { refundId } = await refunded(s, 'tok_refundFail', PARTIAL_REFUND);
    await s.failRefund(refundId);
    return refundId;
  },
  'refund.canceled': async (s) => {
    const { refundId } = await refunded(s, 'tok_refundPending', PARTIAL_REFUND);
    await s.cancelRefund(refundId);
    return refundId;
  },
  'checkout.session.created': async (s) => (await s.createSession()).sessionId,
  'checkout.session.completed': async (s) => {
    const { sessionId, orderId } = await s.createSession();
    await s.pay(orderId);
    return sessionId;
  },
  'checkout.session.expired': async (s) => {
    const { sessionId } = await s.createSession();
    await s.expireSession(sessionId);
    return sessionId;
  },
  'payment_link.created': async (s) => s.createPaymentLink(),
  'payment_link.updated': async (s) => {
    const linkId = await s.createPaymentLink();
    await s.deactivatePaymentLink(linkId);
    return linkId;
  },
  ...INVOICE_SCENARIOS,
  ...RECOVERY_LINK_SCENARIOS,
  ...RETURN_SCENARIOS,
  ...PAYMENT_METHOD_SCENARIOS,
  ...BALANCE_AND_CLOCK_SCENARIOS,
  ...SUBSCRIPTION_SCENARIOS,
  ...PLAN_SCENARIOS,
} satisfies Partial<Record<EventType, Scenario>>;

export type TriggerableType = keyof typeof SCENARIOS;

export const TRIGGERABLE_TYPES = Object.keys(SCENARIOS) as TriggerableType[];

function isTriggerable(type: string): type is TriggerableType {
  return Object.hasOwn(SCENARIOS, type);
}

export function unsupportedTypeMessage(type: string): string {
  return `trigger cannot make "${type}" events; supported:\n  ${TRIGGERABLE_TYPES.join('\n  ')}`;
}

interface EventList {
  readonly events: readonly { readonly event_id: string; readonly type: string }[];
}

/**
 * Makes the changes that record a `type` event, printing each object created or
 * changed, then the event itself (read back from GET /v1/events); answers its id.
 */
export async function trigger(
  target: ApiTarget,
  type: string,
  out: (line: string) => void,
): Promise<string> {
  if (!isTriggerable(type)) throw new UsageError(unsupportedTypeMessage(type));
  if (target.mode !== 'test') {
    throw new UsageError('flint trigger works in test mode only: give an sk_test_… key');
  }
  out(`Triggering ${type} (test mode, ${target.url})`);
  const subject = await SCENARIOS[type](new TriggerSteps(target, type, out));
  const query = new URLSearchParams({ type, object_id: subject, limit: '1' });
  const { body } = await callApi<EventList>(target, 'GET', `/v1/events?${query}`);
  const event = body.events[0];
  if (!event) throw new Error(`no ${type} event was recorded about ${subject}`);
  out(`Event ${event.type} ${event.event_id} (about ${subject})`);
  return event.event_id;
}
