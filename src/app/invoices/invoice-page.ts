import { selectInvoiceByHostedToken } from '../../adapters/db/repos/invoices-repo.js';
import { invoiceAmounts } from '../../domain/invoices/invoice-amounts.js';
import type { Tenant } from '../../domain/tenant.js';
import { type InvoiceView, isHosted } from '../../resources/invoice.js';
import type { OrderView } from '../../resources/order.js';
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
import type { Actor } from '../events/record-events.js';
import { getOrder } from '../orders/order-queries.js';
import type { CommandContext } from '../shared/command-context.js';
import { viewOf } from './invoice-views.js';
import { payInvoice } from './pay-invoice.js';

// The buyer's side of an invoice: the hosted page at its `hosted_invoice_url`. No API
// key; the invoice's token is the capability (as a checkout session's id is), and its row
// names the account and mode. A draft (or one awaiting approval) has no page yet.

/** What the hosted invoice page shows. */
export interface InvoicePage extends PayingPage {
  /** The invoice with its amounts (its order's totals). */
  readonly invoice: InvoiceView;
  /** The order it bills: lines, discounts, taxes and payments, as the API prices them. */
  readonly order: OrderView;
  /** Its hosted token (the page's address). */
  readonly token: string;
}

export async function loadInvoicePage(
  services: Pick<CommandContext, 'deps' | 'processors'>,
  { token }: { readonly token: string },
): Promise<InvoicePage | null> {
  const { deps } = services;
  const row = await selectInvoiceByHostedToken(deps.db, token);
  if (!row || !isHosted(row)) return null;
  const tenant: Tenant = { accountId: row.account_id, mode: row.mode };
  const [setup, invoice, order] = await Promise.all([
    payingSetupOf(services, tenant),
    viewOf(deps.db, tenant, row),
    getOrder(deps, tenant, row.order_id),
  ]);
  if (!order.ok) throw new Error(`invoice ${row.id} has no order ${row.order_id}`);
  const waiting = waitingPaymentOf(order.value.payments, attemptPrefix(row.id));
  return { ...setup, invoice, order: order.value, token, waiting };
}

/** Whether the invoice takes a payment: open or uncollectible (which can still be paid). */
export function takesPayment(page: InvoicePage): boolean {
  const { status } = page.invoice.invoice;
  return status === 'open' || status === 'uncollectible';
}

/** What is left to pay now (its order's balance). */
export function amountRemaining(page: InvoicePage): number {
  return invoiceAmounts(page.invoice.order).remaining;
}

/** Payments made on the page are recorded as made by the invoice (the buyer). */
const invoiceActor = (invoiceId: string): Actor => ({ type: 'system', id: invoiceId });

const attemptPrefix = (invoiceId: string) => `invoice:${invoiceId}:`;

export type InvoicePagePayment = HostedPayment<InvoicePage>;

type PageServices = Pick<CommandContext, 'deps' | 'processors'>;

/** The invoice's page in the shared steps: open until paid (or voided). */
function invoicePageContext(services: PageServices): HostedPageContext<InvoicePage> {
  return {
    ...services,
    flow: {
      actorOf: (page) => invoiceActor(page.invoice.invoice.id),
      attemptPrefix: (page) => attemptPrefix(page.invoice.invoice.id),
      isOpen: takesPayment,
      isPaid: (page) => page.invoice.invoice.status === 'paid',
      reload: async (page) => (await loadInvoicePage(services, { token: page.token })) ?? page,
    },
  };
}

/**
 * Pays the invoice from its page through the invoice's own path (`payInvoice`, so the
 * money goes into its order under the order's lock and is never over-collected): the
 * remaining amount, or `amount` when the invoice allows partial payments. Once per form
 * attempt (see `payOnPage`).
 */
export function payInvoiceOnPage(
  services: PageServices,
  input: {
    readonly page: InvoicePage;
    readonly attempt: string;
    readonly token: string;
    readonly email: string;
    /** A part of the remaining amount (minor units); the whole when not given. */
    readonly amount?: number | undefined;
  },
): Promise<InvoicePagePayment> {
  const { page } = input;
  return payOnPage(invoicePageContext(services), {
    page,
    attempt: input.attempt,
    pay: (ctx) =>
      payInvoice(ctx, {
        id: page.invoice.invoice.id,
        payment: {
          payment_source_token: input.token,
          buyer_email: input.email,
          amount: input.amount,
        },
      }),
  });
}

/** The buyer's answer to the 3-D Secure step: the sandbox's, or Stripe's done. */
export function answerInvoiceAuthentication(
  services: PageServices,
  { page, result }: { readonly page: InvoicePage; readonly result: 'stripe' | 'succeed' | 'fail' },
): Promise<InvoicePagePayment> {
  const ctx = invoicePageContext(services);
  return result === 'stripe'
    ? confirmOnPage(ctx, { page })
    : authenticateOnPage(ctx, { page, result });
}
