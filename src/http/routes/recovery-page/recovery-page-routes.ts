import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  answerRecoveryAuthentication,
  loadRecoveryPage,
  payRecoveryLinkOnPage,
  type RecoveryPage,
  type RecoveryPagePayment,
} from '../../../app/recovery-links/recovery-page.js';
import type { Deps } from '../../../app/shared/deps.js';
import { declineMessage, type FormState } from '../../../pages/card-form.js';
import { recoverySummary, renderRecoveryPage } from '../../../pages/recovery-page.js';
import type { Processors } from '../../../ports/payment-processor.js';
import type { Csrf } from '../../csrf.js';
import type { Form } from '../../form-fields.js';
import { sendMessagePage, sendPage } from '../../page-reply.js';
import {
  attemptOf,
  buyerAnswerOf,
  checkPaymentForm,
  field,
  notSetUp,
  sendAuthenticationStep,
  setUp,
} from '../checkout/card-payment-steps.js';
import { seeOther } from '../checkout/checkout-page-replies.js';
import { type PageRateLimits, registerPublicPageScope } from '../checkout/public-page-scope.js';

/** A token as `create-recovery-link` makes them (24 random bytes, base64url). */
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

export interface RecoveryPageOptions {
  readonly deps: Deps;
  readonly processors: Processors;
  readonly csrf: Csrf;
  readonly rateLimits?: PageRateLimits | undefined;
}

const scopeOf = (page: RecoveryPage) => `recovery:${page.link.link.id}`;
const here = (page: RecoveryPage) => `/recover/${page.token}`;

function notFound(reply: FastifyReply) {
  return sendMessagePage(
    reply,
    404,
    'Link not found',
    'This payment link does not exist. Check the address, or ask the merchant for a new link.',
  );
}

function expiredForm(reply: FastifyReply, page: RecoveryPage) {
  return sendMessagePage(
    reply,
    403,
    'Please try again',
    `This form has expired or was not sent from this page. Nothing was charged. Reload the page (${here(page)}) and try again.`,
  );
}

/** What the page answers with a status for a state that takes no payment. */
const CLOSED_STATUS: Record<RecoveryPage['state'], number> = {
  open: 200,
  held: 200,
  paid: 200,
  closed: 200,
  expired: 410,
  deactivated: 410,
};

/**
 * A recovery link's hosted page at its `url`: no API key (the token is the capability),
 * HTML in and out, CSRF-checked forms, rate-limited like checkout, paid with checkout's
 * card form and 3-D Secure step.
 */
