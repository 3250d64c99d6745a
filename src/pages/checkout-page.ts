import type { CheckoutPage } from '../app/checkout/hosted-checkout.js';
import { formatMoney } from '../domain/money-format.js';
import { orderResource } from '../resources/order.js';
import { paymentCardLabel } from './card-label.js';
import { completeOrderPanel } from './checkout-complete-form.js';
import { ONCE_SCRIPT, SANDBOX_FORM_SCRIPT, STRIPE_FORM_SCRIPT } from './checkout-script.js';
import { type Html, html, layout } from './html.js';

// The hosted checkout page: what is being bought (exactly as the API prices it) and the
// form that pays it. Pure: a page model in, HTML out.

export type FormField = 'email' | 'card_number' | 'card_expiry' | 'card_cvc' | 'quantity';

const LABELS: Record<FormField, string> = {
  email: 'Email',
  card_number: 'Card number',
  card_expiry: 'Expiry date',
  card_cvc: 'Security code (CVC)',
  quantity: 'Quantity',
};

/** What the buyer typed (never the card) and what was wrong with it. */
export interface FormState {
  readonly email: string;
  readonly errors: Partial<Record<FormField, string>>;
  /** A message about the whole payment (a decline), shown above the form. */
  readonly alert?: string | undefined;
  /** The quantity the buyer typed, shown again when it was refused. */
  readonly quantity?: string | undefined;
}

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

/** The merchant's name, and a badge in test mode. */
export function header(page: CheckoutPage): Html {
  const test = page.tenant.mode === 'test';
  return html`<header><p class="merchant">${page.merchantName}${
    test ? html`<span class="badge">Test mode</span>` : ''
  }</p></header>`;
}

/** The order as the API computes it: lines, discounts, taxes, shipping, tip, total. */
export function orderSummary(page: CheckoutPage, extra: Html | '' = ''): Html {
  const order = orderResource(page.view.order);
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
  if (net.paid_money.amount > 0) {
    rows.push(html`<dt>Already paid</dt><dd>${m(-net.paid_money.amount)}</dd>`);
    rows.push(
      html`<dt class="total">Amount due</dt><dd class="total">${m(net.balance_money.amount)}</dd>`,
    );
  }
  return html`<section class="panel" aria-labelledby="summary-title">
<h2 id="summary-title">Order summary</h2>
<ul class="lines">${lines}</ul>
<dl class="totals">${rows}</dl>
${extra}</section>`;
}

