import type { Kysely } from 'kysely';
import { writeAsOne } from '../../adapters/db/one-statement.js';
import { lockCustomerById } from '../../adapters/db/repos/customers-repo.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { insertInvoiceQuery, takeInvoiceNumber } from '../../adapters/db/repos/invoices-repo.js';
import { claimSubscriptionPeriod } from '../../adapters/db/repos/subscriptions-repo.js';
import type { CustomerRow, Database } from '../../adapters/db/schema.js';
import type { InvoiceRow } from '../../adapters/db/schema-invoices.js';
import type {
  PendingLine,
  SubscriptionItem,
  SubscriptionRow,
} from '../../adapters/db/schema-subscriptions.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import { invoiceNumber } from '../../domain/invoices/invoice-amounts.js';
import type { InvoiceBillingReason } from '../../domain/invoices/invoice-values.js';
import type { Metadata } from '../../domain/metadata.js';
import type { BillingPeriod } from '../../domain/subscriptions/billing-periods.js';
import { type ProrationWindow, prorate } from '../../domain/subscriptions/proration.js';
import type { OrderView } from '../../resources/order.js';
import { takeCustomerCreditIn } from '../customers/customer-balance.js';
import { newInvoiceRow } from '../invoices/create-invoice.js';
import { invoiceEvent } from '../invoices/invoice-views.js';
import { draftOrder, newOrderWrites } from '../orders/create-order.js';
import type { LineItemInput } from '../orders/order-lines.js';
import { priceWith, withTotals } from '../orders/order-pricing.js';
import { completeWithoutPayment } from '../payments/complete-without-payment.js';
import type { ChangeContext } from '../shared/command-context.js';

/** A period billed: its order and its invoice (paid at once when nothing was due). */
export interface BilledPeriod {
  readonly order: OrderView;
  readonly invoice: InvoiceRow;
}

/** What a period's order bills: the subscription's lines, or those a change gives. */
export interface PeriodBill {
  readonly index: number;
  readonly period: BillingPeriod;
  readonly reason: InvoiceBillingReason;
  /** The order's lines; absent: the subscription's items for a whole period. */
  readonly lines?: readonly LineItemInput[];
  /** A trial bills its lines at 0. */
  readonly trial?: boolean;
  /** Whether the subscription's coupon applies (and counts a period used). */
  readonly withCoupon: boolean;
  /** Collection paused with `keep_as_draft`: the invoice stays a draft, nothing is collected. */
  readonly draft?: boolean;
  /** A change's proration: billed apart from the periods (no claim). */
  readonly proration?: boolean;
}

/** Whether a subscription's coupon applies to its next period: once, N periods, or forever. */
export function couponApplies(coupon: SubscriptionRow['coupon']): boolean {
  if (coupon === null) return false;
  if (coupon.duration === 'forever') return true;
  const periods = coupon.duration === 'once' ? 1 : (coupon.duration_in_periods ?? 0);
  return coupon.periods_used < periods;
}

/** The order lines of a subscription's items for one whole period (at 0 in a trial). */
export function periodLines(
  row: Pick<SubscriptionRow, 'items'>,
  { trial = false }: { readonly trial?: boolean } = {},
): PendingLine[] {
  return row.items.flatMap((item) =>
    item.lines.map((line) => ({
      name: trial ? `Trial: ${line.name}` : line.name,
      quantity: line.per_seat ? line.quantity * item.quantity : line.quantity,
      unit_price_money: { amount: trial ? 0 : line.unit_amount },
      ...(line.product_id ? { product_id: line.product_id } : {}),
      metadata: { subscription_item_id: item.id },
      ...(line.tax_exempt ? { tax_exempt: true } : {}),
      ...(line.tax_rate_ids === null ? {} : { tax_rate_ids: line.tax_rate_ids }),
    })),
  );
}

/**
 * What a renewal bills besides a whole period's lines: the prorations a change left for it
 * (`create_prorations`), as `PeriodBill.lines`; nothing when none wait. The renewal and its
 * preview (the upcoming invoice) bill the same.
 */
