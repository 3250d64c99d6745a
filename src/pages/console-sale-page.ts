import type { EventRow } from '../adapters/db/schema.js';
import type { SaleRecord } from '../app/console/console-orders.js';
import { formatMoney } from '../domain/money-format.js';
import { orderResource } from '../resources/order.js';
import { refundResource } from '../resources/refund.js';
import { paymentCardLabel } from './card-label.js';
import { type ConsoleFrame, frame } from './console-frame.js';
import { countOf, dataTable, idLink, statusBadge, statusWords, when } from './console-parts.js';
import { returnsPanel } from './console-return-parts.js';
import { type Html, html } from './html.js';
import { METHOD_LABELS } from './refund-methods.js';

// One sale's record in the console: the order, its payments, refunds, fulfillments and
// timeline. Pure: page model in, HTML out.

/** Who made a timeline entry, in words: a console user's email, an API key's name, an app. */
function actorOf(e: EventRow, labels: ReadonlyMap<string, string>): string {
  const label = e.actor_id ? labels.get(e.actor_id) : undefined;
  switch (e.actor_type) {
    case 'console_user':
      return label ?? 'a console user';
    case 'api_key':
      return `API key ${label ?? e.actor_id ?? ''}`.trim();
    case 'admin':
      return 'the admin API';
    case 'system':
      if (e.actor_id?.startsWith('cs_')) return `hosted checkout ${e.actor_id}`;
      if (e.actor_id?.startsWith('plink_')) return `payment link ${e.actor_id}`;
      return 'Flint';
  }
}

const TIMELINE_AMOUNTS = [
  ['Total', 'total_money'],
  ['Paid', 'paid_money'],
  ['Refunded', 'refunded_money'],
] as const;

type Amounts = Readonly<Record<string, { readonly amount: number } | undefined>> | null;

/** The entry's money: what changed ("Paid $0.00 → $65.00"), or the total it started with. */
function amountsOf(e: EventRow, currency: string): string {
  const before = e.amounts_before as Amounts;
  const after = e.amounts_after as Amounts;
  if (!after) return '';
  const m = (a: number) => formatMoney(a, currency);
  const changes = TIMELINE_AMOUNTS.flatMap(([label, key]) => {
    const was = before?.[key]?.amount;
    const now = after[key]?.amount;
    if (now === undefined || was === now) return [];
    return [was === undefined ? `${label} ${m(now)}` : `${label} ${m(was)} → ${m(now)}`];
  });
  return changes.length ? changes.join(', ') : `Total ${m(after.total_money?.amount ?? 0)}`;
}

