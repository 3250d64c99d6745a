import type { InvoiceRow } from '../adapters/db/schema-invoices.js';
import { invoiceAmounts, type OrderTotals } from '../domain/invoices/invoice-amounts.js';
import { invoiceActions } from '../domain/invoices/invoice-state.js';
import type { InvoiceStatus } from '../domain/invoices/invoice-values.js';
import type { OrderStatus } from '../domain/order-lifecycle.js';
import { iso, modeAndTimes } from './object-times.js';
import { money } from './order.js';

/** What an invoice shows of its order: the currency and the totals its amounts are. */
export interface InvoiceOrder extends OrderTotals {
  readonly id: string;
  readonly currency: string;
  /** What finalizing checks: a canceled order has nothing to bill. */
  readonly status: OrderStatus;
}

/** An invoice as the API shows it: its row and its order's totals as they are now. */
export interface InvoiceView {
  readonly invoice: InvoiceRow;
  readonly order: InvoiceOrder;
}

/** Statuses whose invoice the buyer may see: finalized (a draft is the merchant's alone). */
const HOSTED: ReadonlySet<InvoiceStatus> = new Set(['open', 'paid', 'void', 'uncollectible']);

/** Statuses of an invoice still owed: one past its due day is overdue. */
const OWED: ReadonlySet<InvoiceStatus> = new Set(['open', 'uncollectible']);

/** Whether the invoice's hosted page shows it: once finalized, whatever happened since. */
export function isHosted(invoice: Pick<InvoiceRow, 'status'>): boolean {
  return HOSTED.has(invoice.status);
}

/** The hosted invoice page of a token, on Flint's public base URL. */
export function hostedInvoiceUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/invoice/${token}`;
}

/**
 * An invoice as the API (and every event about it) shows it. `baseUrl` is where Flint's
 * pages are (`FLINT_PUBLIC_URL`, or the API's own address for a request); an event written
 * without a known public address carries no `hosted_invoice_url` (null).
 */
export function invoiceResource({ invoice, order }: InvoiceView, baseUrl: string | undefined) {
  const c = order.currency;
  const amounts = invoiceAmounts(order);
  return {
    invoice_id: invoice.id,
    object: 'invoice' as const,
    status: invoice.status as InvoiceStatus,
    number: invoice.number,
    order_id: invoice.order_id,
    customer_id: invoice.customer_id,
    currency: c,
    amount_due: money(amounts.due, c),
    amount_paid: money(amounts.paid, c),
    amount_remaining: money(amounts.remaining, c),
    amount_refunded: money(amounts.refunded, c),
    collection_method: invoice.collection_method,
    days_until_due: invoice.days_until_due,
    due_date: iso(invoice.due_date),
    overdue: invoice.overdue_at !== null && OWED.has(invoice.status),
    sent_at: iso(invoice.sent_at),
    subscription_id: invoice.subscription_id,
    billing_reason: invoice.billing_reason ?? 'manual',
    period_start: iso(invoice.period_start),
    period_end: iso(invoice.period_end),
    attempt_count: invoice.attempt_count,
    next_payment_attempt: iso(invoice.next_payment_attempt),
    allow_partial_payments: invoice.allow_partial_payments,
    requires_approval: invoice.requires_approval,
    memo: invoice.memo,
    footer: invoice.footer,
    customer_details: invoice.customer_details,
    seller_details: invoice.seller_details,
    rejection_reason: invoice.rejection_reason,
    hosted_invoice_url:
      baseUrl !== undefined && isHosted(invoice)
        ? hostedInvoiceUrl(baseUrl, invoice.hosted_token)
        : null,
    invoice_pdf:
      baseUrl !== undefined && isHosted(invoice)
        ? `${hostedInvoiceUrl(baseUrl, invoice.hosted_token)}/pdf`
        : null,
    status_transitions: {
      approval_requested_at: iso(invoice.approval_requested_at),
      approved_at: iso(invoice.approved_at),
      rejected_at: iso(invoice.rejected_at),
      finalized_at: iso(invoice.finalized_at),
      paid_at: iso(invoice.paid_at),
      voided_at: iso(invoice.voided_at),
      marked_uncollectible_at: iso(invoice.marked_uncollectible_at),
    },
    available_actions: invoiceActions(invoice.status),
    metadata: invoice.metadata,
    ...modeAndTimes(invoice),
  };
}
export type InvoiceResource = ReturnType<typeof invoiceResource>;
