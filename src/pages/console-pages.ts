import type { AccountRow, EventRow } from '../adapters/db/schema.js';
import type { ConsoleUserRow } from '../adapters/db/schema-console.js';
import type { ListedOrder, SaleRecord } from '../app/console/console-orders.js';
import { ORDER_STATUSES } from '../domain/order-lifecycle.js';
import type { Mode } from '../domain/tenant.js';
import { orderResource } from '../resources/order.js';
import { refundResource } from '../resources/refund.js';
import { paymentCardLabel } from './card-label.js';
import { ONCE_SCRIPT } from './checkout-script.js';
import { countOf, dataTable, idLink, statusBadge, statusWords } from './console-parts.js';
import { type Html, html, layout } from './html.js';
import { formatMoney } from './money-format.js';
import { METHOD_LABELS } from './refund-methods.js';

// The operator console's pages: sign-in, setting a password, the order search and one
// sale's record. Pure: page models in, HTML out.

export interface ConsoleFrame {
  readonly user: ConsoleUserRow;
  readonly account: AccountRow;
  readonly mode: Mode;
  /** False in live mode without a real processor: every live payment is refused. */
  readonly takesPayments: boolean;
  readonly csrfToken: string;
}

export function frame(title: string, f: ConsoleFrame, nonce: string, body: Html): string {
  const other: Mode = f.mode === 'test' ? 'live' : 'test';
  return layout({
    title: `${title} · ${f.account.name}`,
    nonce,
    script: ONCE_SCRIPT,
    body: html`<main class="wide">
<header class="console-header">
<p class="merchant">${f.account.name}${f.mode === 'test' ? html`<span class="badge">Test mode</span>` : ''}</p>
<nav aria-label="Console">
<a href="/console/orders?mode=${f.mode}">Orders</a> ·
<a href="/console/refunds?mode=${f.mode}">Refunds</a> ·
${f.user.role === 'owner' ? html`<a href="/console/developers?mode=${f.mode}">Developers</a> ·` : ''}
<a href="/console/orders?mode=${other}">Switch to ${other} mode</a> ·
<span>${f.user.email} (${f.user.role})</span>
<form method="post" action="/console/logout" class="inline"><input type="hidden" name="csrf_token" value="${f.csrfToken}"><button type="submit" class="link">Sign out</button></form>
</nav>
</header>
${
  f.takesPayments
    ? ''
    : html`<p class="alert" role="status" id="live-not-set-up">Live mode is not set up: no card processor is connected, so live payments are refused. Connect Stripe with PUT /v1/processor and a live key.</p>`
}
${body}
</main>`,
  });
}

export function renderLogin(input: {
  nonce: string;
  csrfToken: string;
  email: string;
  error?: string | undefined;
}): string {
  return layout({
    title: 'Sign in · Flint console',
    nonce: input.nonce,
    script: ONCE_SCRIPT,
    body: html`<main><div class="panel narrow">
<h1>Sign in to the Flint console</h1>
<div id="form-errors" class="alert" role="alert" tabindex="-1">${input.error ?? ''}</div>
<form method="post" action="/console/login">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="${input.email}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
<button type="submit">Sign in</button>
</form></div></main>`,
  });
}

export function renderInvite(input: {
  nonce: string;
  csrfToken: string;
  token: string;
  email: string;
  error?: string | undefined;
}): string {
  return layout({
    title: 'Set your password · Flint console',
    nonce: input.nonce,
    script: ONCE_SCRIPT,
    body: html`<main><div class="panel narrow">
<h1>Set your password</h1>
<p>For ${input.email}. Use at least 12 characters.</p>
<div id="form-errors" class="alert" role="alert" tabindex="-1">${input.error ?? ''}</div>
<form method="post" action="/console/invite/${input.token}">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="256" aria-describedby="form-errors">
<button type="submit">Set password and sign in</button>
</form></div></main>`,
  });
}

export interface OrdersPageInput {
  readonly frame: ConsoleFrame;
  readonly nonce: string;
  readonly q: string;
  readonly status: string;
  /** The created-at range's first and last day (YYYY-MM-DD, UTC), or ''. */
  readonly from: string;
  readonly to: string;
  readonly orders: readonly ListedOrder[];
  readonly nextCursor: string | null;
}

/** A moment as the console shows it, in UTC: "2026-12-04 18:30". */
function when(iso: string): Html {
  return html`<time class="nowrap" datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')}</time>`;
}

export function renderOrders(input: OrdersPageInput): string {
  const { frame: f } = input;
  const rows = input.orders.map(({ view, email }) => {
    const o = orderResource(view);
    const m = (a: number) => formatMoney(a, o.currency);
    return [
      idLink(`/console/orders/${o.order_id}?mode=${f.mode}`, o.order_id),
      email ?? '—',
      statusBadge(o.status),
      m(o.net_amounts.total_money.amount),
      m(o.net_amounts.refunded_money.amount),
      when(o.created_at),
    ];
  });
  const query = new URLSearchParams({
    mode: f.mode,
    q: input.q,
    status: input.status,
    from: input.from,
    to: input.to,
  });
  const next = input.nextCursor
    ? html`<p><a href="/console/orders?${query.toString()}&starting_after=${input.nextCursor}">Next page</a></p>`
    : '';
  return frame(
    'Orders',
    f,
    input.nonce,
    html`<h1>Orders</h1>
<form method="get" action="/console/orders" role="search" class="panel">
<input type="hidden" name="mode" value="${f.mode}">
<label for="q">Order id, customer email, reference number or metadata value</label>
<input id="q" name="q" type="search" maxlength="200" value="${input.q}">
<div class="filters">
<div><label for="status">Status</label>
<select id="status" name="status"><option value="">Any</option>${ORDER_STATUSES.map(
      (s) =>
        html`<option value="${s}"${s === input.status ? html` selected` : ''}>${statusWords(s)}</option>`,
    )}</select></div>
<div><label for="from">Created from (UTC)</label><input id="from" name="from" type="date" value="${input.from}"></div>
<div><label for="to">Created to (UTC)</label><input id="to" name="to" type="date" value="${input.to}"></div>
<button type="submit">Search</button>
</div>
</form>
<div class="panel">${dataTable({
      caption: countOf(input.orders.length, 'order') + (input.nextCursor ? ' on this page' : ''),
      columns: [
        { label: 'Order' },
        { label: 'Customer' },
        { label: 'Status' },
        { label: 'Total', num: true },
        { label: 'Refunded', num: true },
        { label: 'Created (UTC)' },
      ],
      rows,
      empty: 'No orders found.',
    })}${next}</div>`,
  );
}

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
}): string {
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
<section class="panel" aria-labelledby="sessions"><h2 id="sessions">Checkout sessions</h2>
${dataTable({
  caption: countOf(sessions.length, 'checkout session'),
  columns: [{ label: 'Session' }, { label: 'Status' }],
  rows: sessions,
  empty: 'None',
})}</section>
<section class="panel" aria-labelledby="timeline"><h2 id="timeline">Timeline</h2><ol class="timeline">${timeline}</ol></section>`,
  );
}
