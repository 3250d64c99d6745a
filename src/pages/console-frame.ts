import type { AccountRow } from '../adapters/db/schema.js';
import type { ConsoleUserRow } from '../adapters/db/schema-console.js';
import type { Mode } from '../domain/tenant.js';
import { ONCE_SCRIPT } from './checkout-script.js';
import { type Html, html, layout } from './html.js';

// The frame of every operator console page: the merchant, the mode, the navigation and
// the signed-in user around the page's own content.

export interface ConsoleFrame {
  readonly user: ConsoleUserRow;
  readonly account: AccountRow;
  readonly mode: Mode;
  /** False in live mode without a real processor: every live payment is refused. */
  readonly takesPayments: boolean;
  readonly csrfToken: string;
}

/** A `button[data-copy]` copies its text to the clipboard (the page shows it to select too). */
const COPY_SCRIPT = `(function(){document.querySelectorAll('button[data-copy]').forEach(function(b){b.addEventListener('click',function(){var t=b.getAttribute('data-copy');if(!navigator.clipboard)return;navigator.clipboard.writeText(t).then(function(){b.textContent='Copied'},function(){})})})})();`;

export function frame(title: string, f: ConsoleFrame, nonce: string, body: Html): string {
  const other: Mode = f.mode === 'test' ? 'live' : 'test';
  return layout({
    title: `${title} · ${f.account.name}`,
    nonce,
    script: ONCE_SCRIPT + COPY_SCRIPT,
    body: html`<main class="wide">
<header class="console-header">
<p class="merchant">${f.account.name}${f.mode === 'test' ? html`<span class="badge">Test mode</span>` : ''}</p>
<nav aria-label="Console">
<a href="/console/orders?mode=${f.mode}">Orders</a> ·
<a href="/console/refunds?mode=${f.mode}">Refunds</a> ·
<a href="/console/invoices?mode=${f.mode}">Invoices</a> ·
<a href="/console/plans?mode=${f.mode}">Plans</a> ·
<a href="/console/subscriptions?mode=${f.mode}">Subscriptions</a> ·
<a href="/console/mail?mode=${f.mode}">Mail</a> ·
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
