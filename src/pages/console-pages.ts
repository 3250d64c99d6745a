import type { AccountRow } from '../adapters/db/schema.js';
import type { ConsoleUserRow } from '../adapters/db/schema-console.js';
import type { SaleRecord } from '../app/console-orders.js';
import type { OrderView } from '../app/order-pricing.js';
import type { Mode } from '../domain/tenant.js';
import { orderResource } from '../resources/order.js';
import { refundResource } from '../resources/refund.js';
import { ONCE_SCRIPT } from './checkout-script.js';
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
    body: html`<main>
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
  readonly orders: readonly OrderView[];
  readonly nextCursor: string | null;
}

const STATUSES = ['OPEN', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'CANCELED', 'CLOSED'];

export function renderOrders(input: OrdersPageInput): string {
  const { frame: f } = input;
  const rows = input.orders.map((view) => {
    const o = orderResource(view);
    const m = (a: number) => formatMoney(a, o.currency);
    return html`<tr><td><a href="/console/orders/${o.order_id}?mode=${f.mode}">${o.order_id}</a></td><td>${o.status}</td><td class="num">${m(o.net_amounts.total_money.amount)}</td><td class="num">${m(o.net_amounts.refunded_money.amount)}</td><td>${o.created_at.slice(0, 16).replace('T', ' ')}</td></tr>`;
  });
  const next = input.nextCursor
    ? html`<p><a href="/console/orders?mode=${f.mode}&q=${encodeURIComponent(input.q)}&status=${input.status}&starting_after=${input.nextCursor}">Next page</a></p>`
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
<label for="status">Status</label>
<select id="status" name="status"><option value="">Any</option>${STATUSES.map(
      (s) => html`<option value="${s}"${s === input.status ? html` selected` : ''}>${s}</option>`,
    )}</select>
<button type="submit">Search</button>
</form>
<div class="panel"><table><caption>${input.orders.length === 0 ? 'No orders found.' : `${input.orders.length} orders`}</caption>
<thead><tr><th scope="col">Order</th><th scope="col">Status</th><th scope="col" class="num">Total</th><th scope="col" class="num">Refunded</th><th scope="col">Created (UTC)</th></tr></thead>
<tbody>${rows}</tbody></table>${next}</div>`,
  );
}

export function renderSale(input: {
  frame: ConsoleFrame;
  nonce: string;
  sale: SaleRecord;
  /** The refund forms, for users who may refund. */
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
  const lines = o.line_items.map(
    (l) =>
      html`<tr><td>${l.name}</td><td class="num">${l.quantity}</td><td class="num">${m(l.total_money.amount)}</td><td class="num">${m(refundedByLine.get(l.line_item_id) ?? 0)}</td></tr>`,
  );
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
  const payments = o.payments.map(
    (p) => html`<li>${p.payment_intent_id}: ${p.status}, ${m(p.amount_money.amount)}</li>`,
  );
  const refundRows = refunds.map(
    (r) =>
      html`<tr><td><a href="/console/refunds/${r.refund_id}?mode=${f.mode}">${r.refund_id}</a></td><td>${r.status}</td><td class="num">${m(r.amount)}</td><td>${METHOD_LABELS[r.method]}</td><td>${r.reason ?? '—'}</td><td>${r.failure_reason ?? '—'}</td><td>${r.reference_id ?? '—'} (${r.reference_status})</td></tr>`,
  );
  const sessions = sale.sessions.map((s) => html`<li>${s.id}: ${s.status}</li>`);
  const timeline = sale.timeline.map(
    (e) =>
      html`<li><time datetime="${e.created_at.toISOString()}">${e.created_at.toISOString().slice(0, 19).replace('T', ' ')}</time> ${e.type} by ${e.actor_type}${e.actor_id ? html` ${e.actor_id}` : ''}</li>`,
  );
  return frame(
    o.order_id,
    f,
    input.nonce,
    html`<h1>Order ${o.order_id} <span class="badge">${o.status}</span></h1>
<div class="grid">
<section class="panel" aria-labelledby="sold"><h2 id="sold">What was sold</h2>
<table><thead><tr><th scope="col">Line</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Total</th><th scope="col" class="num">Refunded</th></tr></thead><tbody>${lines}</tbody></table></section>
<section class="panel" aria-labelledby="money"><h2 id="money">Money</h2>
<dl class="totals">${amounts.map(([label, amount]) => html`<dt>${label}</dt><dd>${m(amount)}</dd>`)}</dl></section>
</div>
${input.refundForms ?? ''}
<section class="panel" aria-labelledby="payments"><h2 id="payments">Payments</h2><ul>${payments.length ? payments : html`<li>None</li>`}</ul></section>
<section class="panel" aria-labelledby="refunds"><h2 id="refunds">Refunds</h2>
${refunds.length ? html`<table><thead><tr><th scope="col">Refund</th><th scope="col">Status</th><th scope="col" class="num">Amount</th><th scope="col">How</th><th scope="col">Reason</th><th scope="col">Failure</th><th scope="col">Reference</th></tr></thead><tbody>${refundRows}</tbody></table>` : html`<p>None</p>`}</section>
<section class="panel" aria-labelledby="sessions"><h2 id="sessions">Checkout sessions</h2><ul>${sessions.length ? sessions : html`<li>None</li>`}</ul></section>
<section class="panel" aria-labelledby="timeline"><h2 id="timeline">Timeline</h2><ol>${timeline}</ol></section>`,
  );
}
