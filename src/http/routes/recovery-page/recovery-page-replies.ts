import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  loadRecoveryPage,
  type RecoveryPage,
  type RecoveryPagePayment,
} from '../../../app/recovery-links/recovery-page.js';
import type { Deps } from '../../../app/shared/deps.js';
import { PAGE_TOKEN } from '../../../app/shared/ids.js';
import { declineMessage, type FormState } from '../../../pages/card-form.js';
import { renderRecoveryPage } from '../../../pages/recovery-page.js';
import type { Processors } from '../../../ports/payment-processor.js';
import type { Csrf } from '../../csrf.js';
import type { Form } from '../../form-fields.js';
import { sendMessagePage, sendPage } from '../../page-reply.js';
import { cardFormOffer, setUp } from '../checkout/card-payment-steps.js';
import { seeOther } from '../checkout/checkout-page-replies.js';
import type { PageRateLimits } from '../checkout/public-page-scope.js';

export interface RecoveryPageOptions {
  readonly deps: Deps;
  readonly processors: Processors;
  readonly csrf: Csrf;
  readonly rateLimits?: PageRateLimits | undefined;
}

export const scopeOf = (page: RecoveryPage) => `recovery:${page.link.link.id}`;
export const here = (page: RecoveryPage) => `/recover/${page.token}`;

export function notFound(reply: FastifyReply) {
  return sendMessagePage(
    reply,
    404,
    'Link not found',
    'This payment link does not exist. Check the address, or ask the merchant for a new link.',
  );
}

export function expiredForm(reply: FastifyReply, page: RecoveryPage) {
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

/** The recovery page's replies: the page (and its card form), a payment's answer, a form posted. */
export function recoveryPageReplies({ deps, processors, csrf }: RecoveryPageOptions) {
  const services = { deps, processors };
  const pageOf = async (request: FastifyRequest) => {
    const { token } = request.params as { token: string };
    return PAGE_TOKEN.test(token) ? loadRecoveryPage(services, { token }) : null;
  };

  function show(
    request: FastifyRequest,
    reply: FastifyReply,
    p: { page: RecoveryPage; status?: number; form?: FormState; notice?: string },
  ) {
    const { page } = p;
    const payable = page.state === 'open' && setUp(page);
    const payment = payable
      ? cardFormOffer(page, {
          csrfToken: csrf.issue(request, reply, scopeOf(page)),
          form: p.form ?? { email: page.buyerEmail, errors: {} },
        })
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
      { stripe: !!payment?.stripePublishableKey },
    );
  }

  function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    { payment, email }: { payment: RecoveryPagePayment; email: string },
  ) {
    const { page } = payment;
    const form = (alert: string, errors: FormState['errors'] = {}) => ({ email, errors, alert });
    // Nothing charged: the order was paid meanwhile, or the link cannot take it now.
    const refusal = (notice: string) =>
      show(request, reply, {
        page,
        status: 409,
        notice: page.state === 'paid' ? 'This order is already paid: nothing was charged.' : notice,
      });
    switch (payment.kind) {
      case 'paid':
      case 'requires_action':
      case 'received':
        return seeOther(reply, here(page));
      case 'not_open':
        return refusal('This link takes no payment any more: nothing was charged.');
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
        return refusal(
          'Another payment of this order is under way, or the amount left changed. Nothing was charged: check the amount, then try again.',
        );
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

  return { services, pageOf, show, answer, postedForm };
}
