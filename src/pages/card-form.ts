import type { PaymentIntentRow } from '../adapters/db/schema.js';
import type { PayingPage } from '../app/checkout/hosted-payment.js';
import { paymentCardLabel } from './card-label.js';
import { SANDBOX_FORM_SCRIPT, STRIPE_FORM_SCRIPT } from './checkout-script.js';
import { type Html, html, type LayoutInput } from './html.js';

// The card form every hosted page takes payment with (checkout, the hosted invoice page):
// its fields, their errors, the header above it, what a decline says. Pure: HTML out.

export type FormField =
  | 'email'
  | 'card_number'
  | 'card_expiry'
  | 'card_cvc'
  | 'quantity'
  | 'amount';

const LABELS: Record<FormField, string> = {
  email: 'Email',
  card_number: 'Card number',
  card_expiry: 'Expiry date',
  card_cvc: 'Security code (CVC)',
  quantity: 'Quantity',
  amount: 'Amount to pay',
};

/** What the buyer typed (never the card) and what was wrong with it. */
export interface FormState {
  readonly email: string;
  readonly errors: Partial<Record<FormField, string>>;
  /** A message about the whole payment (a decline), shown above the form. */
  readonly alert?: string | undefined;
  /** The quantity the buyer typed, shown again when it was refused. */
  readonly quantity?: string | undefined;
  /** The amount the buyer typed (a partial payment), shown again when it was refused. */
  readonly amount?: string | undefined;
}

/** The merchant's name, and a badge in test mode. */
export function header(page: Pick<PayingPage, 'tenant' | 'merchantName'>): Html {
  const test = page.tenant.mode === 'test';
  return html`<header><p class="merchant">${page.merchantName}${
    test ? html`<span class="badge">Test mode</span>` : ''
  }</p></header>`;
}

export function formInput(name: FormField, form: FormState, attributes: Html, hint?: Html): Html {
  const error = form.errors[name];
  const describedBy = [`${name}-error`, hint ? `${name}-hint` : ''].filter(Boolean).join(' ');
  return html`<label for="${name}">${LABELS[name]}</label>
<input id="${name}" name="${name}" ${attributes} aria-describedby="${describedBy}"${
    error ? html` aria-invalid="true"` : ''
  }>
${hint ? html`<div class="hint" id="${name}-hint">${hint}</div>` : ''}<p class="field-error" id="${name}-error">${error ?? ''}</p>`;
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

function sandboxFields(form: FormState, test: boolean): Html {
  return html`${formInput(
    'card_number',
    form,
    html`type="text" inputmode="numeric" autocomplete="cc-number" maxlength="23" required`,
    test ? TEST_CARD_HINT : undefined,
  )}
<div class="row"><div>${formInput(
    'card_expiry',
    form,
    html`type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY" maxlength="7" required`,
  )}</div><div>${formInput(
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

/** What a page renders its card form with while it takes a payment. */
export interface CardFormOffer {
  readonly csrfToken: string;
  /** This rendering's attempt id: a double submit of it charges once. */
  readonly attempt: string;
  readonly form: FormState;
  /** Stripe mode: the account's publishable key for Stripe.js. */
  readonly stripePublishableKey?: string | undefined;
}

export interface CardFormInput {
  readonly page: PayingPage;
  /** Where the form posts (the page's own `/pay`). */
  readonly action: string;
  readonly csrfToken: string;
  /** This rendering's attempt id: a double submit of it charges once. */
  readonly attempt: string;
  readonly form: FormState;
  /** The button's words ("Pay $25.00"). */
  readonly label: string;
  /** Stripe mode: the account's publishable key for Stripe.js. */
  readonly stripePublishableKey?: string | undefined;
  /** Fields of the page's own before the email (an invoice's amount). */
  readonly extraFields?: Html | undefined;
}

/**
 * The card form every hosted page pays with: the error summary, the email, the card (the
 * sandbox's fields, or Stripe's own element), one submit button. Post it with
 * `cardFormScript`.
 */
export function cardForm(input: CardFormInput): Html {
  const { form, label } = input;
  const stripe = input.stripePublishableKey !== undefined;
  return html`${errorSummary(form)}
<form id="pay-form" method="post" action="${input.action}" novalidate${
    stripe ? html` data-publishable-key="${input.stripePublishableKey}"` : ''
  }>
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<input type="hidden" name="attempt" value="${input.attempt}">
${input.extraFields ?? ''}
${formInput('email', form, html`type="email" autocomplete="email" maxlength="254" required value="${form.email}"`)}
${stripe ? stripeFields(form) : sandboxFields(form, input.page.tenant.mode === 'test')}
<button type="submit" data-label="${label}">${label}</button>
</form>`;
}

/** The card form's script and the outside scripts it needs (Stripe.js in Stripe mode). */
export function cardFormScript(stripe: boolean): Pick<LayoutInput, 'script' | 'scriptSources'> {
  return stripe
    ? { script: STRIPE_FORM_SCRIPT, scriptSources: ['https://js.stripe.com/v3/'] }
    : { script: SANDBOX_FORM_SCRIPT };
}

/** "Paid with Visa •••• 4242": the cards of the payments that succeeded, once each. */
export function paidWith(payments: readonly PaymentIntentRow[]): Html | '' {
  const labels = new Set(
    payments.filter((p) => p.status === 'succeeded').flatMap((p) => paymentCardLabel(p) ?? []),
  );
  if (labels.size === 0) return '';
  return html`<p id="paid-with">Paid with ${[...labels].join(' and ')}</p>`;
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
    case 'authentication_required':
      return 'Your bank asks to confirm this card, which cannot be done on this page yet. Try another card.';
    case 'processor_authentication_failed':
      return 'Card payments are not available right now. Please try again later.';
    default:
      return 'Your card was declined. Try another card, or contact your bank.';
  }
}
