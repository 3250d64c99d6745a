import type { CheckoutPage } from '../app/checkout/hosted-checkout.js';
import { formatMoney } from '../domain/money-format.js';
import { type OrderView, orderResource } from '../resources/order.js';
import {
  cardForm,
  cardFormScript,
  type FormState,
  formInput,
  header,
  paidWith,
} from './card-form.js';
import { completeOrderPanel } from './checkout-complete-form.js';
import { ONCE_SCRIPT } from './checkout-script.js';
import { afterPaymentUrl, embedFrameOf, framed } from './embedded-frame.js';
import { type Html, html, layout } from './html.js';

// The hosted checkout page: what is being bought (exactly as the API prices it) and the
// form that pays it. Pure: a page model in, HTML out.

export interface CheckoutPageInput {
  readonly page: CheckoutPage;
  readonly nonce: string;
  readonly csrfToken: string;
  /** This rendering's attempt id: a double submit of it charges once. */
  readonly attempt: string;
  readonly form: FormState;
  /** Stripe mode: the account's publishable key for Stripe.js. */
  readonly stripePublishableKey?: string | undefined;
}

/**
 * The order as the API computes it: lines, discounts, taxes, shipping, tip, total (and
 * `extra` rows after the total, `after` below them).
 */
export function orderSummary(
  view: OrderView,
  options: {
    readonly title?: string;
    readonly extra?: readonly Html[];
    readonly after?: Html | '';
  } = {},
): Html {
  const order = orderResource(view);
  const c = order.currency;
  const net = order.net_amounts;
  const m = (amount: number) => formatMoney(amount, c);
  const lines = order.line_items.map(
    (line) =>
      html`<li><span>${line.name}<span class="qty">${line.quantity} × ${m(line.unit_price_money.amount)}</span></span><span>${m(line.gross_money.amount)}</span></li>`,
  );
  const rows: Html[] = [html`<dt>Subtotal</dt><dd>${m(net.subtotal_money.amount)}</dd>`];
  for (const coupon of order.coupons) {
    rows.push(
      html`<dt>Discount${coupon.code ? html` (${coupon.code})` : ''}</dt><dd>${m(-coupon.discount_money.amount)}</dd>`,
    );
  }
  for (const tax of order.taxes) {
    const name = tax.display_name ?? 'Tax';
    const rate = tax.percentage ? ` ${tax.percentage}%` : '';
    const included = tax.inclusive ? ' (included)' : '';
    rows.push(html`<dt>${name}${rate}${included}</dt><dd>${m(tax.amount_money.amount)}</dd>`);
  }
  if (order.taxes.length === 0 && net.tax_money.amount > 0) {
    rows.push(html`<dt>Tax</dt><dd>${m(net.tax_money.amount)}</dd>`);
  }
  if (net.shipping_money.amount > 0) {
    rows.push(html`<dt>Shipping</dt><dd>${m(net.shipping_money.amount)}</dd>`);
  }
  if (net.tip_money.amount > 0) rows.push(html`<dt>Tip</dt><dd>${m(net.tip_money.amount)}</dd>`);
  rows.push(html`<dt class="total">Total</dt><dd class="total">${m(net.total_money.amount)}</dd>`);
  if (options.extra) {
    rows.push(...options.extra);
  } else if (net.paid_money.amount > 0) {
    rows.push(html`<dt>Already paid</dt><dd>${m(-net.paid_money.amount)}</dd>`);
    rows.push(
      html`<dt class="total">Amount due</dt><dd class="total">${m(net.balance_money.amount)}</dd>`,
    );
  }
  return html`<section class="panel" aria-labelledby="summary-title">
<h2 id="summary-title">${options.title ?? 'Order summary'}</h2>
<ul class="lines">${lines}</ul>
<dl class="totals">${rows}</dl>
${options.after ?? ''}</section>`;
}

