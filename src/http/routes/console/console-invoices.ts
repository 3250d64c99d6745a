import type { FastifyInstance, FastifyReply } from 'fastify';
import { createInvoice } from '../../../app/invoices/create-invoice.js';
import {
  approveInvoice,
  finalizeInvoice,
  markInvoiceUncollectible,
  rejectInvoice,
  voidInvoice,
} from '../../../app/invoices/invoice-actions.js';
import { getInvoice, listInvoices } from '../../../app/invoices/invoice-views.js';
import { remindInvoice, sendInvoice } from '../../../app/invoices/send-invoice.js';
import type { ChangeContext } from '../../../app/shared/command-context.js';
import { idPattern } from '../../../app/shared/ids.js';
import type { Result } from '../../../domain/errors.js';
import { INVOICE_STATUSES, type InvoiceStatus } from '../../../domain/invoices/invoice-values.js';
import type { ConsoleFrame } from '../../../pages/console-frame.js';
import { renderInvoice, renderInvoices } from '../../../pages/console-invoice-pages.js';
import type { InvoiceView } from '../../../resources/invoice.js';
import { type Form, formText } from '../../form-fields.js';
import { sendMessagePage, sendPage } from '../../page-reply.js';
import { baseUrl } from '../checkout/checkout-sessions.js';
import { type OperatorForms, operatorForm } from './console-forms.js';

const INVOICE_ID = new RegExp(idPattern('inv'));
const ORDER_ID = new RegExp(idPattern('ord'));
const STATUSES = new Set<string>(INVOICE_STATUSES);
const PAGE_SIZE = 25;

type Act = (
  ctx: ChangeContext,
  id: string,
  p: { readonly form: Form; readonly baseUrl: string },
) => Promise<Result<InvoiceView>>;

/** What each action form runs. */
const ACTIONS: Readonly<Record<string, Act>> = {
  finalize: (ctx, id, { baseUrl }) => finalizeInvoice(ctx, { id, baseUrl }),
  approve: (ctx, id, { baseUrl }) => approveInvoice(ctx, { id, baseUrl }),
  reject: (ctx, id, { form }) =>
    rejectInvoice(ctx, { id, reason: formText(form, 'reason', 500) ?? '' }),
  void: (ctx, id) => voidInvoice(ctx, { id }),
  mark_uncollectible: (ctx, id) => markInvoiceUncollectible(ctx, { id }),
  send: (ctx, id, { baseUrl }) => sendInvoice(ctx, { id, baseUrl }),
  remind: (ctx, id, { baseUrl }) => remindInvoice(ctx, { id, baseUrl }),
};

/**
 * Invoices in the console: the list, one invoice, and its actions as forms (CSRF-checked;
 * viewers only look). Registered inside the console's scope (cookies, forms, errors).
 */
export async function registerConsoleInvoiceRoutes(
  app: FastifyInstance,
  options: OperatorForms,
): Promise<void> {
  const { deps, frameOf } = options;
  const tenantOf = (f: ConsoleFrame) => ({ accountId: f.account.id, mode: f.mode });
  const notFound = (reply: FastifyReply, f: ConsoleFrame, id: string) =>
    sendMessagePage(reply, 404, 'Invoice not found', `No invoice ${id} in ${f.mode} mode.`);

  app.get('/console/invoices', async (request, reply) => {
    const f = await frameOf(request, reply);
    if (!f) return reply.redirect('/console/login', 303);
    const query = request.query as Record<string, unknown>;
    const status =
      typeof query.status === 'string' && STATUSES.has(query.status) ? query.status : '';
    const after =
      typeof query.starting_after === 'string' && INVOICE_ID.test(query.starting_after)
        ? query.starting_after
        : undefined;
    const page = await listInvoices(
      { deps, tenant: tenantOf(f) },
      {
        filter: { status: (status || undefined) as InvoiceStatus | undefined },
        page: { limit: PAGE_SIZE, startingAfter: after },
      },
    );
    return sendPage(reply, 200, (nonce) =>
      renderInvoices({
        frame: f,
        nonce,
        status,
        invoices: page.items,
        nextCursor: page.nextCursor,
      }),
    );
  });

  app.get('/console/invoices/:invoice_id', async (request, reply) => {
    const f = await frameOf(request, reply);
    if (!f) return reply.redirect('/console/login', 303);
    const { invoice_id: id } = request.params as { invoice_id: string };
    const found = INVOICE_ID.test(id) ? await getInvoice(deps, tenantOf(f), id) : null;
    if (!found?.ok) return notFound(reply, f, id);
    return sendPage(reply, 200, (nonce) =>
      renderInvoice({
        frame: f,
        nonce,
        view: found.value,
        mayAct: f.user.role !== 'viewer',
        baseUrl: baseUrl(deps, request),
      }),
    );
  });

  app.post('/console/invoices/:invoice_id/:action', async (request, reply) => {
    const posted = await operatorForm(options, request, reply);
    if (!posted) return reply;
    const { f, form, ctx } = posted;
    const { invoice_id: id, action } = request.params as { invoice_id: string; action: string };
    const act = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (!act || !INVOICE_ID.test(id)) return notFound(reply, f, id);
    const done = await act(ctx, id, { form, baseUrl: baseUrl(deps, request) });
    if (!done.ok) {
      if (done.error.code === 'resource_missing') return notFound(reply, f, id);
      return sendMessagePage(reply, 409, 'Not done', done.error.message);
    }
    return reply.redirect(`/console/invoices/${id}?mode=${f.mode}`, 303);
  });

  /** An order's balance invoiced from its sale page: a draft, opened to finalize. */
  app.post('/console/orders/:order_id/invoice', async (request, reply) => {
    const posted = await operatorForm(options, request, reply);
    if (!posted) return reply;
    const { f, ctx } = posted;
    const { order_id: id } = request.params as { order_id: string };
    const made = ORDER_ID.test(id) ? await createInvoice(ctx, { order_id: id }) : null;
    if (!made?.ok) {
      if (!made || made.error.code === 'resource_missing') {
        return sendMessagePage(reply, 404, 'Order not found', `No order ${id} in ${f.mode} mode.`);
      }
      return sendMessagePage(reply, 409, 'Not done', made.error.message);
    }
    return reply.redirect(`/console/invoices/${made.value.invoice.id}?mode=${f.mode}`, 303);
  });
}