function input(name: FormField, form: FormState, attributes: Html, hint?: Html): Html {
  const error = form.errors[name];
  const describedBy = [`${name}-error`, hint ? `${name}-hint` : ''].filter(Boolean).join(' ');
  return html`<label for="${name}">${LABELS[name]}</label>
<input id="${name}" name="${name}" ${attributes} aria-describedby="${describedBy}"${
    error ? html` aria-invalid="true"` : ''
  }>
${hint ? html`<div class="hint" id="${name}-hint">${hint}</div>` : ''}<p class="field-error" id="${name}-error">${error ?? ''}</p>`;
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
${input(
  'quantity',
  form,
  html`type="number" inputmode="numeric" min="${minimum}" max="${maximum}" step="1" required value="${value}"`,
  html`From ${minimum} to ${maximum}`,
)}
<button type="submit" class="secondary">Update</button>
</form>`;
}

function errorSummary(form: FormState): Html {
  const entries = Object.entries(form.errors) as [FormField, string][];
  const items = entries.map(([name, message]) => html`<li><a href="#${name}">${message}</a></li>`);
  const content =
    form.alert || items.length > 0
      ? html`${form.alert ? html`<p>${form.alert}</p>` : html`<p>Check the highlighted fields:</p>`}${
          items.length > 0 ? html`<ul>${items}</ul>` : ''
        }`
      : '';
  return html`<div id="form-errors" class="alert" role="alert" tabindex="-1">${content}</div>`;
}

const TEST_CARD_HINT = html`<details><summary>Test cards</summary>
<p>4242 4242 4242 4242 pays · 4000 0000 0000 0002 is declined · 4000 0000 0000 9995 has insufficient funds · 4000 0025 0000 3155 asks for 3-D Secure. Any future expiry, any 3-digit CVC.</p></details>`;

function sandboxFields(input_: CheckoutPageInput): Html {
  const { form } = input_;
  const test = input_.page.tenant.mode === 'test';
  return html`${input(
    'card_number',
    form,
    html`type="text" inputmode="numeric" autocomplete="cc-number" maxlength="23" required`,
    test ? TEST_CARD_HINT : undefined,
  )}
<div class="row"><div>${input(
    'card_expiry',
    form,
    html`type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY" maxlength="7" required`,
  )}</div><div>${input(
    'card_cvc',
    form,
    html`type="text" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required`,
  )}</div></div>`;
}

function stripeFields(form: FormState): Html {
  return html`<p class="label" id="card-label">Card</p>
<div id="card-element" role="group" aria-labelledby="card-label"></div>
<p class="field-error" id="card-error" role="alert">${form.errors.card_number ?? ''}</p>
<input type="hidden" name="payment_method" value="">
<noscript><p class="alert">Paying by card needs JavaScript: the card is collected by Stripe.</p></noscript>`;
}

export function renderCheckoutPage(input_: CheckoutPageInput): string {
  const { page, form, nonce } = input_;
  const { session } = page.view;
  const net = page.view.order.pricing.net;
  const amount = formatMoney(net.balance, page.view.order.order.currency);
  const free = page.nothingToPay;
  const stripe = !free && input_.stripePublishableKey !== undefined;
  const label = `Pay ${amount}`;
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
${errorSummary(form)}
<form id="pay-form" method="post" action="/checkout/${session.id}/pay" novalidate${
        stripe ? html` data-publishable-key="${input_.stripePublishableKey}"` : ''
      }>
<input type="hidden" name="csrf_token" value="${input_.csrfToken}">
<input type="hidden" name="attempt" value="${input_.attempt}">
${input('email', form, html`type="email" autocomplete="email" maxlength="254" required value="${form.email}"`)}
${stripe ? stripeFields(form) : sandboxFields(input_)}
<button type="submit" data-label="${label}">${label}</button>
</form>
${cancel ? html`<a class="back" href="${cancel.url}">Cancel and return to ${merchant}</a>` : ''}
</section>`;
  const body = html`<main>
${header(page)}
<h1>Checkout</h1>
<div class="grid">
${orderSummary(page, quantityForm(input_))}
${panel}
</div>
</main>`;
  return layout({
    title: `Pay ${page.merchantName || 'checkout'}`.trim(),
    nonce,
    body,
    script: free ? ONCE_SCRIPT : stripe ? STRIPE_FORM_SCRIPT : SANDBOX_FORM_SCRIPT,
    scriptSources: stripe ? ['https://js.stripe.com/v3/'] : undefined,
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
  const message = complete
    ? html`${received}${paidWith(page)}
<p><a href="${successUrl(session.success_url, session.id)}">Continue</a></p>`
    : html`<p>This checkout session is no longer open, so nothing can be paid here. Please return to ${
        page.merchantName || 'the merchant'
      } to start again.</p>${
        session.cancel_url ? html`<p><a href="${session.cancel_url}">Return</a></p>` : ''
      }`;
  return layout({
    title,
    nonce,
    body: html`<main>${header(page)}<div class="panel"><h1>${title}</h1>${message}</div>
${orderSummary(page)}</main>`,
  });
}

/** "Paid with Visa •••• 4242": the cards of the payments that succeeded, once each. */
function paidWith(page: CheckoutPage): Html | '' {
  const labels = new Set(
    page.view.order.payments
      .filter((p) => p.status === 'succeeded')
      .flatMap((p) => paymentCardLabel(p) ?? []),
  );
  if (labels.size === 0) return '';
  return html`<p id="paid-with">Paid with ${[...labels].join(' and ')}</p>`;
}

/** Where the buyer goes after paying: the session's `success_url` with `session_id`. */
export function successUrl(url: string, sessionId: string): string {
  const target = new URL(url);
  target.searchParams.set('session_id', sessionId);
  return target.toString();
}

/** What the buyer is told when the card is declined: what happened and what to do. */
export function declineMessage(code: string): string {
  switch (code) {
    case 'insufficient_funds':
      return 'Your card has insufficient funds. Try another card.';
    case 'expired_card':
      return 'Your card has expired. Check the expiry date or try another card.';
    case 'incorrect_cvc':
      return "Your card's security code is incorrect. Check it and try again.";
    case 'authentication_failed':
      return 'Your bank could not confirm this payment. Try again or use another card.';
    case 'processing_error':
      return 'An error occurred while processing your card. Try again in a moment.';
    case 'processor_authentication_failed':
      return 'Card payments are not available right now. Please try again later.';
    default:
      return 'Your card was declined. Try another card, or contact your bank.';
  }
}
