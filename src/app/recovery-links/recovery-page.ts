import { selectRecoveryLinkByToken } from '../../adapters/db/repos/recovery-links-repo.js';
import { collectibleNow } from '../../domain/recovery-links/recovery-link-state.js';
import type { Tenant } from '../../domain/tenant.js';
import type { OrderView } from '../../resources/order.js';
import type { RecoveryLinkView } from '../../resources/recovery-link.js';
import {
  authenticateOnPage,
  confirmOnPage,
  type HostedPageContext,
  type HostedPayment,
  type PayingPage,
  payingSetupOf,
  payOnPage,
  waitingPaymentOf,
} from '../checkout/hosted-payment.js';
import { getOrder } from '../orders/order-queries.js';
import { payOrder } from '../payments/pay-order.js';
import type { CommandContext } from '../shared/command-context.js';

// The buyer's side of a recovery link: the hosted page at its `url`. No API key; the
// link's token is the capability, and its row names the account and mode. It pays the
// order's balance as it is when the buyer pays (read under the order's lock by `payOrder`),
// never an amount copied when the link was made.

/** Where the link stands for the buyer. */
export type RecoveryPageState =
  /** The balance can be paid now. */
  | 'open'
  /** A payment of the order is under way (3-D Secure, or processing): nothing to take now. */
  | 'held'
  /** The order is paid: a receipt. */
  | 'paid'
  | 'expired'
  | 'deactivated'
  /** The order can no longer be paid (canceled), or has nothing owed. */
  | 'closed';

export interface RecoveryPage extends PayingPage {
  readonly link: RecoveryLinkView;
  /** The order it collects: lines, discounts, taxes and payments, as the API prices them. */
  readonly order: OrderView;
  readonly token: string;
  readonly state: RecoveryPageState;
  /** The buyer's email as the order's last payment that had one gave it: the form's default. */
  readonly buyerEmail: string;
}

type PageServices = Pick<CommandContext, 'deps' | 'processors'>;

export async function loadRecoveryPage(
  services: PageServices,
  { token }: { readonly token: string },
): Promise<RecoveryPage | null> {
  const { deps } = services;
  const row = await selectRecoveryLinkByToken(deps.db, token);
  if (!row) return null;
  const tenant: Tenant = { accountId: row.account_id, mode: row.mode };
  const [setup, order] = await Promise.all([
    payingSetupOf(services, tenant),
    getOrder(deps, tenant, row.order_id),
  ]);
  if (!order.ok) throw new Error(`recovery link ${row.id} has no order ${row.order_id}`);
  const view = order.value;
  const link: RecoveryLinkView = {
    link: row,
    order: { ...view.order, balance: view.pricing.net.balance },
  };
  const waiting = waitingPaymentOf(view.payments, attemptPrefix(row.id));
  const state = stateOf(link, view, deps.clock.now());
  const buyerEmail = [...view.payments].reverse().find((p) => p.buyer_email)?.buyer_email ?? '';
  return { ...setup, link, order: view, token, waiting, state, buyerEmail };
}

function stateOf(link: RecoveryLinkView, order: OrderView, now: Date): RecoveryPageState {
  const { status, expires_at: expiresAt } = link.link;
  if (order.order.status === 'PAID' || status === 'completed') return 'paid';
  if (status === 'deactivated') return 'deactivated';
  if (status === 'expired' || (expiresAt && expiresAt.getTime() <= now.getTime())) return 'expired';
  const balance = order.pricing.net.balance;
  if (order.order.status !== 'OPEN' || balance <= 0) return 'closed';
  const collectible = collectibleNow({
    status: order.order.status,
    balance,
    payments: order.payments,
  });
  return collectible > 0 ? 'open' : 'held';
}

/** What is left to pay now: the order's balance. */
export function balanceOf(page: RecoveryPage): number {
  return page.order.pricing.net.balance;
}

const attemptPrefix = (linkId: string) => `recovery:${linkId}:`;

export type RecoveryPagePayment = HostedPayment<RecoveryPage>;

/** The link's page in the shared steps: open while the balance can be taken. */
function recoveryPageContext(services: PageServices): HostedPageContext<RecoveryPage> {
  return {
    ...services,
    flow: {
      // Payments made on the page are recorded as made by the link (the buyer).
      actorOf: (page) => ({ type: 'system', id: page.link.link.id }),
      attemptPrefix: (page) => attemptPrefix(page.link.link.id),
      isOpen: (page) => page.state === 'open' || page.state === 'held',
      isPaid: (page) => page.state === 'paid',
      reload: async (page) => (await loadRecoveryPage(services, { token: page.token })) ?? page,
    },
  };
}

/**
 * Pays the order's balance from the link's page through the order's own path (`payOrder`,
 * no amount: the balance as read under the order's lock, so a buyer racing another payer
 * pays what is left or is told it is paid or under way). Once per form attempt.
 */
export function payRecoveryLinkOnPage(
  services: PageServices,
  input: {
    readonly page: RecoveryPage;
    readonly attempt: string;
    readonly token: string;
    readonly email: string;
  },
): Promise<RecoveryPagePayment> {
  const { page } = input;
  return payOnPage(recoveryPageContext(services), {
    page,
    attempt: input.attempt,
    pay: (ctx) =>
      payOrder(ctx, {
        orderId: page.order.order.id,
        payment: { payment_source_token: input.token, buyer_email: input.email },
      }),
  });
}

/** The buyer's answer to the 3-D Secure step: the sandbox's, or Stripe's done. */
export function answerRecoveryAuthentication(
  services: PageServices,
  { page, result }: { readonly page: RecoveryPage; readonly result: 'stripe' | 'succeed' | 'fail' },
): Promise<RecoveryPagePayment> {
  const ctx = recoveryPageContext(services);
  return result === 'stripe'
    ? confirmOnPage(ctx, { page })
    : authenticateOnPage(ctx, { page, result });
}
