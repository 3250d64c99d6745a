import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  amountRemaining,
  type InvoicePage,
  type InvoicePagePayment,
  loadInvoicePage,
} from '../../../app/invoices/invoice-page.js';
import type { Deps } from '../../../app/shared/deps.js';
import { PAGE_TOKEN } from '../../../app/shared/ids.js';
import { formatMoney } from '../../../domain/money-format.js';
import { declineMessage, type FormState } from '../../../pages/card-form.js';
import { renderInvoicePage } from '../../../pages/invoice-page.js';
import type { Processors } from '../../../ports/payment-processor.js';
import type { Csrf } from '../../csrf.js';
import type { Form } from '../../form-fields.js';
import { answered, sendMessagePage, sendPage } from '../../page-reply.js';
import { cardFormOffer, setUp } from '../checkout/card-payment-steps.js';
import { seeOther } from '../checkout/checkout-page-replies.js';

/** What the hosted invoice page's routes share: the server's parts and their replies. */
export interface InvoicePageRoutes {
  readonly deps: Deps;
  readonly processors: Processors;
  readonly csrf: Csrf;
  pageOf(request: FastifyRequest): Promise<InvoicePage | null>;
  /** A form posted to the page with its CSRF token checked; else null, the reply sent. */
  postedForm(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ page: InvoicePage; body: Form } | null>;
  /** The invoice (and, while it can be paid, the card form with a fresh attempt). */
  show(
    request: FastifyRequest,
    reply: FastifyReply,
    p: { page: InvoicePage; status: number; form?: FormState; notice?: string },
  ): FastifyReply;
  /** The page that follows a payment's answer (paid, declined, waiting for the buyer…). */
  answer(
    request: FastifyRequest,
    reply: FastifyReply,
    p: { payment: InvoicePagePayment; email: string },
  ): FastifyReply;
}

export function notFound(reply: FastifyReply) {
  return sendMessagePage(
    reply,
    404,
    'Invoice not found',
    'This invoice link does not exist. Check the address, or ask the merchant for a new link.',
  );
}

/** A form without its CSRF token (or a tampered one): nothing happens; reload to retry. */
export function expiredForm(reply: FastifyReply, token: string) {
  return sendMessagePage(
    reply,
    403,
    'Please try again',
    `This form has expired or was not sent from this invoice page. Nothing was charged. Reload the invoice page (/invoice/${token}) and try again.`,
  );
}

const scopeOf = (page: InvoicePage) => `invoice:${page.invoice.invoice.id}`;

const NOT_SET_UP =
  'Card payments are not available: this merchant has not finished setting them up. Please contact them.';

export function invoicePageRoutes(
  deps: Deps,
  processors: Processors,
  csrf: Csrf,
): InvoicePageRoutes {
  const routes: InvoicePageRoutes = { deps, processors, csrf, pageOf, postedForm, show, answer };
  return routes;

  async function pageOf(request: FastifyRequest): Promise<InvoicePage | null> {
    const { token } = request.params as { token: string };
    if (!PAGE_TOKEN.test(token)) return null;
    return loadInvoicePage({ deps, processors }, { token });
  }

  async function postedForm(request: FastifyRequest, reply: FastifyReply) {
    const body = (request.body ?? {}) as Form;
    const page = await pageOf(request);
    if (!page) return answered(notFound(reply));
    if (!csrf.verify(request, scopeOf(page), body.csrf_token)) {
      return answered(expiredForm(reply, page.token));
    }
    return { page, body };
  }

  function show(
    request: FastifyRequest,
    reply: FastifyReply,
    p: { page: InvoicePage; status: number; form?: FormState; notice?: string },
  ) {
    const { page } = p;
    const { status } = page.invoice.invoice;
    const payable = (status === 'open' || status === 'uncollectible') && setUp(page);
    const notSetUp = status === 'open' || status === 'uncollectible' ? NOT_SET_UP : undefined;
    const payment = payable
      ? cardFormOffer(page, {
          csrfToken: csrf.issue(request, reply, scopeOf(page)),
          form: p.form ?? { email: page.invoice.invoice.customer_details?.email ?? '', errors: {} },
        })
      : undefined;
    return sendPage(
      reply,
      p.status,
      (nonce) =>
        renderInvoicePage({
          page,
          nonce,
          payment,
          notice: p.notice ?? (payable ? undefined : notSetUp),
        }),
      { stripe: !!payment?.stripePublishableKey },
    );
  }

  function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    { payment, email }: { payment: InvoicePagePayment; email: string },
  ) {
    const { page } = payment;
    const here = `/invoice/${page.token}`;
    const form = (alert: string, errors: FormState['errors'] = {}) => ({ email, errors, alert });
    switch (payment.kind) {
      case 'paid':
      case 'requires_action':
        return seeOther(reply, here);
      case 'received': {
        const m = (amount: number) => formatMoney(amount, page.invoice.order.currency);
        const remaining = amountRemaining(page);
        return show(request, reply, {
          page,
          status: 200,
          notice: `Thank you: your payment was received. ${m(remaining)} remains to be paid.`,
        });
      }
      case 'not_open':
        return show(request, reply, {
          page,
          status: 409,
          notice:
            page.invoice.invoice.status === 'void'
              ? 'This invoice was voided: nothing was charged.'
              : 'This invoice is already paid: nothing was charged.',
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
        if (page.waiting) return seeOther(reply, here);
        return show(request, reply, {
          page,
          status: 409,
          form: form(
            'Another payment of this invoice is under way, or the amount due changed. Nothing was charged: check the amount due, then try again.',
          ),
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
}
