import { type Html, html } from './html.js';

// The console's shared parts: statuses in words with a colour by meaning, and tables that
// keep money, ids and statuses whole on wide screens and stack into rows on phones.

type Meaning = 'good' | 'bad' | 'waiting' | 'info' | 'done';

const MEANINGS: Readonly<Record<string, Meaning>> = {
  succeeded: 'good',
  paid: 'good',
  complete: 'good',
  failed: 'bad',
  pending: 'waiting',
  processing: 'waiting',
  requires_action: 'waiting',
  requires_payment_method: 'waiting',
  open: 'waiting',
  overdue: 'bad',
  partially_refunded: 'info',
  refunded: 'done',
  canceled: 'done',
  closed: 'done',
  expired: 'done',
  sent: 'good',
  queued: 'waiting',
  kept: 'info',
  active: 'good',
  trialing: 'info',
  past_due: 'bad',
  unpaid: 'bad',
  incomplete: 'waiting',
  incomplete_expired: 'done',
  paused: 'waiting',
};

/** A status as a person reads it: "PARTIALLY_REFUNDED" → "Partially refunded". */
export function statusWords(status: string): string {
  const words = status.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A status in words, coloured by what it means (succeeded green, failed red, pending amber). */
export function statusBadge(status: string): Html {
  const meaning = MEANINGS[status.toLowerCase()] ?? 'done';
  return html`<span class="status status-${meaning}" data-status="${status}">${statusWords(status)}</span>`;
}

/** "1 order", "3 orders". */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export interface Column {
  readonly label: string;
  /** Right-aligned and never wrapped (money, counts). */
  readonly num?: boolean;
}

/**
 * A table whose every cell carries its column's name, so that on a phone each row
 * stacks into "name: value" lines; with no rows, only the `empty` sentence (no header).
 */
export function dataTable(input: {
  readonly caption: string;
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly (Html | string)[])[];
  readonly empty: string;
}): Html {
  if (input.rows.length === 0) return html`<p class="empty">${input.empty}</p>`;
  const head = input.columns.map(
    (c) => html`<th scope="col"${c.num ? html` class="num"` : ''}>${c.label}</th>`,
  );
  const body = input.rows.map(
    (cells) =>
      html`<tr>${cells.map((cell, i) => {
        const c = input.columns[i];
        return html`<td data-label="${c?.label ?? ''}"${c?.num ? html` class="num"` : ''}>${cell}</td>`;
      })}</tr>`,
  );
  return html`<table class="stack"><caption>${input.caption}</caption>
<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** An id as a link that never breaks across lines. */
export function idLink(href: string, id: string): Html {
  return html`<a class="id" href="${href}">${id}</a>`;
}

/** A moment as the console shows it, in UTC: "2026-12-04 18:30". */
export function when(iso: string): Html {
  return html`<time class="nowrap" datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')}</time>`;
}