export function renewalLines(row: Pick<SubscriptionRow, 'items' | 'pending_lines'>): {
  readonly lines?: PendingLine[];
} {
  return row.pending_lines.length > 0 ? { lines: [...periodLines(row), ...row.pending_lines] } : {};
}

/**
 * The items' lines for the time left in `window`: each line's unit amount × quantity
 * prorated (rounded once per line, `domain/subscriptions/proration.ts`) as one unit; a line
 * worth 0 for that time is left out.
 */
export function proratedLines(
  items: readonly SubscriptionItem[],
  window: ProrationWindow,
): PendingLine[] {
  return items.flatMap((item) =>
    item.lines.flatMap((line): PendingLine[] => {
      const quantity = line.per_seat ? line.quantity * item.quantity : line.quantity;
      const amount = prorate(line.unit_amount * quantity, window);
      if (amount === 0) return [];
      return [
        {
          name: `Remaining time on ${line.name} × ${quantity}`,
          quantity: 1,
          unit_price_money: { amount },
          ...(line.product_id ? { product_id: line.product_id } : {}),
          ...(line.tax_exempt ? { tax_exempt: true } : {}),
          ...(line.tax_rate_ids === null ? {} : { tax_rate_ids: line.tax_rate_ids }),
          metadata: { proration: 'true', subscription_item_id: item.id },
        },
      ];
    }),
  );
}

/**
 * Bills one period of a subscription, in the caller's transaction (which holds the
 * subscription's lock): claims the period (`subscription_periods`, unique per subscription
 * and index: a period already billed is `period_billed`, and nothing is written), drafts
 * its order for the customer (the coupon while it lasts; a coupon that no longer applies
 * is dropped, never failing the renewal), takes the customer's credit balance off its
 * total, writes the order and its invoice finalized for automatic collection — with
 * nothing left to pay, the order is PAID and the invoice `paid` at once, with no processor
 * call. Charging what is due is the caller's next step, outside this transaction.
 */
export async function billPeriodIn(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: { readonly row: SubscriptionRow; readonly bill: PeriodBill; readonly now: Date },
): Promise<Result<BilledPeriod>> {
  const { tenant } = ctx;
  const { row, bill, now } = p;
  const claimed = await claimSubscriptionPeriod(tx, {
    account_id: tenant.accountId,
    mode: tenant.mode,
    subscription_id: row.id,
    period_index: bill.index,
    period_start: bill.period.start,
    period_end: bill.period.end,
    order_id: null,
    invoice_id: null,
    created_at: now,
  });
  if (!claimed) {
    return fail({
      code: 'resource_in_use',
      message: `Period ${bill.index} of subscription ${row.id} is already billed`,
    });
  }
  return billIn(tx, ctx, p);
}

/**
 * Bills what `bill` says for the subscription, as `billPeriodIn` does once the period is
 * claimed (a change's proration bills this way with no period of its own).
 */
export async function billIn(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: { readonly row: SubscriptionRow; readonly bill: PeriodBill; readonly now: Date },
): Promise<Result<BilledPeriod>> {
  const { tenant } = ctx;
  const { row, bill, now } = p;
  // The customer locked once: the order's customer, and whose credit it takes.
  const customer = await lockCustomerById(tx, tenant, row.customer_id);
  // A period bills what was sold: a product or tax rate archived since still bills (as
  // Stripe keeps billing an archived price); only new subscriptions and changes refuse them.
  const drafted = await draftPeriodOrder(tx, ctx, { ...p, customer, keepArchived: true });
  if (!drafted.ok) return drafted;
  let view = drafted.value;
  const credit = await takeCustomerCreditIn(tx, tenant, {
    customerId: row.customer_id,
    currency: row.currency,
    upTo: view.pricing.net.total,
    orderId: view.order.id,
    now,
    locked: customer,
  });
  if (credit > 0) view = credited(view, credit);
  await writeAsOne(tx, newOrderWrites(tx, ctx, view));
  const paidAtOnce = view.pricing.net.total === 0 && !bill.draft;
  if (paidAtOnce) {
    const completed = await completeWithoutPayment(tx, ctx, { before: view, now });
    if (!completed.ok) return completed;
    view = completed.value;
  }
  const invoice = await writePeriodInvoice(tx, ctx, { row, bill, view, paid: paidAtOnce, now });
  return ok({ order: view, invoice });
}

