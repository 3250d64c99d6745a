import type { SubscriptionRow } from '../adapters/db/schema-subscriptions.js';
import type { SubscriptionRecord } from '../app/console/console-subscriptions.js';
import { formatMoney } from '../domain/money-format.js';
import {
  SUBSCRIPTION_STATUSES,
  type SubscriptionAction,
} from '../domain/subscriptions/subscription-values.js';
import { invoiceResource } from '../resources/invoice.js';
import { subscriptionResource } from '../resources/subscription.js';
import {
  type UpcomingInvoiceView,
  upcomingInvoiceResource,
} from '../resources/upcoming-invoice.js';
import { type ConsoleFrame, frame } from './console-frame.js';
import { nextPageLink, statusOptions } from './console-lists.js';
import { countOf, dataTable, idLink, statusBadge, statusWords, when } from './console-parts.js';
import { type Html, html } from './html.js';

// The console's subscriptions: a list with a status filter, and one subscription with its
// items, period, trial, cancel and pause state, the next invoice previewed, its invoices,
// and the actions its `available_actions` allow as forms. Pure: page model in, HTML out.

type Wire = ReturnType<typeof subscriptionResource>;

const every = (count: number, interval: string) =>
  count === 1 ? `Every ${interval}` : `Every ${count} ${interval}s`;

/** What one period bills before tax and discounts: Σ line amount × quantity × seats. */
function periodAmount(s: Wire): string {
  const total = s.items.reduce(
    (sum, item) => sum + item.lines.reduce((n, l) => n + l.unit_price_money.amount * l.quantity, 0),
    0,
  );
  return formatMoney(total, s.currency);
}

function period(s: Wire): Html | string {
  if (!s.current_period_start || !s.current_period_end) return '—';
  return html`${when(s.current_period_start)} → ${when(s.current_period_end)}`;
}

/** The table of subscriptions the list and the customer's page show. */
export function subscriptionsTable(
  f: ConsoleFrame,
  rows: readonly SubscriptionRow[],
  caption: string,
): Html {
  return dataTable({
    caption,
    columns: [
      { label: 'Subscription' },
      { label: 'Customer' },
      { label: 'Status' },
      { label: 'Plans' },
      { label: 'Billed' },
      { label: 'Per period', num: true },
      { label: 'Current period (UTC)' },
    ],
    rows: rows.map((row) => {
      const s = subscriptionResource(row);
      return [
        idLink(`/console/subscriptions/${s.subscription_id}?mode=${f.mode}`, s.subscription_id),
        idLink(`/console/customers/${s.customer_id}?mode=${f.mode}`, s.customer_id),
        html`${statusBadge(s.status)}${s.cancel_at_period_end ? html` <span class="badge">Ends at period end</span>` : ''}${s.pause_collection ? html` <span class="badge">Collection paused</span>` : ''}`,
        s.items.map((i) => `${i.plan_name} × ${i.quantity}`).join(', '),
        every(s.interval_count, s.interval),
        periodAmount(s),
        period(s),
      ];
    }),
    empty: 'None',
  });
}

export interface SubscriptionsPageInput {
  readonly frame: ConsoleFrame;
  readonly nonce: string;
  readonly status: string;
  readonly subscriptions: readonly SubscriptionRow[];
  readonly nextCursor: string | null;
}

export function renderSubscriptions(input: SubscriptionsPageInput): string {
  const { frame: f } = input;
  const query = new URLSearchParams({ mode: f.mode, status: input.status });
  const caption =
    countOf(input.subscriptions.length, 'subscription') + (input.nextCursor ? ' on this page' : '');
  return frame(
    'Subscriptions',
    f,
    input.nonce,
    html`<h1>Subscriptions</h1>
<form method="get" action="/console/subscriptions" role="search" class="panel">
<input type="hidden" name="mode" value="${f.mode}">
<div class="filters">
<div><label for="status">Status</label>
<select id="status" name="status">${statusOptions(SUBSCRIPTION_STATUSES, input.status)}</select></div>
<button type="submit">Filter</button>
</div>
</form>
<div class="panel">${subscriptionsTable(f, input.subscriptions, caption)}${nextPageLink(
      '/console/subscriptions',
      query.toString(),
      input.nextCursor,
    )}</div>`,
  );
}

/** The caller's actions the console offers as forms (`update` is the API's). */
const FORM_ACTIONS: readonly SubscriptionAction[] = [
  'cancel_at_period_end',
  'reactivate',
  'pause_collection',
  'resume_collection',
  'resume',
  'cancel',
];

const LABELS: Partial<Record<SubscriptionAction, string>> = {
  cancel: 'Cancel now',
  resume: 'Resume (bill a new period now)',
};

