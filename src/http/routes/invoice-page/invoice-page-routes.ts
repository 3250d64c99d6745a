import type { FastifyInstance } from 'fastify';
import {
  amountRemaining,
  answerInvoiceAuthentication,
  type InvoicePage,
  payInvoiceOnPage,
  takesPayment,
} from '../../../app/invoices/invoice-page.js';
import { hostedInvoicePdf } from '../../../app/invoices/invoice-pdf.js';
import type { Deps } from '../../../app/shared/deps.js';
import { PAGE_TOKEN } from '../../../app/shared/ids.js';
import { parseAmountText } from '../../../domain/amount-text.js';
import { formatMoney } from '../../../domain/money-format.js';
import type { FormField } from '../../../pages/card-form.js';
import { invoiceSummary } from '../../../pages/invoice-page.js';
import type { Processors } from '../../../ports/payment-processor.js';
import type { Csrf } from '../../csrf.js';
import type { Form } from '../../form-fields.js';
import {
  attemptOf,
  buyerAnswerOf,
  checkPaymentForm,
  field,
  notSetUp,
  sendAuthenticationStep,
  setUp,
} from '../checkout/card-payment-steps.js';
import type { RateLimitedRoute } from '../checkout/checkout-routes-context.js';
import { type PageRateLimits, registerPublicPageScope } from '../checkout/public-page-scope.js';
import { sendPdf } from '../invoices/invoice-pdf-route.js';
import {
  expiredForm,
  type InvoicePageRoutes,
  invoicePageRoutes,
  notFound,
} from './invoice-page-replies.js';

export interface InvoicePageOptions {
  readonly deps: Deps;
  readonly processors: Processors;
  readonly csrf: Csrf;
  readonly rateLimits?: PageRateLimits | undefined;
}

/**
 * The hosted invoice page at each finalized invoice's `hosted_invoice_url`: no API key
 * (the token is the capability), HTML in and out, CSRF-checked forms, rate-limited like
 * checkout, paid with checkout's card form and 3-D Secure step.
 */
export async function registerInvoicePageRoutes(
  server: FastifyInstance,
  options: InvoicePageOptions,
): Promise<void> {
  const { deps, processors, csrf } = options;
  const routes = invoicePageRoutes(deps, processors, csrf);
  await registerPublicPageScope(server, options.rateLimits, (app, { pages, payments }) => {
    registerPageRoute(app, routes, pages);
    registerPdfRoute(app, routes, pages);
    registerPayRoute(app, routes, payments);
    registerAuthenticationRoute(app, routes, payments);
  });
}

/** The invoice as the buyer sees it, its card form, or the 3-D Secure step under way. */
function registerPageRoute(
  app: FastifyInstance,
  routes: InvoicePageRoutes,
  pages: RateLimitedRoute,
) {
  const { deps, processors, csrf, pageOf, show, answer } = routes;
  app.get('/invoice/:token', { config: pages }, async (request, reply) => {
    const page = await pageOf(request);
    if (!page) return notFound(reply);
    if (!takesPayment(page) || !page.waiting) return show(request, reply, { page, status: 200 });
    const email = page.waiting.buyer_email ?? '';
    return sendAuthenticationStep(reply, {
      processors,
      page,
      csrfToken: csrf.issue(request, reply, `invoice:${page.invoice.invoice.id}`),
      action: `/invoice/${page.token}/authenticate`,
      summary: invoiceSummary(page),
      policy: { formTargets: [] },
      // Nothing left for the buyer to do at Stripe: record where the payment stands.
      confirm: async () => {
        const payment = await answerInvoiceAuthentication(
          { deps, processors },
          { page, result: 'stripe' },
        );
        return answer(request, reply, { payment, email });
      },
    });
  });
}

