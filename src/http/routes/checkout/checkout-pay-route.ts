import type { FastifyInstance } from 'fastify';
import { type CheckoutPage, payCheckoutSession } from '../../../app/checkout/hosted-checkout.js';
import { checkCardForm, sandboxTokenOf } from '../../../domain/card-form.js';
import type { FormField, FormState } from '../../../pages/checkout-page.js';
import type { Form } from '../../form-fields.js';
import { expiredForm, field, notSetUp, setUp } from './checkout-page-replies.js';
import type { CheckoutRoutes, RateLimitedRoute } from './checkout-routes-context.js';

const ATTEMPT = /^[A-Za-z0-9_-]{22}$/;
const PAYMENT_METHOD = /^pm_[A-Za-z0-9_]{1,200}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The checkout form posted: the card checked, then charged once per attempt. */
export function registerPayRoute(
  app: FastifyInstance,
  routes: CheckoutRoutes,
  payments: RateLimitedRoute,
): void {
  const { deps, processors, postedForm, form, answer } = routes;
  app.post('/checkout/:session_id/pay', { config: payments }, async (request, reply) => {
    const posted = await postedForm(request, reply);
    if (!posted) return reply;
    const { page, body } = posted;
    if (!setUp(page)) return notSetUp(reply);
    const sessionId = page.view.session.id;
    const attempt = field(body, 'attempt');
    if (!attempt || !ATTEMPT.test(attempt)) return expiredForm(reply, sessionId);
    if (page.nothingToPay) {
      // Nothing to pay: completed with no card (any card fields sent along are ignored).
      const completed = await payCheckoutSession({ deps, processors }, { page, attempt });
      return answer(request, reply, completed, '');
    }
    const email = field(body, 'email');
    if (email === null) return expiredForm(reply, sessionId);
    const checked = checkPaymentForm(page, body, email, deps.clock.now());
    if ('errors' in checked) return form(request, reply, page, 422, checked);
    const paid = await payCheckoutSession(
      { deps, processors },
      { page, attempt, card: { token: checked.token, email: email.trim() } },
    );
    return answer(request, reply, paid, email.trim());
  });
}

function checkEmail(email: string): string | undefined {
  const text = email.trim();
  if (text === '') return 'Enter your email address.';
  if (text.length > 254 || !EMAIL.test(text)) {
    return 'Enter an email address like name@example.com.';
  }
  return undefined;
}

/** The card checked (sandbox: a test card's token; Stripe: Stripe's payment method id). */
function checkPaymentForm(
  page: CheckoutPage,
  body: Form,
  email: string,
  now: Date,
): { token: string } | FormState {
  const errors: Partial<Record<FormField, string>> = {};
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
