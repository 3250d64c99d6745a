import type { InvoiceBillingReason } from '../domain/invoices/invoice-values.js';
import { iso } from './object-times.js';
import { money, type OrderView } from './order.js';

// What a subscription will bill next, or what a change would bill now: an invoice that is
// not made (no id), priced exactly as the order it would become. Pure.

export interface UpcomingInvoiceView {
  readonly subscriptionId: string;
  readonly billingReason: InvoiceBillingReason;
  readonly periodStart: Date;
  readonly periodEnd: Date;
  /** The order the invoice would collect, priced (with the customer's credit taken off). */
  readonly order: OrderView;
  /** A change's preview: the instant its proration is computed at, to pass to the change. */
  readonly prorationDate: Date | null;
  /** Unused time a change credits to the customer's balance (before it pays this invoice). */
  readonly unusedTimeCredit: number;
  /** The customer's credit balance after this invoice takes what it can. */
  readonly endingCredit: number;
  /** Keyed with this in the change's request: the subscription's version the preview priced. */
  readonly subscriptionVersion: number;
}

export function upcomingInvoiceResource(view: UpcomingInvoiceView) {
  const { order, pricing } = view.order;
  const c = order.currency;
  const net = pricing.net;
  return {
    object: 'upcoming_invoice' as const,
    subscription_id: view.subscriptionId,
    customer_id: order.customer_id,
    currency: c,
    billing_reason: view.billingReason,
    period_start: iso(view.periodStart),
    period_end: iso(view.periodEnd),
    proration_date: view.prorationDate ? Math.floor(view.prorationDate.getTime() / 1000) : null,
    subscription_version: view.subscriptionVersion,
    lines: view.order.lines.map((line, i) => {
      const priced = pricing.lines[i];
      if (!priced) throw new Error('pricing does not match the lines');
      return {
        name: line.name,
        quantity: line.quantity,
        unit_price_money: money(line.unit_amount, c),
        product_id: line.product_id,
        discount_money: money(priced.discount, c),
        tax_money: money(priced.tax, c),
        total_money: money(priced.total, c),
        proration: line.metadata.proration === 'true',
      };
    }),
    subtotal_money: money(net.subtotal, c),
    discount_money: money(net.discount, c),
    tax_money: money(net.tax, c),
    credit_money: money(net.credit, c),
    total_money: money(net.total, c),
    amount_due_money: money(net.balance, c),
    unused_time_credit_money: money(view.unusedTimeCredit, c),
    ending_credit_balance_money: money(view.endingCredit, c),
  };
}
export type UpcomingInvoiceResource = ReturnType<typeof upcomingInvoiceResource>;
