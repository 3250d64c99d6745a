import { selectAccountById } from '../../adapters/db/repos/accounts-repo.js';
import { selectPublicCheckoutSession } from '../../adapters/db/repos/checkout-sessions-repo.js';
import { selectProcessorSettings } from '../../adapters/db/repos/processor-settings-repo.js';
import type { PaymentIntentRow } from '../../adapters/db/schema.js';
import { completionWithoutPayment } from '../../domain/order-lifecycle.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Processors } from '../../ports/payment-processor.js';
import type { CheckoutSessionView } from '../../resources/checkout-session.js';
import { type Actor, SYSTEM_ACTOR } from '../events/record-events.js';
import { completionFactsOf } from '../payments/complete-without-payment.js';
import { payOrder } from '../payments/pay-order.js';
import { authenticateForTest } from '../payments/payment-actions.js';
import { settle } from '../payments/settle-payment.js';
import type { CommandContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { expireCheckoutSession, viewCheckoutSession } from './checkout-sessions.js';
import { type QuantityControl, quantityControlOf } from './payment-link-quantity.js';

// The buyer's side of a checkout session: the hosted page at its `url`. No API key; the
// session's id is the capability, and its row names the account and mode.

/** What the hosted page shows for a session. */
export interface CheckoutPage {
  readonly tenant: Tenant;
  readonly merchantName: string;
  readonly view: CheckoutSessionView;
  /** The processor a payment made now would go through. */
  readonly processor: 'sandbox' | 'stripe';
  /** Stripe mode: the account's publishable key for Stripe.js (null until it sets one). */
  readonly stripePublishableKey: string | null;
  /** A payment of this session waiting for the buyer's 3-D Secure step, if any. */
  readonly waiting: PaymentIntentRow | null;
  /** The quantity the buyer may change (a payment link's adjustable line), if any. */
  readonly quantity: QuantityControl | null;
  /** The order has nothing to pay (total 0): the page completes it, with no card. */
  readonly nothingToPay: boolean;
}

export async function loadCheckoutPage(
  deps: Deps,
  processors: Processors,
  sessionId: string,
): Promise<CheckoutPage | null> {
  let session = await selectPublicCheckoutSession(deps.db, sessionId);
  if (!session) return null;
  const tenant: Tenant = { accountId: session.account_id, mode: session.mode };
  if (session.status === 'open' && session.expires_at <= deps.clock.now()) {
    // Past its time: expired now (the expiry worker would do it within a minute).
    const expired = await expireCheckoutSession(
      { deps, tenant, actor: SYSTEM_ACTOR },
      { sessionId: session.id },
    );
    // Not expired: paid (or expired) meanwhile; read it as it is now.
    session = expired.ok
      ? expired.value.session
      : ((await selectPublicCheckoutSession(deps.db, sessionId)) ?? session);
  }
  const [account, view, processor] = await Promise.all([
    selectAccountById(deps.db, session.account_id),
    viewCheckoutSession(deps, tenant, session),
    processors.forNewPayments(tenant).then(
      (p) => p.name,
      // Its credentials cannot be opened: the page still shows; paying reports the cause.
      () => 'sandbox' as const,
    ),
  ]);
  // Only a Stripe page needs the publishable key: sandbox pages skip the read.
  const [settings, quantity] = await Promise.all([
    processor === 'stripe' ? selectProcessorSettings(deps.db, tenant) : undefined,
    quantityControlOf({ deps, tenant }, { session, order: view.order }),
  ]);
  const waiting =
    view.order.payments.find(
      (p) => p.status === 'requires_action' && p.request_key?.startsWith(attemptPrefix(sessionId)),
    ) ?? null;
  return {
    tenant,
    merchantName: account?.name ?? '',
    view,
    processor,
    stripePublishableKey: settings?.stripe_publishable_key ?? null,
    waiting,
    quantity,
    nothingToPay: completionWithoutPayment(completionFactsOf(view.order)).ok,
  };
}

/** Payments made on the page are recorded as made by the session (the buyer). */
export const checkoutActor = (sessionId: string): Actor => ({ type: 'system', id: sessionId });

const attemptPrefix = (sessionId: string) => `checkout:${sessionId}:`;

export type CheckoutPayment =
  | { readonly kind: 'paid'; readonly page: CheckoutPage }
  | { readonly kind: 'requires_action'; readonly page: CheckoutPage; readonly intentId: string }
  | { readonly kind: 'declined'; readonly page: CheckoutPage; readonly declineCode: string }
  | { readonly kind: 'not_open'; readonly page: CheckoutPage }
  | { readonly kind: 'busy'; readonly page: CheckoutPage }
  | { readonly kind: 'unavailable'; readonly page: CheckoutPage };

/**
 * Pays a session's order with a card token — or, with no `card` (an order with nothing to
 * pay), completes it with no processor call through the same `payOrder`. Each rendering of
 * the form carries its own attempt id, and the attempt is the payment's request key: a
 * double-submitted form (two clicks, a reload of the POST) resumes the same payment and
 * charges once.
 */
export async function payCheckoutSession(
  { deps, processors }: PageServices,
  {
    page,
    attempt,
    card,
  }: PageInput & {
    readonly attempt: string;
    readonly card?: { readonly token: string; readonly email: string };
  },
): Promise<CheckoutPayment> {
  const { session } = page.view;
  if (session.status !== 'open') return { kind: 'not_open', page };
  const ctx = pageContext({ deps, processors }, page, attemptPrefix(session.id) + attempt);
  const paid = await payOrder(ctx, {
    orderId: session.order_id,
    payment: card ? { payment_source_token: card.token, buyer_email: card.email } : {},
  });
  const after = await reload(deps, processors, page);
  if (!paid.ok) {
    if (after.view.session.status !== 'open') return { kind: 'not_open', page: after };
    return paid.error.code === 'processor_unavailable' ||
      paid.error.code === 'processor_not_configured'
      ? { kind: 'unavailable', page: after }
      : { kind: 'busy', page: after };
  }
  return outcomeOf(after, paid.value.paymentIntent);
}

/** What the session's page hands its commands; the rest of their context is the page's. */
type PageServices = Pick<CommandContext, 'deps' | 'processors'>;

/** The page a buyer acted on, as it was rendered for them. */
interface PageInput {
  readonly page: CheckoutPage;
}

/** What a command run from the session's page is given: the buyer acts as the session. */
function pageContext(
  services: PageServices,
  page: CheckoutPage,
  requestKey: string | null = null,
): CommandContext {
  const actor = checkoutActor(page.view.session.id);
  return { ...services, tenant: page.tenant, actor, requestKey };
}

/** The page again, as it is after a payment moved (the session may have closed). */
async function reload(deps: Deps, processors: Processors, page: CheckoutPage) {
  return (await loadCheckoutPage(deps, processors, page.view.session.id)) ?? page;
}

/** What the buyer sees next, from where a payment of the session now stands. */
function outcomeOf(after: CheckoutPage, intent: PaymentIntentRow | null): CheckoutPayment {
  const complete = after.view.session.status === 'complete';
  // No payment: the order had nothing to pay and was completed without one.
  if (!intent) return complete ? { kind: 'paid', page: after } : { kind: 'busy', page: after };
  switch (intent.status) {
    case 'succeeded':
      return after.view.session.status === 'complete'
        ? { kind: 'paid', page: after }
        : { kind: 'busy', page: after };
    case 'requires_action':
      return { kind: 'requires_action', page: after, intentId: intent.id };
    case 'failed':
      return declined(after, intent);
    default:
      return { kind: 'busy', page: after };
  }
}

function declined(after: CheckoutPage, intent: PaymentIntentRow): CheckoutPayment {
  return { kind: 'declined', page: after, declineCode: intent.failure_code ?? 'card_declined' };
}

/** Nothing waits for the buyer's 3-D Secure step: the page as it stands. */
function nothingWaiting(page: CheckoutPage): CheckoutPayment {
  return page.view.session.status === 'open' ? { kind: 'busy', page } : { kind: 'not_open', page };
}

/**
 * The buyer's answer on the simulated 3-D Secure page (sandbox): the waiting payment
 * succeeds or fails. Only a payment this session started, and still waiting, moves.
 */
export async function authenticateCheckoutPayment(
  { deps, processors }: PageServices,
  { page, result }: PageInput & { readonly result: 'succeed' | 'fail' },
): Promise<CheckoutPayment> {
  const waiting = page.waiting;
  if (!waiting) return nothingWaiting(page);
  const answered = await authenticateForTest(
    { deps, tenant: page.tenant },
    { paymentIntentId: waiting.id, result },
  );
  const after = await reload(deps, processors, page);
  if (!answered.ok) return { kind: 'busy', page: after };
  const intent = answered.value.paymentIntent;
  return intent.status === 'succeeded' ? outcomeOf(after, intent) : declined(after, intent);
}

/**
 * Stripe mode: what the buyer's browser needs for Stripe's own 3-D Secure step (the
 * waiting payment's client secret); null when nothing waits there.
 */
export async function buyerActionOf(
  processors: Processors,
  page: CheckoutPage,
): Promise<{ readonly clientSecret: string } | null> {
  const waiting = page.waiting;
  if (!waiting?.processor_payment_id) return null;
  const processor = await processors.named(page.tenant, waiting.processor);
  return processor.buyerAction({
    processorPaymentId: waiting.processor_payment_id,
    paymentSource: waiting.payment_source,
  });
}

/**
 * Stripe mode: the buyer finished Stripe's 3-D Secure step; Flint asks Stripe where the
 * payment stands and records it (Stripe's webhook may record it first: it counts once).
 */
export async function confirmBuyerAction(
  deps: Deps,
  processors: Processors,
  page: CheckoutPage,
): Promise<CheckoutPayment> {
  const waiting = page.waiting;
  if (!waiting?.processor_payment_id) return nothingWaiting(page);
  const processor = await processors.named(page.tenant, waiting.processor);
  const outcome = await processor.paymentOutcome({
    processorPaymentId: waiting.processor_payment_id,
    paymentSource: waiting.payment_source,
  });
  if (outcome && outcome.status !== 'requires_action') {
    await settle(pageContext({ deps, processors }, page), { intent: waiting, outcome });
  }
  const after = await reload(deps, processors, page);
  if (after.view.session.status === 'complete') return { kind: 'paid', page: after };
  if (outcome?.status === 'failed') {
    return { kind: 'declined', page: after, declineCode: outcome.declineCode };
  }
  return after.waiting
    ? { kind: 'requires_action', page: after, intentId: after.waiting.id }
    : { kind: 'busy', page: after };
}
