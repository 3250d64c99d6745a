import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  authenticateCheckoutPayment,
  buyerActionOf,
  type CheckoutPage,
  type CheckoutPayment,
  confirmBuyerAction,
  loadCheckoutPage,
  payCheckoutSession,
} from '../../../app/checkout/hosted-checkout.js';
import { changeSessionQuantity } from '../../../app/checkout/payment-link-quantity.js';
import { takesPayments } from '../../../app/processors/account-processors.js';
import type { Deps } from '../../../app/shared/deps.js';
import { idPattern } from '../../../app/shared/ids.js';
import { checkCardForm, sandboxTokenOf } from '../../../domain/card-form.js';
import { renderAuthenticationPage } from '../../../pages/authentication-page.js';
import {
  declineMessage,
  type FormField,
  type FormState,
  renderCheckoutPage,
  renderClosedPage,
  successUrl,
} from '../../../pages/checkout-page.js';
import type { Processors } from '../../../ports/payment-processor.js';
import type { Csrf } from '../../csrf.js';
import { ApiError, toApiError } from '../../errors.js';
import { type Form, formText } from '../../form-fields.js';
import { answered, sendMessagePage, sendPage } from '../../page-reply.js';
import { registerServerTiming } from '../../server-timing.js';

/** Per address, per minute: page views, and payment attempts (card testing is the threat). */
export interface PageRateLimits {
  readonly pages: number;
  readonly payments: number;
}
export const DEFAULT_PAGE_RATE_LIMITS: PageRateLimits = { pages: 120, payments: 30 };
const WINDOW_MS = 60_000;

const SESSION_ID = new RegExp(idPattern('cs'));
const ATTEMPT = /^[A-Za-z0-9_-]{22}$/;
const PAYMENT_METHOD = /^pm_[A-Za-z0-9_]{1,200}$/;
const QUANTITY = /^[0-9]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_FIELD = 256;

/** A form field of at most MAX_FIELD characters (see formText). */
function field(form: Form, name: string): string | null {
  return formText(form, name, MAX_FIELD);
}

function checkEmail(email: string): string | undefined {
  const text = email.trim();
  if (text === '') return 'Enter your email address.';
  if (text.length > 254 || !EMAIL.test(text)) {
    return 'Enter an email address like name@example.com.';
  }
  return undefined;
}

export interface HostedCheckoutOptions {
  readonly deps: Deps;
  readonly processors: Processors;
  readonly csrf: Csrf;
  readonly rateLimits?: PageRateLimits | undefined;
}

/**
 * The hosted checkout page at each session's `url`: no API key (the session id is the
 * capability), HTML in and out, CSRF-checked forms, rate-limited.
 */
