import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { buyerActionOf, type PayingPage } from '../../../app/checkout/hosted-payment.js';
import { takesPayments } from '../../../app/processors/account-processors.js';
import { checkCardForm, sandboxTokenOf } from '../../../domain/card-form.js';
import { renderAuthenticationPage } from '../../../pages/authentication-page.js';
import type { CardFormOffer, FormField, FormState } from '../../../pages/card-form.js';
import type { EmbedFrame } from '../../../pages/embedded-frame.js';
import type { Html, PagePolicy } from '../../../pages/html.js';
import type { Processors } from '../../../ports/payment-processor.js';
import { type Form, formText } from '../../form-fields.js';
import { sendMessagePage, sendPage } from '../../page-reply.js';

// The steps of a card payment on a hosted page, shared by every page that takes one
// (checkout, the hosted invoice page): the posted card form checked, the 3-D Secure step.

const MAX_FIELD = 256;
const ATTEMPT = /^[A-Za-z0-9_-]{22}$/;
const PAYMENT_METHOD = /^pm_[A-Za-z0-9_]{1,200}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A form field of at most MAX_FIELD characters (see formText). */
export function field(form: Form, name: string): string | null {
  return formText(form, name, MAX_FIELD);
}

/** A fresh attempt id for one rendering of a card form (what `attemptOf` reads back). */
export function newAttempt(): string {
  return randomBytes(16).toString('base64url');
}

/** Stripe mode: the publishable key a page loads Stripe.js with (none when nothing is to pay). */
export function stripeKeyOf(
  page: PayingPage & { readonly nothingToPay?: boolean },
): string | undefined {
  return page.processor === 'stripe' && !page.nothingToPay
    ? (page.stripePublishableKey ?? undefined)
    : undefined;
}

/** A page's card form as it is offered now: its CSRF token, a fresh attempt, Stripe's key. */
export function cardFormOffer(
  page: PayingPage,
  { csrfToken, form }: { readonly csrfToken: string; readonly form: FormState },
): CardFormOffer {
  return { csrfToken, attempt: newAttempt(), form, stripePublishableKey: stripeKeyOf(page) };
}

/** The form's attempt id (the payment's request key), if it is one a page rendered. */
export function attemptOf(form: Form): string | null {
  const attempt = field(form, 'attempt');
  return attempt && ATTEMPT.test(attempt) ? attempt : null;
}

/**
 * Whether the page can take a card: live mode needs a real processor, Stripe its
 * publishable key. A page with nothing to pay needs no card, so nothing to set up.
 */
export function setUp(page: PayingPage & { readonly nothingToPay?: boolean }): boolean {
  if (page.nothingToPay) return true;
  if (!takesPayments(page.tenant.mode, page.processor)) return false;
  return page.processor !== 'stripe' || page.stripePublishableKey !== null;
}

/** The merchant cannot take cards yet (live mode without a processor, Stripe without its key). */
export function notSetUp(reply: FastifyReply, framing: Pick<PagePolicy, 'frameAncestors'> = {}) {
  return sendMessagePage(
    reply,
    503,
    'Card payments are not available',
    'This merchant has not finished setting up card payments. Please contact them, or try again later.',
    framing,
  );
}

function checkEmail(email: string): string | undefined {
  const text = email.trim();
  if (text === '') return 'Enter your email address.';
  if (text.length > 254 || !EMAIL.test(text)) {
    return 'Enter an email address like name@example.com.';
  }
  return undefined;
}

/**
 * The email and card checked (sandbox: a test card's token; Stripe: Stripe's payment
 * method id), with `errors` already found by the page (an invoice's amount) kept.
 */
export function checkPaymentForm(
  page: PayingPage,
  {
    body,
    email,
    now,
    errors: found = {},
  }: {
    readonly body: Form;
    readonly email: string;
    readonly now: Date;
    readonly errors?: Partial<Record<FormField, string>>;
  },
): { token: string } | FormState {
  const errors: Partial<Record<FormField, string>> = { ...found };
  const emailError = checkEmail(email);
  if (emailError) errors.email = emailError;
  if (page.processor === 'stripe') {
    const method = field(body, 'payment_method');
    if (!method || !PAYMENT_METHOD.test(method)) errors.card_number = 'Enter your card details.';
    return Object.keys(errors).length > 0 || !method ? { email, errors } : { token: method };
  }
  const card = checkCardForm(
    {
      number: field(body, 'card_number') ?? '',
      expiry: field(body, 'card_expiry') ?? '',
      cvc: field(body, 'card_cvc') ?? '',
    },
    now,
  );
  if (!card.ok) {
    const names = { number: 'card_number', expiry: 'card_expiry', cvc: 'card_cvc' } as const;
    for (const error of card.errors) errors[names[error.field]] = error.message;
    return { email, errors };
  }
  const token = sandboxTokenOf(card.card);
  if (!token) {
    errors.card_number =
      'This checkout takes test cards only, such as 4242 4242 4242 4242. No real card is charged here.';
  }
  return Object.keys(errors).length > 0 || !token ? { email, errors } : { token };
}

/** The buyer's answer posted from the 3-D Secure page; null for anything else. */
export function buyerAnswerOf(form: Form): 'stripe' | 'succeed' | 'fail' | null {
  const result = field(form, 'result');
  return result === 'stripe' || result === 'succeed' || result === 'fail' ? result : null;
}

/**
 * The page of a payment waiting for the buyer's authentication (the sandbox's simulated
 * bank, or Stripe's own challenge). When Stripe has nothing left for the buyer to do,
 * `confirm` records where the payment stands and answers instead.
 */
export async function sendAuthenticationStep(
  reply: FastifyReply,
  step: {
    readonly processors: Processors;
    readonly page: PayingPage;
    readonly csrfToken: string;
    readonly action: string;
    readonly summary: Html;
    /** The page's framing and form targets (see PagePolicy). */
    readonly policy: Pick<PagePolicy, 'formTargets' | 'frameAncestors'>;
    /** An embedded checkout's frame, when the step is shown in the merchant's page. */
    readonly embed?: EmbedFrame | undefined;
    readonly confirm: () => Promise<FastifyReply>;
  },
): Promise<FastifyReply> {
  const { page, csrfToken, action, summary, policy, embed } = step;
  if (page.waiting?.processor !== 'stripe') {
    return sendPage(
      reply,
      200,
      (nonce) => renderAuthenticationPage({ page, nonce, csrfToken, action, summary, embed }),
      policy,
    );
  }
  const buyerAction = await buyerActionOf(step.processors, page);
  const publishableKey = page.stripePublishableKey;
  if (!buyerAction || !publishableKey) return step.confirm();
  const stripe = { publishableKey, clientSecret: buyerAction.clientSecret };
  return sendPage(
    reply,
    200,
    (nonce) => renderAuthenticationPage({ page, nonce, csrfToken, action, summary, stripe, embed }),
    { ...policy, stripe: true },
  );
}
