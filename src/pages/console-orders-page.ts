import type { ListedOrder } from '../app/console/console-orders.js';
import { formatMoney } from '../domain/money-format.js';
import { ORDER_STATUSES } from '../domain/order-lifecycle.js';
import { orderResource } from '../resources/order.js';
import { type ConsoleFrame, frame } from './console-frame.js';
import { nextPageLink, statusOptions } from './console-lists.js';
import { countOf, dataTable, idLink, statusBadge, when } from './console-parts.js';
import { html } from './html.js';

// The console's order search: filters, and one row per order. Pure: page model in, HTML out.

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
  const next = nextPageLink('/console/orders', query.toString(), input.nextCursor);
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
<select id="status" name="status">${statusOptions(ORDER_STATUSES, input.status)}</select></div>
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
