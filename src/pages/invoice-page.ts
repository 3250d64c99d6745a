import type { InvoiceParty } from '../adapters/db/schema-invoices.js';
import type { InvoicePage } from '../app/invoices/invoice-page.js';
import { amountText } from '../domain/amount-text.js';
import { formatMoney } from '../domain/money-format.js';
import { invoiceResource } from '../resources/invoice.js';
import {
  type CardFormOffer,
  cardForm,
  cardFormScript,
  type FormState,
  formInput,
  header,
  paidWith,
} from './card-form.js';
import { orderSummary } from './checkout-page.js';
import { type Html, html, layout } from './html.js';

// The hosted invoice page: the invoice as its buyer sees it (the seller, the buyer, the
// order's lines, discounts and taxes as the API prices them, what is paid and what is
// left), and — while it can be paid — the same card form as checkout. Pure: HTML out.

export interface InvoicePageInput {
  readonly page: InvoicePage;
  readonly nonce: string;
  /** While it takes a payment: the card form's CSRF token, attempt and state. */
  readonly payment?: CardFormOffer | undefined;
  /** What just happened, above the invoice ("Your payment of $10.00 was received"). */
  readonly notice?: string | undefined;
}

const DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });
const day = (iso: string | null) => (iso ? DATE.format(new Date(iso)) : null);

/** A party's name, email, address and tax ids, one line each. */
function party(title: string, id: string, details: InvoiceParty | null, fallback: string): Html {
  const a = details?.address;
  const place = [a?.postal_code, a?.city].filter(Boolean).join(' ');
  const lines = [
    details?.name ?? fallback,
    details?.email,
    a?.line1,
    a?.line2,
    [place, a?.state].filter(Boolean).join(', '),
    a?.country,
    ...(details?.tax_ids ?? []).map((t) => `${t.type.toUpperCase().replace('_', ' ')}: ${t.value}`),
  ].filter((line): line is string => !!line);
  return html`<div id="${id}"><h2>${title}</h2><p class="party">${lines.map(
    (line, i) => html`${i > 0 ? html`<br>` : ''}${line}`,
  )}</p></div>`;
}

/** The buyer's amount field, when the invoice allows paying a part. */
function amountField(page: InvoicePage, form: FormState, remaining: number): Html | undefined {
  if (!page.invoice.invoice.allow_partial_payments) return undefined;
  const c = page.invoice.order.currency;
  return formInput(
    'amount',
    form,
    html`type="text" inputmode="decimal" autocomplete="off" maxlength="20" required value="${
      form.amount ?? amountText(remaining, c)
    }"`,
    html`Pay all of it, or a part: from ${formatMoney(1, c)} to ${formatMoney(remaining, c)}.`,
  );
}

/** Where the invoice stands: paid (a receipt), void, or what is due and when. */
function standing(input: InvoicePageInput): Html {
  const { page } = input;
  const i = invoiceResource(page.invoice, undefined);
  const m = (amount: number) => formatMoney(amount, i.currency);
  if (i.status === 'paid') {
    const paidOn = day(i.status_transitions.paid_at);
    return html`<section class="panel" id="receipt" aria-labelledby="receipt-title">
<h2 id="receipt-title">Receipt</h2>
<p>Paid ${m(i.amount_paid.amount)}${paidOn ? html` on ${paidOn}` : ''}. Thank you.</p>
${paidWith(page.order.payments)}</section>`;
  }
  if (i.status === 'void') {
    return html`<section class="panel alert" id="void-notice" role="status">
<h2>This invoice is void</h2>
<p>${page.merchantName || 'The merchant'} canceled this invoice: nothing is due and nothing can be paid here.</p></section>`;
  }
  const payment = input.payment;
  if (!payment) return html``;
  const remaining = i.amount_remaining.amount;
  return html`<section class="panel" aria-labelledby="pay-title">
<h2 id="pay-title">Pay with card</h2>
${cardForm({
  page,
  action: `/invoice/${page.token}/pay`,
  csrfToken: payment.csrfToken,
  attempt: payment.attempt,
  form: payment.form,
  label: i.allow_partial_payments ? 'Pay now' : `Pay ${m(remaining)}`,
  stripePublishableKey: payment.stripePublishableKey,
  extraFields: amountField(page, payment.form, remaining),
})}</section>`;
}

/** The invoice's lines and totals, with what is paid and what remains. */
export function invoiceSummary(page: InvoicePage): Html {
  const i = invoiceResource(page.invoice, undefined);
  const m = (amount: number) => formatMoney(amount, i.currency);
  return orderSummary(page.order, {
    title: 'Invoice',
    extra: [
      html`<dt>Amount paid</dt><dd id="amount-paid">${m(i.amount_paid.amount)}</dd>`,
      html`<dt class="total">Amount remaining</dt><dd class="total" id="amount-remaining">${m(i.amount_remaining.amount)}</dd>`,
    ],
  });
}

export function renderInvoicePage(input: InvoicePageInput): string {
  const { page, nonce } = input;
  const i = invoiceResource(page.invoice, undefined);
  const m = (amount: number) => formatMoney(amount, i.currency);
  const due = day(i.due_date);
  const status =
    i.status === 'paid'
      ? 'Paid'
      : i.status === 'void'
        ? 'Void'
        : i.overdue && due
          ? `${m(i.amount_remaining.amount)} overdue: it was due by ${due}`
          : `${m(i.amount_remaining.amount)} due${due ? ` by ${due}` : ''}`;
  const summary = invoiceSummary(page);
  const body = html`<main>
${header(page)}
<h1>Invoice ${i.number}</h1>
<p class="lead" id="invoice-status">${status}</p>
${input.notice ? html`<p class="notice" role="status" id="notice">${input.notice}</p>` : ''}
<div class="grid">
<div>
${standing(input)}
<section class="panel parties">
${party('From', 'seller', i.seller_details, page.merchantName)}
${party('Bill to', 'buyer', i.customer_details, '—')}
<dl class="terms">
<dt>Invoice number</dt><dd>${i.number}</dd>
${i.status_transitions.finalized_at ? html`<dt>Issued</dt><dd>${day(i.status_transitions.finalized_at)}</dd>` : ''}
${due ? html`<dt>Due</dt><dd id="due-date">${due}</dd>` : ''}
</dl>
</section>
</div>
<div>
${summary}
${i.memo ? html`<section class="panel" id="memo"><h2>Note</h2><p class="prewrap">${i.memo}</p></section>` : ''}
<p><a id="pdf-link" href="/invoice/${page.token}/pdf">Download PDF</a></p>
${i.footer ? html`<footer class="hint prewrap" id="invoice-footer">${i.footer}</footer>` : ''}
</div>
</div>
</main>`;
  const payable =
    input.payment !== undefined && (i.status === 'open' || i.status === 'uncollectible');
  return layout({
    title: `Invoice ${i.number ?? ''} · ${page.merchantName}`.trim(),
    nonce,
    body,
    ...(payable ? cardFormScript(input.payment?.stripePublishableKey !== undefined) : {}),
  });
}