function actionForm(f: ConsoleFrame, id: string, action: SubscriptionAction): Html {
  const fields =
    action === 'pause_collection'
      ? html`<label for="behavior">While paused</label><select id="behavior" name="behavior"><option value="void">Bill nothing (void)</option><option value="keep_as_draft">Keep invoices as drafts</option></select>`
      : action === 'cancel' && f.user.role === 'owner'
        ? html`<label class="inline"><input type="checkbox" name="prorate" value="true"> Credit the unused time</label>`
        : '';
  return html`<form method="post" action="/console/subscriptions/${id}/${action}?mode=${f.mode}" class="inline">
<input type="hidden" name="csrf_token" value="${f.csrfToken}">${fields}
<button type="submit">${LABELS[action] ?? statusWords(action)}</button></form>`;
}

/** The next invoice as the renewal would bill it now. */
function upcomingPanel(record: SubscriptionRecord): Html {
  if (!record.upcoming) {
    return html`<section class="panel" aria-labelledby="upcoming"><h2 id="upcoming">Next invoice</h2><p>None: this subscription bills no further period.</p></section>`;
  }
  return invoicePanel(record.upcoming, 'Next invoice');
}

/** An invoice not made: the next period's, or what a change would bill now. */
function invoicePanel(view: UpcomingInvoiceView, title: string): Html {
  const u = upcomingInvoiceResource(view);
  const m = (a: number) => formatMoney(a, u.currency);
  const lines = u.lines.map((l) => [
    l.name,
    String(l.quantity),
    m(l.unit_price_money.amount),
    m(l.discount_money.amount),
    m(l.tax_money.amount),
    m(l.total_money.amount),
  ]);
  const totals: [string, number][] = [
    ...(u.billing_reason === 'subscription_update'
      ? ([['Unused time credited to the balance', u.unused_time_credit_money.amount]] as [
          string,
          number,
        ][])
      : []),
    ['Subtotal', u.subtotal_money.amount],
    ['Discount', u.discount_money.amount],
    ['Tax', u.tax_money.amount],
    ['Credit balance applied', u.credit_money.amount],
    ['Amount due', u.amount_due_money.amount],
  ];
  return html`<section class="panel" aria-labelledby="upcoming"><h2 id="upcoming">${title}</h2>
<p>${statusWords(u.billing_reason)}, for ${when(u.period_start ?? '')} → ${when(u.period_end ?? '')}, ${u.billing_reason === 'subscription_update' ? 'billed and charged when confirmed' : 'as its renewal would bill it now'}.</p>
${dataTable({
  caption: countOf(lines.length, 'line'),
  columns: [
    { label: 'Line' },
    { label: 'Quantity', num: true },
    { label: 'Unit price', num: true },
    { label: 'Discount', num: true },
    { label: 'Tax', num: true },
    { label: 'Total', num: true },
  ],
  rows: lines,
  empty: 'None',
})}
<dl class="totals">${totals.map(([label, amount]) => html`<dt>${label}</dt><dd>${m(amount)}</dd>`)}</dl></section>`;
}

export interface SubscriptionPageInput {
  readonly frame: ConsoleFrame;
  readonly nonce: string;
  readonly record: SubscriptionRecord;
  readonly mayAct: boolean;
}