export function renderSale(input: {
  frame: ConsoleFrame;
  nonce: string;
  sale: SaleRecord;
  /** The refund form, for users who may refund. */
  refundForms?: Html | undefined;
  /** Whether the user may invoice the order's balance (one click, then finalize). */
  mayInvoice?: boolean | undefined;
  /** The order's recovery links (and the button that makes one). */
  recovery?: Html | undefined;
}): string {
  const returns = returnsPanel({
    frame: input.frame,
    currency: input.sale.order.order.currency,
    returns: input.sale.returns,
    exchangeOf: input.sale.exchangeOf,
    mayAct: input.frame.user.role !== 'viewer',
  });
  const { frame: f, sale } = input;
  const o = orderResource(sale.order);
  const m = (a: number) => formatMoney(a, o.currency);
  const refunds = sale.refunds.map(refundResource);
  const refundedByLine = new Map<string, number>();
  for (const r of refunds) {
    if (r.status === 'failed' || r.status === 'canceled') continue;
    for (const line of r.line_items) {
      refundedByLine.set(
        line.line_item_id,
        (refundedByLine.get(line.line_item_id) ?? 0) + line.amount,
      );
    }
  }
  const net = o.net_amounts;
  const lines = o.line_items.map((l) => [
    l.name,
    String(l.quantity),
    m(l.total_money.amount),
    m(refundedByLine.get(l.line_item_id) ?? 0),
  ]);
  const amounts = [
    ['Subtotal', net.subtotal_money.amount],
    ['Discount', -net.discount_money.amount],
    ['Tax', net.tax_money.amount],
    ['Shipping', net.shipping_money.amount],
    ['Tip', net.tip_money.amount],
    ['Total', net.total_money.amount],
    ['Paid', net.paid_money.amount],
    ['Refunded', net.refunded_money.amount],
    ['Still collectible', net.balance_money.amount],
  ] as const;
  const payments = sale.order.payments.map((p) => [
    html`<span class="id">${p.id}</span>`,
    statusBadge(p.status),
    html`<span class="nowrap">${paymentCardLabel(p) ?? '—'}</span>`,
    m(p.amount),
  ]);
  const refundRows = refunds.map((r) => [
    idLink(`/console/refunds/${r.refund_id}?mode=${f.mode}`, r.refund_id),
    statusBadge(r.status),
    m(r.amount),
    METHOD_LABELS[r.method],
    r.reason ? statusWords(r.reason) : '—',
    r.failure_reason ? statusWords(r.failure_reason) : '—',
    html`<span class="nowrap">${r.reference_id ?? '—'}</span> (${r.reference_status.replaceAll('_', ' ')})`,
  ]);
  const sessions = sale.sessions.map((s) => [
    html`<span class="id">${s.id}</span>`,
    statusBadge(s.status),
    s.ui_mode === 'embedded' ? html`Embedded (${s.allowed_origins.join(', ')})` : 'Hosted',
  ]);
  const timeline = sale.timeline.map(
    (e) =>
      html`<li>${when(e.created_at.toISOString())} <strong>${e.type}</strong> by ${actorOf(e, sale.actors)}${
        e.amounts_after ? html`<br><span class="hint">${amountsOf(e, o.currency)}</span>` : ''
      }</li>`,
  );
  return frame(
    o.order_id,
    f,
    input.nonce,
    html`<h1>Order <span class="id">${o.order_id}</span> ${statusBadge(o.status)}</h1>
${o.customer_id ? html`<p>Customer ${idLink(`/console/customers/${o.customer_id}?mode=${f.mode}`, o.customer_id)}</p>` : ''}
<div class="grid">
<section class="panel" aria-labelledby="sold"><h2 id="sold">What was sold</h2>
${dataTable({
  caption: countOf(lines.length, 'line'),
  columns: [
    { label: 'Line' },
    { label: 'Qty', num: true },
    { label: 'Total', num: true },
    { label: 'Refunded', num: true },
  ],
  rows: lines,
  empty: 'No lines.',
})}</section>
<section class="panel" aria-labelledby="money"><h2 id="money">Money</h2>
<dl class="totals">${amounts.map(([label, amount]) => html`<dt>${label}</dt><dd class="nowrap">${m(amount)}</dd>`)}</dl></section>
</div>
${input.refundForms ?? ''}
${input.recovery ?? ''}
${returns}
<section class="panel" aria-labelledby="payments"><h2 id="payments">Payments</h2>
${dataTable({
  caption: countOf(payments.length, 'payment'),
  columns: [
    { label: 'Payment' },
    { label: 'Status' },
    { label: 'Card' },
    { label: 'Amount', num: true },
  ],
  rows: payments,
  empty: 'None',
})}</section>
<section class="panel" aria-labelledby="refunds"><h2 id="refunds">Refunds</h2>
${dataTable({
  caption: countOf(refundRows.length, 'refund'),
  columns: [
    { label: 'Refund' },
    { label: 'Status' },
    { label: 'Amount', num: true },
    { label: 'How' },
    { label: 'Reason' },
    { label: 'Failure' },
    { label: 'Reference' },
  ],
  rows: refundRows,
  empty: 'None',
})}</section>
${invoicesPanel(f, sale, input.mayInvoice === true)}
<section class="panel" aria-labelledby="sessions"><h2 id="sessions">Checkout sessions</h2>
${dataTable({
  caption: countOf(sessions.length, 'checkout session'),
  columns: [{ label: 'Session' }, { label: 'Status' }, { label: 'Shown' }],
  rows: sessions,
  empty: 'None',
})}</section>
<section class="panel" aria-labelledby="timeline"><h2 id="timeline">Timeline</h2><ol class="timeline">${timeline}</ol></section>`,
  );
}

/**
 * The order's invoices; with a balance and none live, a button that invoices it (a draft:
 * the operator finalizes it on the invoice's page, a second click).
 */
function invoicesPanel(f: ConsoleFrame, sale: SaleRecord, mayInvoice: boolean): Html {
  const rows = sale.invoices.map((i) => [
    idLink(`/console/invoices/${i.id}?mode=${f.mode}`, i.id),
    statusBadge(i.status),
    i.number ?? '—',
  ]);
  const live = sale.invoices.some((i) => i.status !== 'void');
  const balance = sale.order.pricing.net.balance;
  const create =
    mayInvoice && !live && balance > 0
      ? html`<form method="post" action="/console/orders/${sale.order.order.id}/invoice?mode=${f.mode}">
<input type="hidden" name="csrf_token" value="${f.csrfToken}">
<button type="submit" id="create-invoice">Invoice the balance (${formatMoney(balance, sale.order.order.currency)})</button>
</form>`
      : '';
  return html`<section class="panel" aria-labelledby="invoices"><h2 id="invoices">Invoices</h2>
${dataTable({
  caption: countOf(rows.length, 'invoice'),
  columns: [{ label: 'Invoice' }, { label: 'Status' }, { label: 'Number' }],
  rows,
  empty: 'None',
})}${create}</section>`;
}
