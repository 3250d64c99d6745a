import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { createInvoice } from '../../../app/invoices/create-invoice.js';
import {
  approveInvoice,
  finalizeInvoice,
  markInvoiceUncollectible,
  rejectInvoice,
  updateInvoice,
  voidInvoice,
} from '../../../app/invoices/invoice-actions.js';
import { getInvoice, listInvoices } from '../../../app/invoices/invoice-views.js';
import { type InvoicePayment, payInvoice } from '../../../app/invoices/pay-invoice.js';
import { remindInvoice, sendInvoice } from '../../../app/invoices/send-invoice.js';
import type { Deps } from '../../../app/shared/deps.js';
import type { Processors } from '../../../ports/payment-processor.js';
import { invoiceResource } from '../../../resources/invoice.js';
import { paymentIntentResource } from '../../../resources/payment-intent.js';
import { commandContextOf } from '../../auth.js';
import { declineCode } from '../../error-vocabulary.js';
import { ApiError, errorBody, unwrap } from '../../errors.js';
import { answerOnce, type RouteAnswer, sendAnswer } from '../../idempotency.js';
import { ActionBody, ErrorResponses, Id, Nullable } from '../../schemas.js';
import { baseUrl, onBaseUrl } from '../checkout/checkout-sessions.js';
import { PayBody, PaymentIntent } from '../payments/payments.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';
import {
  CreateInvoiceBody,
  Invoice,
  InvoiceStatus,
  RejectInvoiceBody,
  UpdateInvoiceBody,
} from './invoice-schemas.js';
import { registerInvoiceTestHelperRoutes } from './invoice-test-helpers.js';

const tags = ['Invoices'];
const InvoicePaid = Type.Object({ invoice: Invoice, payment_intent: Nullable(PaymentIntent) });

/**
 * What paying an invoice answers: the invoice and the payment it made, or, when the
 * processor refused the payment, the 402 every payment answers (stored as the replay).
 */
function invoicePaymentAnswer(
  paid: InvoicePayment,
  { requestId, base }: { readonly requestId: string; readonly base: string },
): RouteAnswer {
  const intent = paid.paymentIntent;
  if (intent?.status === 'failed') {
    const declined = ApiError.declined(
      intent.failure_code ? declineCode(intent.failure_code) : null,
      intent.failure_message ?? 'The payment failed',
      {
        decline_code: intent.failure_code,
        payment_intent_id: intent.id,
        invoice_id: paid.view.invoice.id,
      },
    );
    return { status: declined.status, body: errorBody(declined, requestId) };
  }
  return {
    status: 200,
    body: {
      invoice: invoiceResource(paid.view, base),
      payment_intent: intent && paymentIntentResource(intent),
    },
  };
}

export function registerInvoiceRoutes(
  server: FastifyInstance,
  deps: Deps,
  processors: Processors,
): void {
  const routes = resourceRoutes(server, deps, {
    key: 'invoice',
    idPrefix: 'inv',
    tags,
    schema: Invoice,
    serialize: onBaseUrl(invoiceResource),
  });
  routes.create({
    summary: "Create a draft invoice for an order's balance, or from line items",
    body: CreateInvoiceBody,
    run: (ctx, body) => createInvoice(ctx, body.invoice),
  });
  routes.get({ summary: 'Retrieve an invoice', run: ofCaller(getInvoice) });
  routes.update({
    summary: "Change a draft invoice's terms, memo, footer or metadata",
    body: UpdateInvoiceBody,
    run: (ctx, id, body) => updateInvoice(ctx, { id, changes: body.invoice }),
  });
  routes.list({
    summary: 'List invoices, newest first',
    filters: {
      status: Type.Optional(InvoiceStatus),
      order_id: Type.Optional(Id('ord')),
      customer_id: Type.Optional(Id('cus')),
    },
    run: (ctx, { status, order_id, customer_id }, page) =>
      listInvoices(ctx, { filter: { status, order_id, customer_id }, page }),
  });
  routes.action('finalize', {
    summary: 'Finalize a draft: number, due date, frozen order (or ask for approval)',
    body: ActionBody,
    run: (ctx, id) => finalizeInvoice(ctx, { id, baseUrl: baseUrl(deps, ctx.request) }),
  });
  routes.action('approve', {
    summary: 'Approve an invoice awaiting approval: it is finalized',
    body: ActionBody,
    run: (ctx, id) => approveInvoice(ctx, { id, baseUrl: baseUrl(deps, ctx.request) }),
  });
  routes.action('reject', {
    summary: 'Reject an invoice awaiting approval: it is a draft again, with the reason',
    body: RejectInvoiceBody,
    run: (ctx, id, body) => rejectInvoice(ctx, { id, reason: body.reason }),
  });
  routes.action('void', {
    summary: 'Void a finalized invoice (it keeps its number)',
    body: ActionBody,
    run: (ctx, id) => voidInvoice(ctx, { id }),
  });
  routes.action('mark_uncollectible', {
    summary: 'Mark a finalized invoice uncollectible (it can still be paid or voided)',
    body: ActionBody,
    run: (ctx, id) => markInvoiceUncollectible(ctx, { id }),
  });
  routes.action('send', {
    summary: 'Mail the invoice to its buyer (again, for a resend) and schedule its reminders',
    description:
      'An open or uncollectible invoice is mailed to customer_details.email, else its ' +
      "customer's email (none: 422 invoice_email_missing), with its hosted page and PDF " +
      'links, and records invoice.sent. An open invoice with a due date gets the reminders ' +
      'of the invoice settings scheduled, each step mailed once. Test mode keeps the mail ' +
      'in GET /v1/test_helpers/emails.',
    body: ActionBody,
    run: (ctx, id) =>
      sendInvoice(ctx, { id, baseUrl: baseUrl(deps, ctx.request), requestKey: ctx.requestKey }),
  });
  routes.action('remind', {
    summary: 'Mail the buyer of an open invoice a reminder now',
    body: ActionBody,
    run: (ctx, id) =>
      remindInvoice(ctx, { id, baseUrl: baseUrl(deps, ctx.request), requestKey: ctx.requestKey }),
  });

  server.post(
    '/v1/invoices/:invoice_id/pay',
    {
      schema: {
        tags,
        summary:
          "Pay the invoice's remaining amount (or a part, when allowed) through the processor",
        params: Type.Object({ invoice_id: Id('inv') }, { additionalProperties: false }),
        body: PayBody,
        response: { 200: InvoicePaid, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const base = baseUrl(deps, request);
      const respond = (result: InvoicePayment) =>
        invoicePaymentAnswer(result, { requestId: request.id, base });
      const params = request.params as { invoice_id: string };
      const body = request.body as { payment: Parameters<typeof payInvoice>[1]['payment'] };
      const result = unwrap(
        await payInvoice(
          { ...commandContextOf(request, deps), processors },
          { id: params.invoice_id, payment: body.payment },
          { answer: answerOnce(request, reply, respond) },
        ),
      );
      return sendAnswer(request, reply, () => respond(result));
    },
  );
  registerInvoiceTestHelperRoutes(server, deps);
}