/** The invoice's PDF, as the API serves it, for the buyer to keep. */
function registerPdfRoute(
  app: FastifyInstance,
  routes: InvoicePageRoutes,
  pages: RateLimitedRoute,
) {
  app.get('/invoice/:token/pdf', { config: pages }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const found = PAGE_TOKEN.test(token) ? await hostedInvoicePdf(routes.deps, { token }) : null;
    if (!found) return notFound(reply);
    return sendPdf(reply, found);
  });
}

/** The card form posted: the amount and card checked, then charged once per attempt. */
function registerPayRoute(
  app: FastifyInstance,
  routes: InvoicePageRoutes,
  payments: RateLimitedRoute,
) {
  const { deps, processors, postedForm, show, answer } = routes;
  app.post('/invoice/:token/pay', { config: payments }, async (request, reply) => {
    const posted = await postedForm(request, reply);
    if (!posted) return reply;
    const { page, body } = posted;
    const attempt = attemptOf(body);
    const email = field(body, 'email');
    if (!attempt || email === null) return expiredForm(reply, page.token);
    if (!takesPayment(page)) {
      return answer(request, reply, { payment: { kind: 'not_open', page }, email });
    }
    if (!setUp(page)) return notSetUp(reply);
    const amount = amountOf(page, body);
    const errors: Partial<Record<FormField, string>> =
      'error' in amount ? { amount: amount.error } : {};
    const checked = checkPaymentForm(page, { body, email, now: deps.clock.now(), errors });
    const typed = field(body, 'amount') ?? undefined;
    if ('errors' in checked) {
      return show(request, reply, { page, status: 422, form: { ...checked, amount: typed } });
    }
    const payment = await payInvoiceOnPage(
      { deps, processors },
      {
        page,
        attempt,
        token: checked.token,
        email: email.trim(),
        amount: 'amount' in amount ? amount.amount : undefined,
      },
    );
    return answer(request, reply, { payment, email: email.trim() });
  });
}

/** 3-D Secure: the buyer's answer to the authentication step, posted from its page. */
function registerAuthenticationRoute(
  app: FastifyInstance,
  routes: InvoicePageRoutes,
  payments: RateLimitedRoute,
) {
  const { deps, processors, postedForm, answer } = routes;
  app.post('/invoice/:token/authenticate', { config: payments }, async (request, reply) => {
    const posted = await postedForm(request, reply);
    if (!posted) return reply;
    const { page, body } = posted;
    const result = buyerAnswerOf(body);
    if (!result) return expiredForm(reply, page.token);
    const email = page.waiting?.buyer_email ?? '';
    // Voided (or paid) meanwhile: the waiting payment is not completed here; its hold ends
    // on its own (canceled after 30 minutes) and nothing is charged for a void invoice.
    if (!takesPayment(page)) {
      return answer(request, reply, { payment: { kind: 'not_open', page }, email });
    }
    const payment = await answerInvoiceAuthentication({ deps, processors }, { page, result });
    return answer(request, reply, { payment, email });
  });
}

/**
 * The part of the remaining amount the buyer chose (an invoice that allows partial
 * payments): the currency's decimal text, exactly, from one minor unit to all that is
 * left. Any other invoice pays what remains, whatever the form says.
 */
function amountOf(
  page: InvoicePage,
  body: Form,
): { readonly amount?: number } | { readonly error: string } {
  if (!page.invoice.invoice.allow_partial_payments) return {};
  const currency = page.invoice.order.currency;
  const remaining = amountRemaining(page);
  const m = (amount: number) => formatMoney(amount, currency);
  const range = `Enter an amount from ${m(1)} to ${m(remaining)}.`;
  const parsed = parseAmountText(field(body, 'amount') ?? '', currency);
  if (!parsed.ok) {
    if (parsed.error === 'empty') return { error: 'Enter the amount to pay.' };
    if (parsed.error === 'too_precise') return { error: `Too many decimals. ${range}` };
    return { error: range };
  }
  if (parsed.amount < 1 || parsed.amount > remaining) return { error: range };
  return { amount: parsed.amount };
}
