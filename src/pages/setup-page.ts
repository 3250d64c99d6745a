import type { SetupPage } from '../app/checkout/hosted-setup.js';
import { paymentCardOf } from '../resources/payment-intent.js';
import { cardForm, cardFormScript, type FormState, header } from './card-form.js';
import { cardLabel } from './card-label.js';
import { afterPaymentUrl } from './embedded-frame.js';
import { type Html, html, layout } from './html.js';

// A setup session's page (`mode: "setup"`): the customer adds or replaces the card the
// merchant charges later, on the shared card form. Nothing is charged. Pure: HTML out.

export interface SetupPageInput {
  readonly page: SetupPage;
  readonly nonce: string;
  readonly csrfToken: string;
  /** This rendering's attempt id: a double submit of it saves the card once. */
  readonly attempt: string;
  readonly form: FormState;
  /** Stripe mode: the account's publishable key for Stripe.js. */
  readonly stripePublishableKey?: string | undefined;
}

/** Who the card is saved for, as the merchant knows them. */
function customerPanel(page: SetupPage): Html {
  const { customer } = page;
  const merchant = page.merchantName || 'The merchant';
  const who = customer.name ?? customer.email;
  return html`<section class="panel" aria-labelledby="customer-title">
<h2 id="customer-title">Your card on file</h2>
${who ? html`<p id="customer">For <strong>${who}</strong>${customer.name && customer.email ? html` (${customer.email})` : ''}</p>` : ''}
<p>${merchant} will keep this card to charge your future payments (renewals, invoices). Nothing is charged now; it replaces the card they charge by default.</p>
</section>`;
}

export function renderSetupPage(input: SetupPageInput): string {
  const { page, form, nonce } = input;
  const { session } = page;
  const stripe = input.stripePublishableKey !== undefined;
  const merchant = page.merchantName || 'the merchant';
  const body = html`<main>
${header(page)}
<h1>Save a card</h1>
<div class="grid">
${customerPanel(page)}
<section class="panel" aria-labelledby="pay-title">
<h2 id="pay-title">Card details</h2>
${cardForm({
  page,
  action: `/checkout/${session.id}/pay`,
  csrfToken: input.csrfToken,
  attempt: input.attempt,
  form,
  label: 'Save card',
  stripePublishableKey: input.stripePublishableKey,
})}
${session.cancel_url ? html`<a class="back" href="${session.cancel_url}">Cancel and return to ${merchant}</a>` : ''}
</section>
</div>
</main>`;
  return layout({
    title: `Save a card with ${page.merchantName || 'the merchant'}`,
    nonce,
    body,
    ...cardFormScript(stripe),
  });
}

/** A setup session that takes no more cards: complete (the card saved), or expired. */
export function renderSetupClosedPage(page: SetupPage, nonce: string): string {
  const { session } = page;
  const merchant = page.merchantName || 'the merchant';
  const complete = session.status === 'complete';
  const title = complete ? 'Card saved' : 'This page has expired';
  const saved = page.method && paymentCardOf(page.method);
  const card = saved
    ? html` <span id="saved-card">${cardLabel(saved)}</span> is now your card on file.`
    : '';
  const message = complete
    ? html`<p>Thank you. ${merchant} saved your card.${card}</p>
<p><a id="continue" href="${afterPaymentUrl(session)}">Continue</a></p>`
    : html`<p>This page is no longer open, so no card can be saved here. Please return to ${merchant} to start again.</p>${
        session.cancel_url ? html`<p><a href="${session.cancel_url}">Return</a></p>` : ''
      }`;
  return layout({
    title,
    nonce,
    body: html`<main>${header(page)}<div class="panel"><h1>${title}</h1>${message}</div></main>`,
  });
}