export async function registerHostedCheckoutRoutes(
  server: FastifyInstance,
  options: HostedCheckoutOptions,
): Promise<void> {
  const { deps, processors, csrf } = options;
  const limits = options.rateLimits ?? DEFAULT_PAGE_RATE_LIMITS;
  await server.register(async (app) => {
    await app.register(cookie);
    await app.register(formbody, { bodyLimit: 16 * 1024 });
    await app.register(rateLimit, {
      global: false,
      keyGenerator: (request) => request.ip,
    });
    registerServerTiming(app);
    app.setErrorHandler((error, request, reply) => {
      const status = pageErrorStatus(error);
      if (status >= 500) request.log.error({ err: error }, 'page request failed');
      const message =
        status === 429
          ? 'Too many attempts. Wait a minute, then try again.'
          : status >= 500
            ? 'Something went wrong on our side. Nothing was charged by this request; please try again.'
            : 'This request could not be read. Go back and try again.';
      return sendMessagePage(reply, status, 'Something went wrong', message);
    });

    const pages = { rateLimit: { max: limits.pages, timeWindow: WINDOW_MS } };
    const payments = { rateLimit: { max: limits.payments, timeWindow: WINDOW_MS } };

    app.get('/checkout/:session_id', { config: pages }, async (request, reply) => {
      const page = await pageOf(request);
      if (!page) return notFound(reply);
      if (page.view.session.status !== 'open') return closed(reply, page);
      if (page.waiting) return authentication(request, reply, page);
      if (!setUp(page)) return notSetUp(reply);
      return form(request, reply, page, 200, { email: defaultEmail(page), errors: {} });
    });

    app.post('/checkout/:session_id/pay', { config: payments }, async (request, reply) => {
      const posted = await postedForm(request, reply);
      if (!posted) return reply;
      const { page, body } = posted;
      if (!setUp(page)) return notSetUp(reply);
      const sessionId = page.view.session.id;
      const attempt = field(body, 'attempt');
      const email = field(body, 'email');
      if (!attempt || !ATTEMPT.test(attempt) || email === null) {
        return expiredForm(reply, sessionId);
      }
      const checked = checkPaymentForm(page, body, email, deps.clock.now());
      if ('errors' in checked) return form(request, reply, page, 422, checked);
      const paid = await payCheckoutSession(deps, processors, page, {
        attempt,
        token: checked.token,
        email: email.trim(),
      });
      return answer(request, reply, paid, email.trim());
    });

    app.post('/checkout/:session_id/quantity', { config: pages }, async (request, reply) => {
      const posted = await postedForm(request, reply);
      if (!posted) return reply;
      const { page, body } = posted;
      if (!setUp(page)) return notSetUp(reply);
      const typed = field(body, 'quantity');
      if (typed === null) return expiredForm(reply, page.view.session.id);
      const text = typed.trim();
      const changed = QUANTITY.test(text)
        ? await changeSessionQuantity(deps, page, Number(text))
        : null;
      if (changed?.ok) return seeOther(reply, `/checkout/${page.view.session.id}`);
      // Refused: the page as it now stands (a payment may have started or closed it).
      const after = (await pageOf(request)) ?? page;
      if (after.view.session.status !== 'open') return afterClose(reply, after);
      if (after.waiting) return seeOther(reply, `/checkout/${page.view.session.id}`);
      const refused = changed?.error;
      const status = refused === undefined || refused.code === 'parameter_invalid' ? 422 : 409;
      return form(request, reply, after, status, {
        email: defaultEmail(after),
        errors: { quantity: refused?.message ?? 'Enter the quantity as a whole number.' },
        alert: 'The quantity was not changed.',
        quantity: text,
      });
    });

    app.post('/checkout/:session_id/authenticate', { config: payments }, async (request, reply) => {
      const posted = await postedForm(request, reply);
      if (!posted) return reply;
      const { page, body } = posted;
      const sessionId = page.view.session.id;
      const result = field(body, 'result');
      const email = page.waiting?.buyer_email ?? defaultEmail(page);
      if (result === 'stripe') {
        return answer(request, reply, await confirmBuyerAction(deps, processors, page), email);
      }
      if (result !== 'succeed' && result !== 'fail') return expiredForm(reply, sessionId);
      const answered = await authenticateCheckoutPayment(deps, processors, page, result);
      return answer(request, reply, answered, email);
    });
  });

  /**
   * A form posted to an open session's page, with its CSRF token checked; otherwise null,
   * the reply sent (not found, a refused form, or the closed session's next page).
   */
  async function postedForm(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ page: CheckoutPage; body: Form } | null> {
    const body = (request.body ?? {}) as Form;
    const page = await pageOf(request);
    if (!page) return answered(notFound(reply));
    const sessionId = page.view.session.id;
    if (!csrf.verify(request, sessionId, body.csrf_token)) {
      return answered(expiredForm(reply, sessionId));
    }
    if (page.view.session.status !== 'open') return answered(afterClose(reply, page));
    return { page, body };
  }

  async function pageOf(request: FastifyRequest): Promise<CheckoutPage | null> {
    const { session_id: id } = request.params as { session_id: string };
    if (!SESSION_ID.test(id)) return null;
    return loadCheckoutPage(deps, processors, id);
  }

  function form(
    request: FastifyRequest,
    reply: FastifyReply,
    page: CheckoutPage,
    status: number,
    state: FormState,
  ) {
    const sessionId = page.view.session.id;
    const csrfToken = csrf.issue(request, reply, sessionId);
    const attempt = randomBytes(16).toString('base64url');
    const stripePublishableKey =
      page.processor === 'stripe' ? (page.stripePublishableKey ?? undefined) : undefined;
    return sendPage(
      reply,
      status,
      (nonce) =>
        renderCheckoutPage({ page, nonce, csrfToken, attempt, form: state, stripePublishableKey }),
      { formTargets: [originOf(page.view.session.success_url)], stripe: !!stripePublishableKey },
    );
  }

  async function authentication(request: FastifyRequest, reply: FastifyReply, page: CheckoutPage) {
    const csrfToken = csrf.issue(request, reply, page.view.session.id);
    const formTargets = [originOf(page.view.session.success_url)];
    if (page.waiting?.processor !== 'stripe') {
      return sendPage(reply, 200, (nonce) => renderAuthenticationPage({ page, nonce, csrfToken }), {
        formTargets,
      });
    }
    const action = await buyerActionOf(processors, page);
    const publishableKey = page.stripePublishableKey;
    if (!action || !publishableKey) {
      // Nothing left for the buyer to do at Stripe: record where the payment stands.
      const email = page.waiting.buyer_email ?? defaultEmail(page);
      return answer(request, reply, await confirmBuyerAction(deps, processors, page), email);
    }
    return sendPage(
      reply,
      200,
      (nonce) =>
        renderAuthenticationPage({
          page,
          nonce,
          csrfToken,
          stripe: { publishableKey, clientSecret: action.clientSecret },
        }),
      { formTargets, stripe: true },
    );
  }

  function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    payment: CheckoutPayment,
    email: string,
  ) {
    const { page } = payment;
    switch (payment.kind) {
      case 'paid':
      case 'not_open':
        return afterClose(reply, page);
      case 'requires_action':
        return seeOther(reply, `/checkout/${page.view.session.id}`);
      case 'declined':
        return form(request, reply, page, 402, {
          email,
          errors: { card_number: declineMessage(payment.declineCode) },
          alert: 'The payment did not go through. Nothing was charged.',
        });
      case 'busy':
        if (page.waiting) return seeOther(reply, `/checkout/${page.view.session.id}`);
        return form(request, reply, page, 409, {
          email,
          errors: {},
          alert:
            'A payment for this order is already being processed. Wait a moment, then reload this page.',
        });
      case 'unavailable':
        return form(request, reply, page, 503, {
          email,
          errors: {},
          alert:
            'Card payments are not available right now. Nothing was charged; please try again later.',
        });
    }
  }
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