/** The period's order, not yet written; the coupon dropped when it no longer applies. */
export async function draftPeriodOrder(
  tx: Kysely<Database>,
  { tenant }: Pick<ChangeContext, 'tenant'>,
  {
    row,
    bill,
    now,
    customer,
    keepArchived,
  }: {
    readonly row: SubscriptionRow;
    readonly bill: PeriodBill;
    readonly now: Date;
    /** The subscription's customer, when the caller has read it. */
    readonly customer?: CustomerRow | undefined;
    /** Billing what was sold: archived prices, products and tax rates still bill. */
    readonly keepArchived?: boolean | undefined;
  },
): Promise<Result<OrderView>> {
  const input = {
    currency: row.currency,
    customer_id: row.customer_id,
    line_items: bill.lines ?? periodLines(row, { trial: bill.trial ?? false }),
    metadata: bill.proration
      ? ({ subscription_id: row.id, subscription_proration: 'true' } as Metadata)
      : ({ subscription_id: row.id, subscription_period: String(bill.index) } as Metadata),
  };
  const code = bill.withCoupon ? row.coupon?.code : undefined;
  if (code) {
    const withCoupon = await draftOrder(
      tx,
      { tenant, now, customer, keepArchived },
      { ...input, coupon_codes: [code] },
    );
    if (withCoupon.ok) return withCoupon;
  }
  return draftOrder(tx, { tenant, now, customer, keepArchived }, input);
}

/** The order with the customer's credit taken off its total (after tax, like store credit). */
export function credited(view: OrderView, credit: number): OrderView {
  const order = { ...view.order, credit };
  const pricing = priceWith({ ...view, order }, view.taxRates);
  return { ...view, order: withTotals(order, pricing), pricing };
}

/** The period's invoice, finalized (its number taken now) for automatic collection. */
async function writePeriodInvoice(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: {
    readonly row: SubscriptionRow;
    readonly bill: PeriodBill;
    readonly view: OrderView;
    readonly paid: boolean;
    readonly now: Date;
  },
): Promise<InvoiceRow> {
  const { tenant, actor, deps } = ctx;
  const { row, bill, view, now } = p;
  const draft = newInvoiceRow(tenant, {
    order: view.order,
    terms: { days_until_due: null, due_date: now },
    input: {},
    requiresApproval: false,
    now,
  });
  const period = {
    collection_method: 'charge_automatically' as const,
    subscription_id: row.id,
    billing_reason: bill.reason,
    period_start: bill.period.start,
    period_end: bill.period.end,
  };
  const invoice: InvoiceRow = bill.draft
    ? { ...draft, ...period, due_date: null }
    : {
        ...draft,
        ...period,
        status: p.paid ? 'paid' : 'open',
        number: await nextNumber(tx, ctx),
        finalized_at: now,
        paid_at: p.paid ? now : null,
      };
  const states = bill.draft
    ? (['invoice.created'] as const)
    : p.paid
      ? (['invoice.created', 'invoice.finalized', 'invoice.paid'] as const)
      : (['invoice.created', 'invoice.finalized'] as const);
  const events = states.map((type) =>
    invoiceEvent(
      { tenant, actor },
      {
        type,
        view: {
          invoice:
            type === 'invoice.created' ? { ...invoice, status: 'draft', number: null } : invoice,
          order: view.order,
        },
        publicUrl: deps.publicUrl,
      },
    ),
  );
  // The claimed period names its order and invoice in the same statement (a proration
  // has no period of its own).
  const claim = bill.proration
    ? []
    : [
        tx
          .updateTable('subscription_periods')
          .set({ order_id: view.order.id, invoice_id: invoice.id })
          .where('subscription_id', '=', row.id)
          .where('period_index', '=', bill.index),
      ];
  await writeAsOne(tx, [insertInvoiceQuery(tx, invoice), insertEventsQuery(tx, events), ...claim]);
  return invoice;
}

async function nextNumber(tx: Kysely<Database>, { tenant }: ChangeContext): Promise<string> {
  const { prefix, sequence } = await takeInvoiceNumber(tx, tenant);
  return invoiceNumber(prefix, sequence);
}
