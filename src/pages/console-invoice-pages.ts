import { INVOICE_STATUSES, type InvoiceAction } from '../domain/invoices/invoice-values.js';
import { formatMoney } from '../domain/money-format.js';
import { type InvoiceView, invoiceResource } from '../resources/invoice.js';
import { type ConsoleFrame, frame } from './console-frame.js';
import { nextPageLink, statusOptions } from './console-lists.js';
import { countOf, dataTable, idLink, statusBadge, statusWords, when } from './console-parts.js';
import { type Html, html } from './html.js';

// The console's invoices: a list with a status filter, and one invoice with its actions as
// forms. Pure: page model in, HTML out.

export interface InvoicesPageInput {
  readonly frame: ConsoleFrame;
  readonly nonce: string;
  readonly status: string;
  readonly invoices: readonly InvoiceView[];
  readonly nextCursor: string | null;
}

export function renderInvoices(input: InvoicesPageInput): string {
  const { frame: f } = input;
  const rows = input.invoices.map((view) => {
    const i = invoiceResource(view, undefined);
    const m = (a: number) => formatMoney(a, i.currency);
    return [
      idLink(`/console/invoices/${i.invoice_id}?mode=${f.mode}`, i.invoice_id),
      i.number ?? '—',
      i.overdue ? html`${statusBadge(i.status)} ${statusBadge('overdue')}` : statusBadge(i.status),
      m(i.amount_due.amount),
      m(i.amount_remaining.amount),
      when(i.created_at),
    ];
  });
  const query = new URLSearchParams({ mode: f.mode, status: input.status });
  const next = nextPageLink('/console/invoices', query.toString(), input.nextCursor);
  return frame(
    'Invoices',
    f,
    input.nonce,
    html`<h1>Invoices</h1>
<form method="get" action="/console/invoices" role="search" class="panel">
<input type="hidden" name="mode" value="${f.mode}">
<div class="filters">
<div><label for="status">Status</label>
<select id="status" name="status">${statusOptions(INVOICE_STATUSES, input.status)}</select></div>
<button type="submit">Filter</button>
</div>
</form>
<div class="panel">${dataTable({
      caption:
        countOf(input.invoices.length, 'invoice') + (input.nextCursor ? ' on this page' : ''),
      columns: [
        { label: 'Invoice' },
        { label: 'Number' },
        { label: 'Status' },
        { label: 'Due', num: true },
        { label: 'Remaining', num: true },
        { label: 'Created (UTC)' },
      ],
      rows,
      empty: 'No invoices found.',
    })}${next}</div>`,
  );
}

/** The actions the console offers as forms (paying needs the buyer's card: the API or hosted page). */
const FORM_ACTIONS: readonly InvoiceAction[] = [
  'finalize',
  'approve',
  'reject',
  'void',
  'mark_uncollectible',
  'send',
  'remind',
];

function actionForm(f: ConsoleFrame, id: string, action: InvoiceAction): Html {
  const reason =
    action === 'reject'
      ? html`<label for="reason">Reason</label><input id="reason" name="reason" required maxlength="500">`
      : '';
  return html`<form method="post" action="/console/invoices/${id}/${action}?mode=${f.mode}" class="inline">
<input type="hidden" name="csrf_token" value="${f.csrfToken}">${reason}
<button type="submit">${statusWords(action)}</button></form>`;
}

export interface InvoicePageInput {
  readonly frame: ConsoleFrame;
  readonly nonce: string;
  readonly view: InvoiceView;
  readonly mayAct: boolean;
  /** Where Flint's public pages are (the hosted invoice page's link). */
  readonly baseUrl: string;
}

/** The hosted invoice page's link: copy it for the buyer, or open it (once finalized). */
function hostedLink(url: string | null): Html | string {
  if (!url) return 'Once finalized';
  return html`<a id="hosted-invoice-url" href="${url}" target="_blank" rel="noopener noreferrer">Open</a> ·
<button type="button" class="link" data-copy="${url}">Copy link</button>
<div class="hint"><code>${url}</code></div>`;
}

export function renderInvoice(input: InvoicePageInput): string {
  const { frame: f } = input;
  const i = invoiceResource(input.view, input.baseUrl);
  const m = (a: number) => formatMoney(a, i.currency);
  const actions = input.mayAct
    ? i.available_actions
        .filter((a) => FORM_ACTIONS.includes(a))
        .map((a) => actionForm(f, i.invoice_id, a))
    : [];
  const row = (label: string, value: Html | string) =>
    html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
  return frame(
    `Invoice ${i.number ?? i.invoice_id}`,
    f,
    input.nonce,
    html`<h1>Invoice ${i.number ?? '(draft)'} ${statusBadge(i.status)}</h1>
<div class="panel"><table>
${row('Invoice', i.invoice_id)}
${row('Order', idLink(`/console/orders/${i.order_id}?mode=${f.mode}`, i.order_id))}
${row('Amount due', m(i.amount_due.amount))}
${row('Paid', m(i.amount_paid.amount))}
${row('Remaining', m(i.amount_remaining.amount))}
${row('Refunded', m(i.amount_refunded.amount))}
${row('Due date', i.due_date ? html`${when(i.due_date)}${i.overdue ? html` ${statusBadge('overdue')}` : ''}` : '—')}
${row('Sent to the buyer', i.sent_at ? when(i.sent_at) : 'Not yet')}
${row('Memo', i.memo ?? '—')}
${row('Hosted page', hostedLink(i.hosted_invoice_url))}
${row('PDF', i.invoice_pdf ? html`<a id="invoice-pdf" href="${i.invoice_pdf}" target="_blank" rel="noopener noreferrer">Download</a>` : 'Once finalized')}
${i.rejection_reason ? row('Rejected because', i.rejection_reason) : ''}
</table></div>
${actions.length > 0 ? html`<div class="panel actions">${actions}</div>` : ''}`,
  );
}
