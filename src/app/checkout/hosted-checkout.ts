import { completionWithoutPayment } from '../../domain/order-lifecycle.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Processors } from '../../ports/payment-processor.js';
import { isPaymentSession, type PaymentSessionView } from '../../resources/checkout-session.js';
import type { Actor } from '../events/record-events.js';
import { completionFactsOf } from '../payments/complete-without-payment.js';
import { payOrder } from '../payments/pay-order.js';
import type { CommandContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { readPublicSession, viewPaymentSession } from './checkout-sessions.js';
import {
  authenticateOnPage,
  buyerActionOf,
  confirmOnPage,
  type HostedPageContext,
  type HostedPayment,
  type PayingPage,
  payingSetupOf,
  payOnPage,
  waitingPaymentOf,
} from './hosted-payment.js';
import { type SetupPage, setupPageOf } from './hosted-setup.js';
import { type QuantityControl, quantityControlOf } from './payment-link-quantity.js';

// The buyer's side of a checkout session: the hosted page at its `url`. No API key; the
// session's id is the capability, and its row names the account and mode.

/** What the hosted page shows for a session. */
export interface CheckoutPage extends PayingPage {
  readonly view: PaymentSessionView;
  /** The quantity the buyer may change (a payment link's adjustable line), if any. */
  readonly quantity: QuantityControl | null;
  /** The order has nothing to pay (total 0): the page completes it, with no card. */
  readonly nothingToPay: boolean;
}

/** A session's page: a payment session's checkout, or a setup session's card form. */
export type SessionPage =
  | { readonly kind: 'payment'; readonly page: CheckoutPage }
  | { readonly kind: 'setup'; readonly page: SetupPage };

/** The page at a session's `url`, whichever its mode (null: no such session). */
export async function loadSessionPage(
  deps: Deps,
  processors: Processors,
  sessionId: string,
): Promise<SessionPage | null> {
  const session = await readPublicSession(deps, sessionId);
  if (!session) return null;
  if (!isPaymentSession(session)) {
    const page = await setupPageOf({ deps, processors }, session);
    return page && { kind: 'setup', page };
  }
  const tenant: Tenant = { accountId: session.account_id, mode: session.mode };
  const [setup, view] = await Promise.all([
    payingSetupOf({ deps, processors }, tenant),
    viewPaymentSession(deps, tenant, session),
  ]);
  const quantity = await quantityControlOf({ deps, tenant }, { session, order: view.order });
  const waiting = waitingPaymentOf(view.order.payments, attemptPrefix(sessionId));
  const nothingToPay = completionWithoutPayment(completionFactsOf(view.order)).ok;
  return { kind: 'payment', page: { ...setup, view, waiting, quantity, nothingToPay } };
}

/** A payment session's page (null for a setup session's, which has no order). */
export async function loadCheckoutPage(
  deps: Deps,
  processors: Processors,
  sessionId: string,
): Promise<CheckoutPage | null> {
  const found = await loadSessionPage(deps, processors, sessionId);
  return found?.kind === 'payment' ? found.page : null;
}

/** Payments made on the page are recorded as made by the session (the buyer). */
export const checkoutActor = (sessionId: string): Actor => ({ type: 'system', id: sessionId });

const attemptPrefix = (sessionId: string) => `checkout:${sessionId}:`;

export type CheckoutPayment = HostedPayment<CheckoutPage>;

/** What the session's page hands its commands; the rest of their context is the page's. */
type PageServices = Pick<CommandContext, 'deps' | 'processors'>;

/** The page a buyer acted on, as it was rendered for them. */
interface PageInput {
  readonly page: CheckoutPage;
}

/** A checkout session's page in the shared steps: open until complete or expired. */
function checkoutContext(services: PageServices): HostedPageContext<CheckoutPage> {
  const { deps, processors } = services;
  return {
    deps,
    processors,
    flow: {
      actorOf: (page) => checkoutActor(page.view.session.id),
      attemptPrefix: (page) => attemptPrefix(page.view.session.id),
      isOpen: (page) => page.view.session.status === 'open',
      isPaid: (page) => page.view.session.status === 'complete',
      reload: async (page) =>
        (await loadCheckoutPage(deps, processors, page.view.session.id)) ?? page,
    },
  };
}

/**
 * Pays a session's order with a card token, once per form attempt (see `payOnPage`) — or,
 * with no `card` (an order with nothing to pay), completes it with no processor call
 * through the same `payOrder`.
 */
export function payCheckoutSession(
  services: PageServices,
  {
    page,
    attempt,
    card,
  }: PageInput & {
    readonly attempt: string;
    readonly card?: { readonly token: string; readonly email: string };
  },
): Promise<CheckoutPayment> {
  return payOnPage(checkoutContext(services), {
    page,
    attempt,
    pay: (ctx) =>
      payOrder(ctx, {
        orderId: page.view.session.order_id,
        payment: card ? { payment_source_token: card.token, buyer_email: card.email } : {},
      }),
  });
}

/** The buyer's answer on the sandbox's simulated 3-D Secure page. */
export function authenticateCheckoutPayment(
  services: PageServices,
  input: PageInput & { readonly result: 'succeed' | 'fail' },
): Promise<CheckoutPayment> {
  return authenticateOnPage(checkoutContext(services), input);
}

export { buyerActionOf };

/** Stripe mode: the buyer finished Stripe's 3-D Secure step; record where it stands. */
export function confirmBuyerAction(
  deps: Deps,
  processors: Processors,
  page: CheckoutPage,
): Promise<CheckoutPayment> {
  return confirmOnPage(checkoutContext({ deps, processors }), { page });
}
