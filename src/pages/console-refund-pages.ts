import type { RefundAggregate } from '../adapters/db/repos/refunds-repo.js';
import type { CreateRefundInput, RefundPlan } from '../app/refunds/plan-refund.js';
import { currencyExponent } from '../domain/currency.js';
import type { Failure } from '../domain/errors.js';
import { formatDecimal } from '../domain/money.js';
import { formatMoney } from '../domain/money-format.js';
import { isOffline } from '../domain/refunds/refund-policy.js';
import {
  OFFLINE_REFUND_METHODS,
  REFUND_METHODS,
  REFUND_STATUSES,
  type RefundMethod,
  type RefundReason,
} from '../domain/refunds/refund-values.js';
import type { OrderView } from '../resources/order.js';
import { refundResource } from '../resources/refund.js';
import { type ConsoleFrame, frame } from './console-frame.js';
import { nextPageLink, statusOptions } from './console-lists.js';
import { countOf, dataTable, idLink, statusBadge, statusWords } from './console-parts.js';
import { type Html, html } from './html.js';
import { METHOD_LABELS } from './refund-methods.js';

// Refunds from the console: the forms on an order's page, the preview that must be seen
// before confirming, and a refund's own page with its status and next actions.

/** Every reason of REFUND_REASONS in the operator's words, in the order the form offers them. */
const REASON_LABELS = {
  requested_by_customer: 'Requested by customer',
  duplicate: 'Duplicate',
  fraudulent: 'Fraudulent',
} as const satisfies Record<RefundReason, string>;

const REASONS = html`<option value="">No reason</option>${Object.entries(REASON_LABELS).map(
  ([value, label]) => html`<option value="${value}">${label}</option>`,
)}`;

function methodOptions(methods: readonly RefundMethod[]): Html {
  return html`${methods.map((m) => html`<option value="${m}">${METHOD_LABELS[m]}</option>`)}`;
}

/**
 * The one refund form: what to refund (units of lines, an amount, or everything left),
 * then once how the money goes back, why, and a note. Previewed before anything happens.
 */
export function refundForms(f: ConsoleFrame, view: OrderView, error?: string): Html {
  const action = `/console/orders/${view.order.id}/refund/preview?mode=${f.mode}`;
  const c = view.order.currency;
  const net = view.pricing.net;
  const left = formatMoney(net.paid - net.refunded, c);
  const lines = view.lines.map(
    (line) =>
      html`<label for="units_${line.id}">${line.name} — units to refund (of ${line.quantity})</label>
<input id="units_${line.id}" name="units_${line.id}" type="number" inputmode="numeric" min="0" max="${line.quantity}" value="0">`,
  );
  return html`<section class="panel" aria-labelledby="refund-title"><h2 id="refund-title">Refund</h2>
<div id="form-errors" class="alert" role="alert" tabindex="-1">${error ?? ''}</div>
<form method="post" action="${action}" aria-label="Refund">
<input type="hidden" name="csrf_token" value="${f.csrfToken}">
<fieldset class="choices"><legend>What to refund (${left} left)</legend>
<div class="choice"><input type="radio" id="kind-lines" name="kind" value="lines" checked><label for="kind-lines">Units of line items</label></div>
<div class="choice-detail">${lines}</div>
<div class="choice"><input type="radio" id="kind-amount" name="kind" value="amount"><label for="kind-amount">An amount</label></div>
<div class="choice-detail"><label for="amount">Amount in ${c}, at most ${left}</label><input id="amount" name="amount" inputmode="decimal" maxlength="20" autocomplete="off"></div>
<div class="choice"><input type="radio" id="kind-full" name="kind" value="full"><label for="kind-full">Everything left (${left})</label></div>
</fieldset>
<div class="grid">
<div><label for="method">How the money goes back</label><select id="method" name="method">${methodOptions(REFUND_METHODS)}</select></div>
<div><label for="reason">Reason</label><select id="reason" name="reason">${REASONS}</select></div>
</div>
<label for="note">Note (kept on the refund)</label><input id="note" name="note" maxlength="500">
<button type="submit">Preview refund</button>
</form></section>`;
}

/** A support user's refused refund, the limit in money. */
export function limitMessage(limit: number, currency: string): string {
  return `Your refund limit is ${formatMoney(limit, currency)}; ask an owner for larger refunds.`;
}

const PART_LEFT: Readonly<Record<string, string>> = {
  amount_shipping: ' of shipping',
  amount_discount: ' of the discount',
  amount_tax: ' of tax',
};

/**
 * A refused refund in a person's words: an amount beyond what is left is said in money
 * ("At most $59.40 is left to refund"), never in minor units; anything else as the API says it.
 */
