import type { InvoiceParty } from '../adapters/db/schema-invoices.js';
import type { InvoiceDocument, SummaryRow } from '../domain/invoices/invoice-document.js';
import { formatMoney } from '../domain/money-format.js';
import { type InvoiceView, invoiceResource } from './invoice.js';
import type { OrderResource } from './order.js';

// What an invoice's document (the PDF) says, written out from the invoice and its order as
// the API shows them. Pure: resources in, text out.

const day = (iso: string | null) => (iso === null ? null : iso.slice(0, 10));

function partyLines(party: InvoiceParty | null, fallback: string | null): string[] {
  if (!party) return fallback ? [fallback] : [];
  const a = party.address;
  const cityLine = a ? [a.postal_code, a.city, a.state].filter(Boolean).join(' ') : '';
  return [
    party.name ?? fallback ?? '',
    ...(a ? [a.line1, a.line2, cityLine, a.country] : []),
    party.email,
    ...(party.tax_ids ?? []).map((t) => `${t.type.toUpperCase()} ${t.value}`),
  ].filter((line): line is string => typeof line === 'string' && line !== '');
}

const STAMPS: Record<string, string | null> = {
  paid: 'PAID',
  void: 'VOID',
  uncollectible: 'UNCOLLECTIBLE',
};

/**
 * The document of a finalized invoice: its number and dates, the seller (its details, else
 * the account's name) and the buyer, the order's lines, discounts and tax per rate, and the
 * amounts due, paid, refunded and remaining.
 */
export function invoiceDocument(
  view: InvoiceView,
  order: OrderResource,
  accountName: string,
): InvoiceDocument {
  const invoice = invoiceResource(view, undefined);
  const m = (amount: number) => formatMoney(amount, invoice.currency);
  const t = invoice.status_transitions;
  const facts: [string, string][] = [['Invoice number', invoice.number ?? invoice.invoice_id]];
  const issued = day(t.finalized_at);
  if (issued) facts.push(['Date of issue', issued]);
  const due = day(invoice.due_date);
  if (due) facts.push(['Date due', due]);
  const paid = day(t.paid_at);
  if (paid) facts.push(['Date paid', paid]);
  const net = order.net_amounts;
  const summary: SummaryRow[] = [{ label: 'Subtotal', amount: m(net.subtotal_money.amount) }];
  for (const coupon of order.coupons) {
    summary.push({ label: `Discount (${coupon.code})`, amount: m(-coupon.discount_money.amount) });
  }
  for (const tax of order.taxes) {
    const name = tax.display_name ?? 'Tax';
    const rate = tax.percentage === null ? '' : ` ${tax.percentage}%`;
    const included = tax.inclusive ? ', included' : '';
    summary.push({ label: `${name}${rate}${included}`, amount: m(tax.amount_money.amount) });
  }
  if (net.shipping_money.amount !== 0) {
    summary.push({ label: 'Shipping', amount: m(net.shipping_money.amount) });
  }
  if (net.tip_money.amount !== 0) summary.push({ label: 'Tip', amount: m(net.tip_money.amount) });
  summary.push({ label: 'Total', amount: m(invoice.amount_due.amount), strong: true });
  summary.push({ label: 'Amount paid', amount: m(invoice.amount_paid.amount) });
  if (invoice.amount_refunded.amount !== 0) {
    summary.push({ label: 'Amount refunded', amount: m(invoice.amount_refunded.amount) });
  }
  summary.push({
    label: 'Amount remaining',
    amount: m(invoice.amount_remaining.amount),
    strong: true,
  });
  return {
    title: 'Invoice',
    stamp: STAMPS[invoice.status] ?? null,
    facts,
    seller: partyLines(invoice.seller_details, accountName),
    buyer: partyLines(invoice.customer_details, null),
    lines: order.line_items.map((line) => ({
      description: line.name,
      quantity: String(line.quantity),
      unitPrice: m(line.unit_price_money.amount),
      amount: m(line.gross_money.amount),
    })),
    summary,
    memo: invoice.memo,
    footer: invoice.footer,
    filename: `${(invoice.number ?? invoice.invoice_id).replaceAll('/', '-')}.pdf`,
  };
}
