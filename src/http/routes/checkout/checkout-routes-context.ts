import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type CheckoutPage,
  type CheckoutPayment,
  loadSessionPage,
  type SessionPage,
} from '../../../app/checkout/hosted-checkout.js';
import type { Deps } from '../../../app/shared/deps.js';
import { idPattern } from '../../../app/shared/ids.js';
import { declineMessage, type FormState } from '../../../pages/card-form.js';
import { renderCheckoutPage } from '../../../pages/checkout-page.js';
import type { Processors } from '../../../ports/payment-processor.js';
import type { Csrf } from '../../csrf.js';
import type { Form } from '../../form-fields.js';
import { answered, sendPage } from '../../page-reply.js';
import { newAttempt, stripeKeyOf } from './card-payment-steps.js';
import { afterClose, expiredForm, notFound, seeOther } from './checkout-page-replies.js';
import { type SessionCsrf, sessionCsrf, sessionPagePolicy } from './embedded-checkout.js';

const SESSION_ID = new RegExp(idPattern('cs'));

/** A hosted checkout route's rate limit, per address (see PageRateLimits). */
export interface RateLimitedRoute {
  readonly rateLimit: { readonly max: number; readonly timeWindow: number };
}

/** What the hosted checkout routes share: the server's parts and the replies built on them. */
export interface CheckoutRoutes {
  readonly deps: Deps;
  readonly processors: Processors;
  readonly csrf: Csrf;
  /** The CSRF steps of a session's forms (by its ui_mode). */
  readonly sessionCsrf: SessionCsrf;
  /** The page at the session's url, whichever its mode (a setup session's has its own). */
  sessionPageOf(request: FastifyRequest): Promise<SessionPage | null>;
  /** A payment session's page (null for a setup session's). */
  pageOf(request: FastifyRequest): Promise<CheckoutPage | null>;
  postedForm(
    request: FastifyRequest,
    reply: FastifyReply,
    loaded?: CheckoutPage | null,
  ): Promise<{ page: CheckoutPage; body: Form } | null>;
  /** The checkout form with a fresh CSRF token and payment attempt. */
  form(
    request: FastifyRequest,
    reply: FastifyReply,
    page: CheckoutPage,
    status: number,
    state: FormState,
  ): FastifyReply;
  /** The page that follows a payment's answer (paid, declined, waiting for the buyer…). */
  answer(
    request: FastifyRequest,
    reply: FastifyReply,
    payment: CheckoutPayment,
    email: string,
  ): FastifyReply;
}

export function checkoutRoutes(deps: Deps, processors: Processors, csrf: Csrf): CheckoutRoutes {
  const forms = sessionCsrf(csrf, deps);
  return {
    deps,
    processors,
    csrf,
    sessionCsrf: forms,
    sessionPageOf,
    pageOf,
    postedForm,
    form,
    answer,
  };

  /**
   * A form posted to an open session's page, with its CSRF token checked; otherwise null,
   * the reply sent (not found, a refused form, or the closed session's next page). A
   * route that read the page already (`loaded`) hands it over.
   */
  async function postedForm(
    request: FastifyRequest,
    reply: FastifyReply,
    loaded?: CheckoutPage | null,
  ): Promise<{ page: CheckoutPage; body: Form } | null> {
    const body = (request.body ?? {}) as Form;
    const page = loaded === undefined ? await pageOf(request) : loaded;
    if (!page) return answered(notFound(reply));
    if (!forms.verify(request, page.view.session, body.csrf_token)) {
      return answered(expiredForm(reply, page));
    }
    if (page.view.session.status !== 'open') return answered(afterClose(reply, page));
    return { page, body };
  }

  async function sessionPageOf(request: FastifyRequest): Promise<SessionPage | null> {
    const { session_id: id } = request.params as { session_id: string };
    if (!SESSION_ID.test(id)) return null;
    return loadSessionPage(deps, processors, id);
  }

  async function pageOf(request: FastifyRequest): Promise<CheckoutPage | null> {
    const found = await sessionPageOf(request);
    return found?.kind === 'payment' ? found.page : null;
  }

  function form(
    request: FastifyRequest,
    reply: FastifyReply,
    page: CheckoutPage,
    status: number,
    state: FormState,
  ) {
    const csrfToken = forms.tokenFor(request, reply, page.view.session);
    const attempt = newAttempt();
    // An order with nothing to pay takes no card: no Stripe.js either.
    const stripePublishableKey = stripeKeyOf(page);
    return sendPage(
      reply,
      status,
      (nonce) =>
        renderCheckoutPage({ page, nonce, csrfToken, attempt, form: state, stripePublishableKey }),
      { ...sessionPagePolicy(page.view.session), stripe: !!stripePublishableKey },
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
      case 'received':
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
