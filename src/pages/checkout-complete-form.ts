import { type Html, html } from './html.js';

// The hosted checkout's panel for an order with nothing to pay (a 100 % coupon, free
// lines): no card form, one button that completes the order. The same CSRF token and
// attempt id as the card form; the server decides again that nothing is to pay.

export interface CompleteOrderPanel {
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly attempt: string;
  /** A message about the whole form (the order changed meanwhile), shown above it. */
  readonly alert?: string | undefined;
  /** Where "Cancel" goes back to, with the merchant's name. */
  readonly cancel?: { readonly url: string; readonly merchant: string } | undefined;
}

export function completeOrderPanel(p: CompleteOrderPanel): Html {
  return html`<section class="panel" aria-labelledby="pay-title">
<h2 id="pay-title">Nothing to pay</h2>
<div id="form-errors" class="alert" role="alert" tabindex="-1">${p.alert ? html`<p>${p.alert}</p>` : ''}</div>
<p id="nothing-to-pay">This order’s total is zero: no card is needed.</p>
<form id="complete-form" method="post" action="/checkout/${p.sessionId}/pay">
<input type="hidden" name="csrf_token" value="${p.csrfToken}">
<input type="hidden" name="attempt" value="${p.attempt}">
<button type="submit">Complete order</button>
</form>
${p.cancel ? html`<a class="back" href="${p.cancel.url}">Cancel and return to ${p.cancel.merchant}</a>` : ''}
</section>`;
}
