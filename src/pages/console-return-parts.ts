import type { ReturnRow } from '../adapters/db/schema-returns.js';
import { formatMoney } from '../domain/money-format.js';
import { returnResource } from '../resources/return.js';
import type { ConsoleFrame } from './console-frame.js';
import { countOf, dataTable, idLink, statusBadge, statusWords } from './console-parts.js';
import { type Html, html } from './html.js';

// The sale record's returns and exchanges: each return of the order with its lines,
// credit, refund and follow-up order, and the buttons of the moves it allows; on a
// follow-up order, the order and return it is an exchange for. Pure.

const BUTTONS = { receive: 'Mark received', complete: 'Complete', cancel: 'Cancel return' };

function actions(f: ConsoleFrame, r: ReturnType<typeof returnResource>): Html[] {
  return r.available_actions.flatMap((action) =>
    action === 'update'
      ? []
      : [
          html`<form method="post" action="/console/returns/${r.return_id}/${action}?mode=${f.mode}" class="inline">
<input type="hidden" name="csrf_token" value="${f.csrfToken}">
<button type="submit"${action === 'cancel' ? html` class="secondary"` : ''}>${BUTTONS[action]}</button></form>`,
        ],
  );
}

export function returnsPanel(input: {
  readonly frame: ConsoleFrame;
  readonly currency: string;
  readonly returns: readonly ReturnRow[];
  /** The return whose exchange made this order, when it is a follow-up. */
  readonly exchangeOf: ReturnRow | null;
  /** Whether the user may act (not a viewer). */
  readonly mayAct: boolean;
}): Html {
  const { frame: f } = input;
  const m = (a: number) => formatMoney(a, input.currency);
  const order = (id: string) => idLink(`/console/orders/${id}?mode=${f.mode}`, id);
  const rows = input.returns
    .map(returnResource)
    .map((r) => [
      html`<span class="id">${r.return_id}</span>`,
      statusBadge(r.status),
      statusWords(r.reason),
      html`${r.line_items.map((l) => html`${l.quantity} × <span class="id">${l.line_item_id}</span><br>`)}`,
      m(r.credit_money.amount),
      r.refund_id ? idLink(`/console/refunds/${r.refund_id}?mode=${f.mode}`, r.refund_id) : '—',
      r.exchange_order_id
        ? order(r.exchange_order_id)
        : r.exchange_line_items.length > 0
          ? `${r.exchange_line_items.length} new line(s) when ${r.refund_on}`
          : '—',
      input.mayAct ? html`${actions(f, r)}` : '',
    ]);
  const of = input.exchangeOf;
  return html`<section class="panel" aria-labelledby="returns"><h2 id="returns">Returns and exchanges</h2>
${
  of
    ? html`<p>An exchange for order ${order(of.order_id)} (return <span class="id">${of.id}</span>), credited ${m(of.credit)} of what was returned.</p>`
    : ''
}${dataTable({
  caption: countOf(rows.length, 'return'),
  columns: [
    { label: 'Return' },
    { label: 'Status' },
    { label: 'Reason' },
    { label: 'Lines' },
    { label: 'Credit', num: true },
    { label: 'Refund' },
    { label: 'Exchange' },
    { label: '' },
  ],
  rows,
  empty: 'None',
})}</section>`;
}