export function refusalMessage(error: Failure, view: OrderView, input: CreateRefundInput): string {
  const left = error.details?.maximum_refundable;
  if (error.code !== 'refund_amount_invalid' || typeof left !== 'number') return error.message;
  const loc = error.loc ?? [];
  const index = loc.find((part) => typeof part === 'number');
  const lineId = typeof index === 'number' ? input.line_items?.[index]?.line_item_id : undefined;
  const line = view.lines.find((l) => l.id === lineId);
  const what = line ? ` of ${line.name}` : (PART_LEFT[String(loc.at(-1))] ?? '');
  return left === 0
    ? `Nothing is left to refund${what}.`
    : `At most ${formatMoney(left, view.order.currency)} is left to refund${what}.`;
}

/** What the refund would do; confirming sends exactly these fields again. */
export function renderRefundPreview(input: {
  frame: ConsoleFrame;
  nonce: string;
  view: OrderView;
  plan: RefundPlan;
  fields: Readonly<Record<string, string>>;
  attempt: string;
}): string {
  const { frame: f, view, plan } = input;
  const m = (a: number) => formatMoney(a, view.order.currency);
  const method = (input.fields.method ?? 'original_payment_method') as RefundMethod;
  const offline = isOffline(method);
  const names = new Map(view.lines.map((l) => [l.id, l.name]));
  const rows = plan.itemized
    ? plan.itemized.lines.map(
        (l) =>
          html`<tr><td>${names.get(l.lineId) ?? l.lineId}</td><td class="num">${m(l.amount)}</td><td class="num">${m(l.tax)}</td></tr>`,
      )
    : [];
  const hidden = Object.entries(input.fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  );
  return frame(
    'Preview refund',
    f,
    input.nonce,
    html`<h1>Refund ${m(plan.amount)} of order ${view.order.id}?</h1>
<section class="panel" aria-labelledby="preview-title"><h2 id="preview-title">Preview</h2>
${rows.length ? html`<table><thead><tr><th scope="col">Line</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Tax</th></tr></thead><tbody>${rows}</tbody></table>` : ''}
<dl class="totals">
${plan.itemized ? html`<dt>Shipping</dt><dd>${m(plan.itemized.shipping)}</dd><dt>Tax</dt><dd>${m(plan.itemized.tax)}</dd>` : ''}
<dt class="total">Refund</dt><dd class="total">${m(plan.amount)}</dd>
<dt>Still refundable after it</dt><dd>${m(plan.remaining)}</dd>
<dt>How</dt><dd>${METHOD_LABELS[method]}</dd>
</dl>
${offline ? html`<p>Recorded only: Flint sends nothing to the card processor. Confirm once the money is back with the customer; the refund counts as succeeded at once.</p>` : ''}
<form method="post" action="/console/orders/${view.order.id}/refund?mode=${f.mode}">
<input type="hidden" name="csrf_token" value="${f.csrfToken}">
<input type="hidden" name="attempt" value="${input.attempt}">
${hidden}
<button type="submit">${offline ? 'Record offline refund of' : 'Confirm refund of'} ${m(plan.amount)}</button>
</form>
<a class="back" href="/console/orders/${view.order.id}?mode=${f.mode}">Back to the order</a>
</section>`,
  );
}

/** The buttons for the next actions that Flint can do from here (for users who may refund). */
function actionButtons(f: ConsoleFrame, r: ReturnType<typeof refundResource>): Html {
  const buttons: Html[] = [];
  if (r.status === 'pending') {
    buttons.push(html`<form method="post" action="/console/refunds/${r.refund_id}/cancel?mode=${f.mode}">
<input type="hidden" name="csrf_token" value="${f.csrfToken}">
<button type="submit" class="secondary">Cancel this refund</button></form>`);
  }
  const retry = r.next_actions.some(
    (a) => a.action === 'retry_after_top_up' || a.action === 'retry_refund',
  );
  if (r.status === 'failed' && retry) {
    const amount = formatDecimal({ units: BigInt(r.amount), scale: currencyExponent(r.currency) });
    buttons.push(html`<form method="post" action="/console/orders/${r.order_id}/refund/preview?mode=${f.mode}">
<input type="hidden" name="csrf_token" value="${f.csrfToken}">
<input type="hidden" name="kind" value="amount"><input type="hidden" name="amount" value="${amount}">
<input type="hidden" name="reason" value="${r.reason ?? ''}">
<input type="hidden" name="note" value="${`Again after ${r.refund_id}`}">
<input type="hidden" name="replaces_refund_id" value="${r.refund_id}">
<button type="submit">Refund again (preview)</button></form>`);
  }
  if (r.next_actions.some((a) => a.action === 'record_offline_refund')) {
    const amount = formatDecimal({ units: BigInt(r.amount), scale: currencyExponent(r.currency) });
    buttons.push(html`<form method="post" action="/console/orders/${r.order_id}/refund/preview?mode=${f.mode}" aria-label="Record an offline refund">
<input type="hidden" name="csrf_token" value="${f.csrfToken}">
<input type="hidden" name="kind" value="amount"><input type="hidden" name="amount" value="${amount}">
<input type="hidden" name="reason" value="${r.reason ?? ''}">
<input type="hidden" name="note" value="${`Returned outside Flint after ${r.refund_id} failed`}">
<input type="hidden" name="replaces_refund_id" value="${r.refund_id}">
<label for="offline-method">Returned how</label><select id="offline-method" name="method">${methodOptions(OFFLINE_REFUND_METHODS)}</select>
<button type="submit" class="secondary">Record an offline refund (preview)</button></form>`);
  }
  return html`${buttons}`;
}

