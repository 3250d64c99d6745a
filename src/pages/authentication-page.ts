import type { PayingPage } from '../app/checkout/hosted-payment.js';
import { formatMoney } from '../domain/money-format.js';
import { header } from './card-form.js';
import { ONCE_SCRIPT, STRIPE_ACTION_SCRIPT } from './checkout-script.js';
import { type EmbedFrame, framed } from './embedded-frame.js';
import { type Html, html, layout } from './html.js';

// The buyer's 3-D Secure step. In sandbox mode, a simulated bank challenge: the buyer
// completes or fails it. In Stripe mode, Stripe's own challenge runs, then the form tells
// Flint to record the outcome. The same step for every hosted page that takes a card.

export interface AuthenticationPageInput {
  readonly page: PayingPage;
  /** Where the answer posts (the page's own `/authenticate`). */
  readonly action: string;
  /** What is being paid, beside the step (the order's or the invoice's summary). */
  readonly summary: Html;
  readonly nonce: string;
  readonly csrfToken: string;
  /** Stripe mode: Stripe.js needs the publishable key and the payment's client secret. */
  readonly stripe?: { readonly publishableKey: string; readonly clientSecret: string } | undefined;
  /** An embedded checkout's frame, when the step is shown in the merchant's page. */
  readonly embed?: EmbedFrame | undefined;
}

export function renderAuthenticationPage(input: AuthenticationPageInput): string {
  const { page, nonce, csrfToken } = input;
  const { action } = input;
  const waiting = page.waiting;
  const amount = waiting ? formatMoney(waiting.amount, waiting.currency) : '';
  const form = input.stripe
    ? html`<form id="action-form" method="post" action="${action}" data-publishable-key="${input.stripe.publishableKey}" data-client-secret="${input.stripe.clientSecret}">
<input type="hidden" name="csrf_token" value="${csrfToken}">
<input type="hidden" name="result" value="stripe">
<p>Your bank's confirmation window opens here.</p>
<button type="submit">Continue</button>
</form>`
    : html`<p class="hint">Test mode: this is the sandbox's simulated bank page. A real bank would ask you to confirm with its app or a code.</p>
<form method="post" action="${action}">
<input type="hidden" name="csrf_token" value="${csrfToken}">
<input type="hidden" name="result" value="succeed">
<button type="submit">Complete authentication</button>
</form>
<form method="post" action="${action}">
<input type="hidden" name="csrf_token" value="${csrfToken}">
<input type="hidden" name="result" value="fail">
<button type="submit" class="secondary">Fail authentication</button>
</form>`;
  const body = html`<main>
${header(page)}
<div class="grid">
<section class="panel" aria-labelledby="auth-title">
<h1 id="auth-title">Confirm your payment</h1>
<p>Your bank asks you to confirm the payment of ${amount} to ${page.merchantName || 'the merchant'}.</p>
${form}
</section>
${input.summary}
</div>
</main>`;
  return layout({
    title: 'Confirm your payment',
    nonce,
    ...framed(input.embed, { body, script: input.stripe ? STRIPE_ACTION_SCRIPT : ONCE_SCRIPT }),
    scriptSources: input.stripe ? ['https://js.stripe.com/v3/'] : undefined,
  });
}
