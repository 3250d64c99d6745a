import type { CustomerRecord } from '../app/console/console-customers.js';
import { formatMoney } from '../domain/money-format.js';
import { customerBalanceTransactionResource } from '../resources/customer-balance-transaction.js';
import { invoiceResource } from '../resources/invoice.js';
import { orderResource } from '../resources/order.js';
import { paymentCardOf } from '../resources/payment-intent.js';
import { paymentMethodResource } from '../resources/payment-method.js';
import { cardLabel } from './card-label.js';
import { type ConsoleFrame, frame } from './console-frame.js';
import { countOf, dataTable, idLink, statusBadge, statusWords, when } from './console-parts.js';
import { subscriptionsTable } from './console-subscription-pages.js';
import { type Html, html } from './html.js';

// One customer in the console: who it is, its saved payment methods (detach one, make one
// the default), its credit balance and its transactions, its subscriptions, its newest
// orders and invoices. Pure: page model in, HTML out.

/** The balance as a person reads it: negative is credit the customer has. */
function balanceWords(balance: number, currency: string | null): string {
  if (balance === 0 || !currency) return 'None';
  const amount = formatMoney(Math.abs(balance), currency);
  return balance < 0 ? `${amount} credit` : `${amount} owed`;
}

function balanceSection(f: ConsoleFrame, record: CustomerRecord): Html {
  const c = record.customer;
  const rows = record.balanceTransactions.map((row) => {
    const t = customerBalanceTransactionResource(row);
    return [
      html`<span class="id">${t.customer_balance_transaction_id}</span>`,
      statusWords(t.type),
      formatMoney(t.amount, t.currency),
      formatMoney(t.ending_balance, t.currency),
      t.order_id ? idLink(`/console/orders/${t.order_id}?mode=${f.mode}`, t.order_id) : '—',
      t.description ?? '—',
      when(t.created_at),
    ];
  });
  return html`<section class="panel" aria-labelledby="balance"><h2 id="balance">Credit balance</h2>
<p id="balance-amount">${balanceWords(c.balance, c.currency)}</p>
${dataTable({
  caption: `${countOf(rows.length, 'balance transaction')} (newest)`,
  columns: [
    { label: 'Transaction' },
    { label: 'Type' },
    { label: 'Amount', num: true },
    { label: 'Balance after', num: true },
    { label: 'Order' },
    { label: 'Description' },
    { label: 'When (UTC)' },
  ],
  rows,
  empty: 'None',
})}</section>`;
}

function methodActions(
  f: ConsoleFrame,
  record: CustomerRecord,
  method: CustomerRecord['methods'][number],
): Html | string {
  if (f.user.role === 'viewer' || method.status !== 'attached') return '';
  const token = html`<input type="hidden" name="csrf_token" value="${f.csrfToken}">`;
  const isDefault = record.customer.default_payment_method_id === method.id;
  const makeDefault = isDefault
    ? ''
    : html`<form method="post" action="/console/customers/${record.customer.id}/default_payment_method?mode=${f.mode}" class="inline">${token}<input type="hidden" name="payment_method_id" value="${method.id}"><button type="submit" class="link">Make default</button></form> · `;
  return html`${makeDefault}<form method="post" action="/console/payment_methods/${method.id}/detach?mode=${f.mode}" class="inline">${token}<button type="submit" class="link">Detach</button></form>`;
}

export function renderCustomer(input: {
  readonly frame: ConsoleFrame;
  readonly nonce: string;
  readonly record: CustomerRecord;
}): string {
  const { frame: f, record } = input;
  const c = record.customer;
  const methods = record.methods.map((row) => {
    const m = paymentMethodResource(row);
    const card = paymentCardOf(row);
    const isDefault = c.default_payment_method_id === row.id;
    return [
      html`<span class="id">${m.payment_method_id}</span>`,
      html`<span class="nowrap">${card ? cardLabel(card) : '—'}</span>${
        card
          ? html` <span class="hint">${String(card.expMonth).padStart(2, '0')}/${card.expYear}</span>`
          : ''
      }`,
      html`${statusBadge(m.status)}${isDefault ? html` <span class="badge">Default</span>` : ''}`,
      when(m.created_at),
      methodActions(f, record, row),
    ];
  });
  const orders = record.orders.map((view) => {
    const o = orderResource(view);
    return [
      idLink(`/console/orders/${o.order_id}?mode=${f.mode}`, o.order_id),
      statusBadge(o.status),
      formatMoney(o.net_amounts.total_money.amount, o.currency),
      when(o.created_at),
    ];
  });
  const invoices = record.invoices.map((view) => {
    const i = invoiceResource(view, undefined);
    return [
      idLink(`/console/invoices/${i.invoice_id}?mode=${f.mode}`, i.invoice_id),
      i.number ?? '—',
      statusBadge(i.status),
      formatMoney(i.amount_remaining.amount, i.currency),
    ];
  });
  const details: [string, string | null][] = [
    ['Email', c.email],
    ['Name', c.name],
    ['Phone', c.phone],
    ['Description', c.description],
  ];
  return frame(
    c.id,
    f,
    input.nonce,
    html`<h1>Customer <span class="id">${c.id}</span></h1>
<section class="panel" aria-labelledby="who"><h2 id="who">Customer</h2>
<dl class="totals">${details.map(([label, value]) => html`<dt>${label}</dt><dd>${value ?? '—'}</dd>`)}</dl></section>
<section class="panel" aria-labelledby="payment-methods"><h2 id="payment-methods">Saved payment methods</h2>
${dataTable({
  caption: countOf(methods.length, 'saved payment method'),
  columns: [
    { label: 'Method' },
    { label: 'Card' },
    { label: 'Status' },
    { label: 'Saved (UTC)' },
    { label: '' },
  ],
  rows: methods,
  empty: 'None',
})}</section>
${balanceSection(f, record)}
<section class="panel" aria-labelledby="subscriptions"><h2 id="subscriptions">Subscriptions</h2>
${subscriptionsTable(f, record.subscriptions, countOf(record.subscriptions.length, 'subscription'))}</section>
<section class="panel" aria-labelledby="orders"><h2 id="orders">Orders</h2>
${dataTable({
  caption: `${countOf(orders.length, 'order')} (newest)`,
  columns: [
    { label: 'Order' },
    { label: 'Status' },
    { label: 'Total', num: true },
    { label: 'Created (UTC)' },
  ],
  rows: orders,
  empty: 'None',
})}</section>
<section class="panel" aria-labelledby="invoices"><h2 id="invoices">Invoices</h2>
${dataTable({
  caption: `${countOf(invoices.length, 'invoice')} (newest)`,
  columns: [
    { label: 'Invoice' },
    { label: 'Number' },
    { label: 'Status' },
    { label: 'Remaining', num: true },
  ],
  rows: invoices,
  empty: 'None',
})}</section>`,
  );
}
