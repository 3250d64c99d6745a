import { selectPaymentMethodById } from '../../adapters/db/repos/payment-methods-repo.js';
import type { CheckoutSessionRow, CustomerRow } from '../../adapters/db/schema.js';
import type { PaymentMethodRow } from '../../adapters/db/schema-payment-methods.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Actor } from '../events/record-events.js';
import { savePaymentMethod } from '../payment-methods/save-payment-method.js';
import type { CommandContext } from '../shared/command-context.js';
import { readPublicSession } from './checkout-sessions.js';
import {
  type HostedPageContext,
  type HostedPayment,
  type PayingPage,
  payingSetupOf,
  saveOnPage,
} from './hosted-payment.js';
import { completeSetupSession, viewSetupSession } from './setup-sessions.js';

// The buyer's side of a setup session (`mode: "setup"`): its page at the session's `url`
// shows the customer and the shared card form; a card saved there becomes the customer's
// default payment method and completes the session. No API key: the session's id is the
// capability, and its row names the account and mode.

/** What a setup session's page shows. */
export interface SetupPage extends PayingPage {
  readonly session: CheckoutSessionRow;
  /** Whose card is saved. */
  readonly customer: CustomerRow;
  /** Once complete: the card saved on the page. */
  readonly method: PaymentMethodRow | null;
}

/** The page of a setup session's row (read by `readPublicSession`); null once its customer is gone. */
export async function setupPageOf(
  services: PageServices,
  session: CheckoutSessionRow,
): Promise<SetupPage | null> {
  const { deps } = services;
  const tenant: Tenant = { accountId: session.account_id, mode: session.mode };
  const [setup, view, method] = await Promise.all([
    payingSetupOf(services, tenant),
    viewSetupSession(deps, tenant, session),
    session.payment_method_id === null
      ? null
      : selectPaymentMethodById(deps.db, tenant, session.payment_method_id),
  ]);
  if (!view.customer) return null;
  // Nothing waits for 3-D Secure here: a card that asks for it is refused when saved.
  return { ...setup, session, customer: view.customer, method: method ?? null, waiting: null };
}

/** The card saved on the page is saved by the session (the buyer), as its payments are. */
const setupActor = (sessionId: string): Actor => ({ type: 'system', id: sessionId });

type PageServices = Pick<CommandContext, 'deps' | 'processors'>;

/** A setup session's page in the shared steps: open until complete (a card saved) or expired. */
function setupContext(services: PageServices): HostedPageContext<SetupPage> {
  const { deps, processors } = services;
  return {
    deps,
    processors,
    flow: {
      actorOf: (page) => setupActor(page.session.id),
      attemptPrefix: (page) => `checkout:${page.session.id}:`,
      isOpen: (page) => page.session.status === 'open',
      isPaid: (page) => page.session.status === 'complete',
      reload: async (page) => {
        const session = await readPublicSession(deps, page.session.id);
        return (session && (await setupPageOf(services, session))) ?? page;
      },
    },
  };
}

export type SetupOutcome = HostedPayment<SetupPage>;

/**
 * Saves the card posted on the page as the customer's default payment method (once per
 * form attempt), then completes the session with it (`checkout.session.completed`). A
 * decline saves nothing and leaves the session open for another card.
 */
export function saveCardOnSetupPage(
  services: PageServices,
  {
    page,
    attempt,
    token,
  }: { readonly page: SetupPage; readonly attempt: string; readonly token: string },
): Promise<SetupOutcome> {
  return saveOnPage(setupContext(services), {
    page,
    attempt,
    save: async (command) => {
      const saved = await savePaymentMethod(command, {
        customerId: page.customer.id,
        input: { payment_source_token: token, set_default: true },
      });
      if (!saved.ok || saved.value.kind === 'declined') return saved;
      // Not open any more (expired meanwhile): the card stays saved, as the customer asked.
      await completeSetupSession(command, {
        sessionId: page.session.id,
        paymentMethodId: saved.value.method.id,
      });
      return saved;
    },
  });
}
