import { formatMoney } from '../domain/money-format.js';
import { type RecoveryLinkView, recoveryLinkResource } from '../resources/recovery-link.js';
import type { ConsoleFrame } from './console-frame.js';
import { countOf, dataTable, statusBadge, when } from './console-parts.js';
import { type Html, html } from './html.js';

// A sale's recovery links in the console: each link's status and page (open it, copy it
// for the buyer), and — for an order with a balance — one button that makes a link. Pure.

export interface RecoveryPanelInput {
  readonly frame: ConsoleFrame;
  readonly orderId: string;
  readonly links: readonly RecoveryLinkView[];
  /** Where Flint's public pages are (the links' pages). */
  readonly baseUrl: string;
  /** The order has a balance and the user may act: offer the one-click link. */
  readonly mayCreate: boolean;
}

function pageLink(url: string | null, status: string): Html | string {
  if (!url) return '—';
  if (status !== 'active') return html`<span class="hint"><code>${url}</code></span>`;
  return html`<a href="${url}" target="_blank" rel="noopener noreferrer">Open</a> ·
<button type="button" class="link" data-copy="${url}">Copy link</button>
<div class="hint"><code class="recovery-url">${url}</code></div>`;
}

export function recoveryPanel(input: RecoveryPanelInput): Html {
  const { frame: f, links } = input;
  const rows = links.map((view) => {
    const l = recoveryLinkResource(view, input.baseUrl);
    return [
      html`<span class="id">${l.recovery_link_id}</span>`,
      statusBadge(l.status),
      l.status === 'active' ? formatMoney(l.amount.amount, l.amount.currency) : '—',
      when(l.created_at),
      pageLink(l.url, l.status),
    ];
  });
  const create = input.mayCreate
    ? html`<form method="post" action="/console/orders/${input.orderId}/recovery_links?mode=${f.mode}" class="inline">
<input type="hidden" name="csrf_token" value="${f.csrfToken}">
<button type="submit" id="create-recovery-link">Create a recovery link for the balance</button></form>`
    : '';
  return html`<section class="panel" aria-labelledby="recovery"><h2 id="recovery">Recovery links</h2>
${create}
${dataTable({
  caption: countOf(rows.length, 'recovery link'),
  columns: [
    { label: 'Link' },
    { label: 'Status' },
    { label: 'Collects', num: true },
    { label: 'Created' },
    { label: 'Page' },
  ],
  rows,
  empty: 'None',
})}</section>`;
}