/** A client error keeps its status (413, 415, 429…); anything else is what the API would say. */
function pageErrorStatus(error: unknown): number {
  const status = (error as { statusCode?: unknown }).statusCode;
  if (!(error instanceof ApiError) && typeof status === 'number' && status >= 400 && status < 500) {
    return status;
  }
  return toApiError(error).status;
}

function defaultEmail(page: CheckoutPage): string {
  return page.view.customer?.email ?? '';
}

function originOf(url: string): string {
  return new URL(url).origin;
}

/** Whether the page can take a card: live mode needs a real processor, Stripe its publishable key. */
function setUp(page: CheckoutPage): boolean {
  if (!takesPayments(page.tenant.mode, page.processor)) return false;
  return page.processor !== 'stripe' || page.stripePublishableKey !== null;
}

/** The merchant cannot take cards yet (live mode without a processor, Stripe without its key). */
export function notSetUp(reply: FastifyReply) {
  return sendMessagePage(
    reply,
    503,
    'Card payments are not available',
    'This merchant has not finished setting up card payments. Please contact them, or try again later.',
  );
}

function seeOther(reply: FastifyReply, location: string) {
  return reply.header('cache-control', 'no-store').redirect(location, 303);
}

function notFound(reply: FastifyReply) {
  return sendMessagePage(
    reply,
    404,
    'Checkout not found',
    'This checkout link does not exist. Check the address, or ask the merchant for a new link.',
  );
}

/** A paid session goes on to the merchant's success URL; an expired one shows its page. */
function afterClose(reply: FastifyReply, page: CheckoutPage) {
  const { session } = page.view;
  if (session.status === 'complete') {
    return seeOther(reply, successUrl(session.success_url, session.id));
  }
  return seeOther(reply, `/checkout/${session.id}`);
}

function closed(reply: FastifyReply, page: CheckoutPage) {
  const status = page.view.session.status === 'expired' ? 410 : 200;
  return sendPage(reply, status, (nonce) => renderClosedPage(page, nonce));
}

/** A form without its CSRF token (or a tampered one): nothing happens; reload to retry. */
function expiredForm(reply: FastifyReply, sessionId: string) {
  return sendMessagePage(
    reply,
    403,
    'Please try again',
    `This form has expired or was not sent from this checkout page. Nothing was charged. Reload the checkout page (/checkout/${sessionId}) and try again.`,
  );
}