export function renderSubscription(input: SubscriptionPageInput): string {
  const { frame: f, record } = input;
  const s = subscriptionResource(record.subscription);
  const row = (label: string, value: Html | string) =>
    html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
  const actions = input.mayAct
    ? FORM_ACTIONS.filter((a) => s.available_actions.includes(a)).map((a) =>
        actionForm(f, s.subscription_id, a),
      )
    : [];
  const items = s.items.flatMap((item) =>
    item.lines.map((l) => [
      `${item.plan_name} (v${item.plan_version})`,
      l.name,
      String(l.quantity),
      formatMoney(l.unit_price_money.amount, s.currency),
      formatMoney(l.unit_price_money.amount * l.quantity, s.currency),
    ]),
  );
  const pause = s.pause_collection
    ? `Paused (${s.pause_collection.behavior === 'void' ? 'nothing billed' : 'invoices kept as drafts'})${
        s.pause_collection.resumes_at ? `, resumes ${s.pause_collection.resumes_at}` : ''
      }`
    : 'Collecting';
  const invoices = record.invoices.map((view) => {
    const i = invoiceResource(view, undefined);
    return [
      idLink(`/console/invoices/${i.invoice_id}?mode=${f.mode}`, i.invoice_id),
      i.number ?? '—',
      statusWords(i.billing_reason),
      statusBadge(i.status),
      formatMoney(i.amount_due.amount, i.currency),
      i.period_start ? when(i.period_start) : '—',
    ];
  });
  const customer = record.customer;
  return frame(
    `Subscription ${s.subscription_id}`,
    f,
    input.nonce,
    html`<h1>Subscription <span class="id">${s.subscription_id}</span> ${statusBadge(s.status)}</h1>
<div class="panel"><table>
${row('Customer', html`${idLink(`/console/customers/${s.customer_id}?mode=${f.mode}`, s.customer_id)}${customer?.email ? html` <span class="hint">${customer.email}</span>` : ''}`)}
${row('Billed', `${every(s.interval_count, s.interval)} in ${s.currency}`)}
${row('Current period (UTC)', period(s))}
${row('Trial', s.trial_end ? html`${when(s.trial_start ?? s.trial_end)} → ${when(s.trial_end)}` : 'None')}
${row('Cancellation', s.canceled_at && s.status === 'canceled' ? html`Canceled ${when(s.canceled_at)}${s.cancellation_reason ? ` (${statusWords(s.cancellation_reason)})` : ''}` : s.cancel_at_period_end ? html`Ends at period end${s.cancel_at ? html` (${when(s.cancel_at)})` : ''}` : 'Renews')}
${row('Collection', pause)}
${row('Payment method', s.default_payment_method_id ?? "The customer's default")}
${row('Test clock', s.test_clock ?? '—')}
</table></div>
${actions.length > 0 ? html`<div class="panel actions">${actions}</div>` : ''}
${input.mayAct && s.available_actions.includes('update') ? seatsForm(f, s) : ''}
<section class="panel" aria-labelledby="items"><h2 id="items">Items</h2>
${dataTable({
  caption: countOf(items.length, 'line'),
  columns: [
    { label: 'Plan' },
    { label: 'Line' },
    { label: 'Quantity', num: true },
    { label: 'Unit price', num: true },
    { label: 'Per period', num: true },
  ],
  rows: items,
  empty: 'None',
})}</section>
${upcomingPanel(record)}
<section class="panel" aria-labelledby="invoices"><h2 id="invoices">Invoices</h2>
${dataTable({
  caption: `${countOf(invoices.length, 'invoice')} (newest)`,
  columns: [
    { label: 'Invoice' },
    { label: 'Number' },
    { label: 'Reason' },
    { label: 'Status' },
    { label: 'Due', num: true },
    { label: 'Period from (UTC)' },
  ],
  rows: invoices,
  empty: 'None',
})}</section>`,
  );
}

/** Seats per plan, sent to the change's preview first (a GET: nothing is written). */
function seatsForm(f: ConsoleFrame, s: Wire): Html {
  const fields = s.items.map(
    (item) =>
      html`<label for="seats-${item.plan_id}">${item.plan_name} seats</label><input id="seats-${item.plan_id}" name="seats.${item.plan_id}" type="number" min="1" max="100000" required value="${String(item.quantity)}">`,
  );
  return html`<section class="panel" aria-labelledby="seats"><h2 id="seats">Change seats</h2>
<form method="get" action="/console/subscriptions/${s.subscription_id}/change">
<input type="hidden" name="mode" value="${f.mode}">${fields}
<button type="submit">Preview the proration</button></form></section>`;
}

export interface SubscriptionChangePageInput {
  readonly frame: ConsoleFrame;
  readonly nonce: string;
  readonly subscription: SubscriptionRow;
  /** Seats per plan id, as asked. */
  readonly seats: Readonly<Record<string, number>>;
  readonly preview: UpcomingInvoiceView;
}

/** A seat change's proration, shown before anything is billed, with the form that confirms it. */
export function renderSubscriptionChange(input: SubscriptionChangePageInput): string {
  const { frame: f, preview } = input;
  const s = subscriptionResource(input.subscription);
  const u = upcomingInvoiceResource(preview);
  const hidden = Object.entries(input.seats).map(
    ([plan, seats]) => html`<input type="hidden" name="seats.${plan}" value="${String(seats)}">`,
  );
  return frame(
    `Change ${s.subscription_id}`,
    f,
    input.nonce,
    html`<h1>Change seats of <span class="id">${s.subscription_id}</span></h1>
<p>${Object.entries(input.seats)
      .map(([plan, seats]) => `${plan}: ${seats} seat${seats === 1 ? '' : 's'}`)
      .join(', ')}</p>
${invoicePanel(preview, 'Proration')}
<form method="post" action="/console/subscriptions/${s.subscription_id}/change?mode=${f.mode}">
<input type="hidden" name="csrf_token" value="${f.csrfToken}">${hidden}
<input type="hidden" name="proration_date" value="${String(u.proration_date ?? '')}">
<input type="hidden" name="subscription_version" value="${String(u.subscription_version)}">
<button type="submit">Confirm and charge ${formatMoney(u.amount_due_money.amount, u.currency)}</button>
<a href="/console/subscriptions/${s.subscription_id}?mode=${f.mode}">Back</a></form>`,
  );
}
