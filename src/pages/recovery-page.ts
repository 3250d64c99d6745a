import type { RecoveryPage } from '../app/recovery-links/recovery-page.js';
import { formatMoney } from '../domain/money-format.js';
import { type CardFormOffer, cardForm, cardFormScript, header, paidWith } from './card-form.js';
import { orderSummary } from './checkout-page.js';
import { type Html, html, layout } from './html.js';

// The recovery link's page: the order as its buyer sees it, what is paid and what is left,
// and — while the balance can be paid — the same card form as checkout; a receipt once
// paid; a plain notice when the link expired, was deactivated or the order closed. Pure.

export interface RecoveryPageInput {
  readonly page: RecoveryPage;
  readonly nonce: string;
  /** While it takes a payment: the card form's CSRF token, attempt and state. */
  readonly payment?: CardFormOffer | undefined;
  readonly notice?: string | undefined;
}

const money = (page: RecoveryPage) => (amount: number) =>
  formatMoney(amount, page.order.order.currency);

/** The order's lines and totals, with what is paid and the balance left. */
export function recoverySummary(page: RecoveryPage): Html {
  const m = money(page);
  const net = page.order.pricing.net;
  return orderSummary(page.order, {
    title: 'Your order',
    extra: [
      html`<dt>Paid</dt><dd id="amount-paid">${m(page.order.order.paid)}</dd>`,
      html`<dt class="total">Left to pay</dt><dd class="total" id="balance">${m(Math.max(net.balance, 0))}</dd>`,
    ],
  });
}

function notice(id: string, title: string, text: string): Html {
  return html`<section class="panel alert" id="${id}" role="status"><h2>${title}</h2><p>${text}</p></section>`;
}

/** Where the link stands: the card form, a receipt, or why it takes no payment. */
function standing(input: RecoveryPageInput): Html {
  const { page } = input;
  const m = money(page);
  const merchant = page.merchantName || 'The merchant';
  switch (page.state) {
    case 'paid':
      return html`<section class="panel" id="receipt" aria-labelledby="receipt-title">
<h2 id="receipt-title">Receipt</h2>
<p>Paid ${m(page.order.order.paid)} in all. Thank you: nothing is left to pay.</p>
${paidWith(page.order.payments)}</section>`;
    case 'expired':
      return notice(
        'expired-notice',
        'This link has expired',
        `Nothing was charged. Ask ${merchant} for a new link.`,
      );
    case 'deactivated':
      return notice(
        'deactivated-notice',
        'This link is no longer active',
        `${merchant} turned this link off: nothing can be paid here.`,
      );
    case 'closed':
      return notice(
        'closed-notice',
        'Nothing to pay here',
        `This order has nothing left to pay through this link.`,
      );
    case 'held':
      return notice(
        'held-notice',
        'A payment is under way',
        'Another payment of this order is being completed. Nothing was charged: reload this page in a few minutes.',
      );
    case 'open': {
      const payment = input.payment;
      if (!payment) return html``;
      return html`<section class="panel" aria-labelledby="pay-title">
<h2 id="pay-title">Pay with card</h2>
${cardForm({
  page,
  action: `/recover/${page.token}/pay`,
  csrfToken: payment.csrfToken,
  attempt: payment.attempt,
  form: payment.form,
  label: `Pay ${m(page.order.pricing.net.balance)}`,
  stripePublishableKey: payment.stripePublishableKey,
})}</section>`;
    }
  }
}

export function renderRecoveryPage(input: RecoveryPageInput): string {
  const { page, nonce } = input;
  const m = money(page);
  const lead =
    page.state === 'paid'
      ? 'Paid'
      : page.state === 'open' || page.state === 'held'
        ? `${m(page.order.pricing.net.balance)} left to pay`
        : 'No payment is taken here';
  const body = html`<main>
${header(page)}
<h1>Complete your payment</h1>
<p class="lead" id="link-status">${lead}</p>
${input.notice ? html`<p class="notice" role="status" id="notice">${input.notice}</p>` : ''}
<div class="grid">
<div>${standing(input)}</div>
<div>${recoverySummary(page)}</div>
</div>
</main>`;
  const payable = input.payment !== undefined && page.state === 'open';
  return layout({
    title: `Complete your payment · ${page.merchantName}`.trim(),
    nonce,
    body,
    ...(payable ? cardFormScript(input.payment?.stripePublishableKey !== undefined) : {}),
  });
}