/** A failed refund whose place another took: nothing to do here, or follow that one. */
function replacedBy(f: ConsoleFrame, other: { readonly id: string; readonly status: string }) {
  const link = html`<a href="/console/refunds/${other.id}?mode=${f.mode}">${other.id}</a>`;
  return other.status === 'failed'
    ? html`<p>Tried again as refund ${link}, which failed too: act on that one.</p>`
    : html`<p>Made good by refund ${link} (${other.status}): nothing more to do here.</p>`;
}

/** A refund's page: status, failure in plain words, next actions, reference number. */
export function renderRefund(input: {
  frame: ConsoleFrame;
  nonce: string;
  refund: RefundAggregate;
  /** Whether the user may act on it (not a viewer). */
  mayAct: boolean;
  /** The refund that took this failed one's place (not canceled), if any. */
  replacement: { readonly id: string; readonly status: string } | null;
}): string {
  const { frame: f } = input;
  const r = refundResource(input.refund);
  const m = (a: number) => formatMoney(a, r.currency);
  const actions = r.next_actions.map((a) => html`<li>${a.description}</li>`);
  return frame(
    r.refund_id,
    f,
    input.nonce,
    html`<h1>Refund <span class="id">${r.refund_id}</span> ${statusBadge(r.status)}</h1>
<section class="panel"><dl class="totals">
<dt>Order</dt><dd><a href="/console/orders/${r.order_id}?mode=${f.mode}">${r.order_id}</a></dd>
<dt>Amount</dt><dd>${m(r.amount)}</dd>
<dt>Refunded so far</dt><dd>${m(r.amount_refunded)}</dd>
<dt>How</dt><dd>${METHOD_LABELS[r.method]}</dd>
<dt>Reason</dt><dd>${r.reason ?? '—'}</dd>
<dt>Note</dt><dd>${r.metadata.note ?? '—'}</dd>
${r.replaces_refund_id ? html`<dt>Makes good</dt><dd><a href="/console/refunds/${r.replaces_refund_id}?mode=${f.mode}">${r.replaces_refund_id}</a> (failed)</dd>` : ''}
<dt>Failure</dt><dd>${r.failure_reason ? r.failure_reason.replaceAll('_', ' ') : '—'}</dd>
<dt>Reference (${r.reference_type.replaceAll('_', ' ')})</dt><dd>${r.reference_id ?? 'not yet'} (${r.reference_status})</dd>
</dl>
${
  input.replacement
    ? replacedBy(f, input.replacement)
    : actions.length
      ? html`<h2>What to do now</h2><ul>${actions}</ul>`
      : ''
}
${input.mayAct && !input.replacement ? actionButtons(f, r) : ''}
</section>`,
  );
}

/** Every refund of the mode, newest first, filtered by status. */
export function renderRefunds(input: {
  frame: ConsoleFrame;
  nonce: string;
  status: string;
  refunds: readonly RefundAggregate[];
  nextCursor: string | null;
}): string {
  const { frame: f } = input;
  const rows = input.refunds
    .map(refundResource)
    .map((r) => [
      idLink(`/console/refunds/${r.refund_id}?mode=${f.mode}`, r.refund_id),
      statusBadge(r.status),
      formatMoney(r.amount, r.currency),
      r.failure_reason ? statusWords(r.failure_reason) : '—',
      html`<span class="nowrap">${r.reference_id ?? '—'}</span>`,
      idLink(`/console/orders/${r.order_id}?mode=${f.mode}`, r.order_id),
    ]);
  const query = html`mode=${f.mode}&status=${input.status}`;
  const next = nextPageLink('/console/refunds', query, input.nextCursor);
  return frame(
    'Refunds',
    f,
    input.nonce,
    html`<h1>Refunds</h1>
<form method="get" action="/console/refunds" class="panel" aria-label="Filter refunds">
<input type="hidden" name="mode" value="${f.mode}">
<label for="status">Status</label>
<select id="status" name="status">${statusOptions(REFUND_STATUSES, input.status)}</select>
<button type="submit">Filter</button></form>
<div class="panel">${dataTable({
      caption: countOf(input.refunds.length, 'refund') + (input.nextCursor ? ' on this page' : ''),
      columns: [
        { label: 'Refund' },
        { label: 'Status' },
        { label: 'Amount', num: true },
        { label: 'Failure' },
        { label: 'Reference' },
        { label: 'Order' },
      ],
      rows,
      empty: 'No refunds.',
    })}${next}</div>`,
  );
}