/** A payment link's adjustable quantity: a plain form, so it works without the script. */
function quantityForm(input_: CheckoutPageInput): Html | '' {
  const { page, form } = input_;
  const control = page.quantity;
  if (!control) return '';
  const { minimum, maximum } = control;
  const value = form.quantity ?? String(control.quantity);
  return html`<form id="quantity-form" class="quantity" method="post" action="/checkout/${page.view.session.id}/quantity" novalidate>
<input type="hidden" name="csrf_token" value="${input_.csrfToken}">
${formInput(
  'quantity',
  form,
  html`type="number" inputmode="numeric" min="${minimum}" max="${maximum}" step="1" required value="${value}"`,
  html`From ${minimum} to ${maximum}`,
)}
<button type="submit" class="secondary">Update</button>
</form>`;
}

export function renderCheckoutPage(input_: CheckoutPageInput): string {
  const { page, form, nonce } = input_;
  const { session } = page.view;
  const net = page.view.order.pricing.net;
  const amount = formatMoney(net.balance, page.view.order.order.currency);
  const free = page.nothingToPay;
  const stripe = !free && input_.stripePublishableKey !== undefined;
  const merchant = page.merchantName || 'the merchant';
  const cancel = session.cancel_url ? { url: session.cancel_url, merchant } : undefined;
  const panel = free
    ? completeOrderPanel({
        sessionId: session.id,
        csrfToken: input_.csrfToken,
        attempt: input_.attempt,
        alert: form.alert,
        cancel,
      })
    : html`<section class="panel" aria-labelledby="pay-title">
<h2 id="pay-title">Pay with card</h2>
${cardForm({
  page,
  action: `/checkout/${session.id}/pay`,
  csrfToken: input_.csrfToken,
  attempt: input_.attempt,
  form,
  label: `Pay ${amount}`,
  stripePublishableKey: input_.stripePublishableKey,
})}
${cancel ? html`<a class="back" href="${cancel.url}">Cancel and return to ${merchant}</a>` : ''}
</section>`;
  const body = html`<main>
${header(page)}
<h1>Checkout</h1>
<div class="grid">
${orderSummary(page.view.order, { after: quantityForm(input_) })}
${panel}
</div>
</main>`;
  const scripts = free ? { script: ONCE_SCRIPT } : cardFormScript(stripe);
  return layout({
    title: `Pay ${page.merchantName || 'checkout'}`.trim(),
    nonce,
    ...scripts,
    ...framed(embedFrameOf(session), { body, script: scripts.script }),
  });
}

/** A session that takes no more payment: paid, or expired. */
export function renderClosedPage(page: CheckoutPage, nonce: string): string {
  const { session } = page.view;
  const complete = session.status === 'complete';
  // An order with nothing to pay was completed without a payment.
  const free = page.view.order.order.paid === 0;
  const title = !complete
    ? 'This checkout has expired'
    : free
      ? 'Order complete'
      : 'Payment complete';
  const received = free
    ? html`<p>Thank you. Your order with ${page.merchantName || 'the merchant'} is complete.</p>`
    : html`<p>Thank you. Your payment to ${page.merchantName || 'the merchant'} was received.</p>`;
  // Framed (embedded), Continue leaves the frame: the merchant's page goes on.
  const target = session.ui_mode === 'embedded' ? html` target="_top"` : '';
  const message = complete
    ? html`${received}${paidWith(page.view.order.payments)}
<p><a id="continue" href="${afterPaymentUrl(session)}"${target}>Continue</a></p>`
    : html`<p>This checkout session is no longer open, so nothing can be paid here. Please return to ${
        page.merchantName || 'the merchant'
      } to start again.</p>${
        session.cancel_url ? html`<p><a href="${session.cancel_url}">Return</a></p>` : ''
      }`;
  return layout({
    title,
    nonce,
    ...framed(embedFrameOf(session), {
      body: html`<main>${header(page)}<div class="panel"><h1>${title}</h1>${message}</div>
${orderSummary(page.view.order)}</main>`,
    }),
  });
}