export async function registerRecoveryPageRoutes(
  server: FastifyInstance,
  options: RecoveryPageOptions,
): Promise<void> {
  const { deps, processors, csrf } = options;
  const services = { deps, processors };

  const pageOf = async (request: FastifyRequest) => {
    const { token } = request.params as { token: string };
    return TOKEN.test(token) ? loadRecoveryPage(services, { token }) : null;
  };

  function show(
    request: FastifyRequest,
    reply: FastifyReply,
    p: { page: RecoveryPage; status?: number; form?: FormState; notice?: string },
  ) {
    const { page } = p;
    const payable = page.state === 'open' && setUp(page);
    const stripePublishableKey =
      page.processor === 'stripe' ? (page.stripePublishableKey ?? undefined) : undefined;
    const payment = payable
      ? {
          csrfToken: csrf.issue(request, reply, scopeOf(page)),
          attempt: randomBytes(16).toString('base64url'),
          form: p.form ?? { email: '', errors: {} },
          stripePublishableKey,
        }
      : undefined;
    const notice =
      p.notice ??
      (page.state === 'open' && !payable
        ? 'Card payments are not available: this merchant has not finished setting them up. Please contact them.'
        : undefined);
    return sendPage(
      reply,
      p.status ?? CLOSED_STATUS[page.state],
      (nonce) => renderRecoveryPage({ page, nonce, payment, notice }),
      { stripe: payable && !!stripePublishableKey },
    );
  }

  function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    { payment, email }: { payment: RecoveryPagePayment; email: string },
  ) {
    const { page } = payment;
    const form = (alert: string, errors: FormState['errors'] = {}) => ({ email, errors, alert });
    switch (payment.kind) {
      case 'paid':
      case 'requires_action':
      case 'received':
        return seeOther(reply, here(page));
      case 'not_open':
        return show(request, reply, {
          page,
          status: 409,
          notice:
            page.state === 'paid'
              ? 'This order is already paid: nothing was charged.'
              : 'This link takes no payment any more: nothing was charged.',
        });
      case 'declined':
        return show(request, reply, {
          page,
          status: 402,
          form: form('The payment did not go through. Nothing was charged.', {
            card_number: declineMessage(payment.declineCode),
          }),
        });
      case 'busy':
        if (page.waiting) return seeOther(reply, here(page));
        return show(request, reply, {
          page,
          status: 409,
          notice:
            page.state === 'paid'
              ? 'This order is already paid: nothing was charged.'
              : 'Another payment of this order is under way, or the amount left changed. Nothing was charged: check the amount, then try again.',
        });
      case 'unavailable':
        return show(request, reply, {
          page,
          status: 503,
          form: form(
            'Card payments are not available right now. Nothing was charged; please try again later.',
          ),
        });
    }
  }

  async function postedForm(request: FastifyRequest, reply: FastifyReply) {
    const body = (request.body ?? {}) as Form;
    const page = await pageOf(request);
    if (!page) return void notFound(reply);
    if (!csrf.verify(request, scopeOf(page), body.csrf_token)) {
      return void expiredForm(reply, page);
    }
    return { page, body };
  }

  await registerPublicPageScope(server, options.rateLimits, (app, { pages, payments }) => {
    app.get('/recover/:token', { config: pages }, async (request, reply) => {
      const page = await pageOf(request);
      if (!page) return notFound(reply);
      if (!page.waiting || page.state === 'paid') return show(request, reply, { page });
      const email = page.waiting.buyer_email ?? '';
      return sendAuthenticationStep(reply, {
        processors,
        page,
        csrfToken: csrf.issue(request, reply, scopeOf(page)),
        action: `${here(page)}/authenticate`,
        summary: recoverySummary(page),
        formTargets: [],
        confirm: async () => {
          const payment = await answerRecoveryAuthentication(services, { page, result: 'stripe' });
          return answer(request, reply, { payment, email });
        },
      });
    });

    app.post('/recover/:token/pay', { config: payments }, async (request, reply) => {
      const posted = await postedForm(request, reply);
      if (!posted) return reply;
      const { page, body } = posted;
      const attempt = attemptOf(body);
      const email = field(body, 'email');
      if (!attempt || email === null) return expiredForm(reply, page);
      if (page.state !== 'open' && page.state !== 'held') {
        return answer(request, reply, { payment: { kind: 'not_open', page }, email });
      }
      if (!setUp(page)) return notSetUp(reply);
      const checked = checkPaymentForm(page, { body, email, now: deps.clock.now() });
      if ('errors' in checked) return show(request, reply, { page, status: 422, form: checked });
      const payment = await payRecoveryLinkOnPage(services, {
        page,
        attempt,
        token: checked.token,
        email: email.trim(),
      });
      return answer(request, reply, { payment, email: email.trim() });
    });

    app.post('/recover/:token/authenticate', { config: payments }, async (request, reply) => {
      const posted = await postedForm(request, reply);
      if (!posted) return reply;
      const { page, body } = posted;
      const result = buyerAnswerOf(body);
      if (!result) return expiredForm(reply, page);
      const email = page.waiting?.buyer_email ?? '';
      const payment = await answerRecoveryAuthentication(services, { page, result });
      return answer(request, reply, { payment, email });
    });
  });
}
