import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { saleRecord } from '../../../app/console/console-orders.js';
import { cancelRefund } from '../../../app/refunds/cancel-refund.js';
import { createRefund } from '../../../app/refunds/create-refund.js';
import { previewRefund } from '../../../app/refunds/plan-refund.js';
import { getRefund, listRefunds, replacementOf } from '../../../app/refunds/refund-queries.js';
import type { CommandContext } from '../../../app/shared/command-context.js';
import type { Deps } from '../../../app/shared/deps.js';
import { idPattern } from '../../../app/shared/ids.js';
import { permits } from '../../../domain/console-roles.js';
import { REFUND_STATUSES, type RefundStatus } from '../../../domain/refunds/refund-values.js';
import type { ConsoleFrame } from '../../../pages/console-frame.js';
import {
  limitMessage,
  refusalMessage,
  renderRefund,
  renderRefundPreview,
  renderRefunds,
} from '../../../pages/console-refund-pages.js';
import type { Processors } from '../../../ports/payment-processor.js';
import type { Csrf } from '../../csrf.js';
import { type Form, formText } from '../../form-fields.js';
import { answered, sendMessagePage, sendPage } from '../../page-reply.js';
import { actingUser as actingUserOf, refused } from './console-forms.js';
import { registerConsoleReturnRoutes } from './console-returns.js';
import { sendSalePage } from './console-sale.js';
import { readRefundForm } from './read-refund-form.js';

const ORDER_ID = new RegExp(idPattern('ord'));
const REFUND_ID = new RegExp(idPattern('re'));
const STATUSES = new Set<string>(REFUND_STATUSES);
const PAGE_SIZE = 25;

export interface ConsoleRefundOptions {
  readonly deps: Deps;
  readonly processors: Processors;
  readonly csrf: Csrf;
  /** The signed-in user's frame, or null (console.ts). */
  readonly frameOf: (request: FastifyRequest, reply: FastifyReply) => Promise<ConsoleFrame | null>;
}

/**
 * Refunds from the console: preview first (what would happen, nothing created), then
 * confirm the same fields. Viewers are refused; support is held to its limit on the
 * previewed amount. Registered inside the console's scope (cookies, forms, errors).
 */
export async function registerConsoleRefundRoutes(
  app: FastifyInstance,
  options: ConsoleRefundOptions,
): Promise<void> {
  const { deps, processors, csrf, frameOf: consoleFrame } = options;
  // A return's receive and complete refund it: they sit with the refund forms.
  await registerConsoleReturnRoutes(app, options);
  /** What a command run by the signed-in operator is given, in the mode they are in. */
  const operatorContext = (f: ConsoleFrame, requestKey: string | null = null): CommandContext => ({
    deps,
    processors,
    tenant: { accountId: f.account.id, mode: f.mode },
    actor: { type: 'console_user', id: f.user.id },
    requestKey,
  });
  app.post('/console/orders/:order_id/refund/preview', async (request, reply) => {
    const posted = await refundRequest(request, reply);
    if (!posted) return reply;
    const { f, view, form, plan } = posted;
    const attempt = randomBytes(16).toString('base64url');
    return sendPage(reply, 200, (nonce) =>
      renderRefundPreview({ frame: f, nonce, view, plan, fields: form.fields, attempt }),
    );
  });

  app.post('/console/orders/:order_id/refund', async (request, reply) => {
    const posted = await refundRequest(request, reply);
    if (!posted) return reply;
    const { f, form } = posted;
    const attempt = formText((request.body ?? {}) as Form, 'attempt', 64) ?? '';
    if (!/^[A-Za-z0-9_-]{22}$/.test(attempt))
      return refused(reply, 'This form expired. Preview the refund again.');
    const created = await createRefund(
      operatorContext(f, `console:${f.user.id}:${attempt}`),
      form.input,
    );
    if (!created.ok) {
      return refused(reply, refusalMessage(created.error, posted.view, form.input), 409);
    }
    return reply.redirect(`/console/refunds/${created.value.refund.id}?mode=${f.mode}`, 303);
  });

  app.get('/console/refunds/:refund_id', async (request, reply) => {
    const f = await consoleFrame(request, reply);
    if (!f) return reply.redirect('/console/login', 303);
    const { refund_id: id } = request.params as { refund_id: string };
    const refund = REFUND_ID.test(id)
      ? await getRefund(deps, { accountId: f.account.id, mode: f.mode }, id)
      : null;
    if (!refund?.ok) {
      return sendMessagePage(reply, 404, 'Refund not found', `No refund ${id} in ${f.mode} mode.`);
    }
    const replacement =
      refund.value.refund.status === 'failed'
        ? await replacementOf(deps, refund.value.refund)
        : undefined;
    return sendPage(reply, 200, (nonce) =>
      renderRefund({
        frame: f,
        nonce,
        refund: refund.value,
        mayAct: f.user.role !== 'viewer',
        replacement: replacement?.refund ?? null,
      }),
    );
  });

  app.get('/console/refunds', async (request, reply) => {
    const f = await consoleFrame(request, reply);
    if (!f) return reply.redirect('/console/login', 303);
    const query = request.query as Record<string, unknown>;
    const status =
      typeof query.status === 'string' && STATUSES.has(query.status) ? query.status : '';
    const after =
      typeof query.starting_after === 'string' && REFUND_ID.test(query.starting_after)
        ? query.starting_after
        : undefined;
    const page = await listRefunds(
      deps,
      { accountId: f.account.id, mode: f.mode },
      { status: (status || undefined) as RefundStatus | undefined },
      { limit: PAGE_SIZE, startingAfter: after },
    );
    return sendPage(reply, 200, (nonce) =>
      renderRefunds({ frame: f, nonce, status, refunds: page.items, nextCursor: page.nextCursor }),
    );
  });

  // Cancels a pending refund (the next action offered for one).
  app.post('/console/refunds/:refund_id/cancel', async (request, reply) => {
    const acting = await actingUser(request, reply);
    if (!acting) return reply;
    const { f } = acting;
    const { refund_id: id } = request.params as { refund_id: string };
    if (!REFUND_ID.test(id))
      return sendMessagePage(reply, 404, 'Refund not found', `No refund ${id}.`);
    const canceled = await cancelRefund(operatorContext(f), { refundId: id });
    if (!canceled.ok) {
      return canceled.error.code === 'resource_missing'
        ? sendMessagePage(reply, 404, 'Refund not found', `No refund ${id} in ${f.mode} mode.`)
        : refused(reply, canceled.error.message, 409);
    }
    return reply.redirect(`/console/refunds/${id}?mode=${f.mode}`, 303);
  });

  const actingUser = (request: FastifyRequest, reply: FastifyReply) =>
    actingUserOf({ csrf, frameOf: consoleFrame }, request, reply);

  /**
   * A refund form posted by a signed-in user who may refund this much: the form read, the
   * order, and the plan (previewed now); otherwise null, the reply sent.
   */
  async function refundRequest(request: FastifyRequest, reply: FastifyReply) {
    const acting = await actingUser(request, reply);
    if (!acting) return null;
    const { f, body } = acting;
    const { order_id: id } = request.params as { order_id: string };
    const tenant = { accountId: f.account.id, mode: f.mode };
    const sale = ORDER_ID.test(id) ? await saleRecord(deps, tenant, id) : null;
    if (!sale) {
      const message = `No order ${id} in ${f.mode} mode.`;
      return answered(sendMessagePage(reply, 404, 'Order not found', message));
    }
    const back = async (status: number, error: string) =>
      answered(await sendSalePage(deps, request, reply, { f, sale, status, refundError: error }));
    const form = readRefundForm(body, sale.order);
    if ('error' in form) return back(422, form.error);
    const plan = await previewRefund({ deps, tenant }, form.input);
    if (!plan.ok) return back(422, refusalMessage(plan.error, sale.order, form.input));
    const permission = permits(
      { role: f.user.role, refundLimit: f.user.refund_limit },
      { kind: 'refund', amount: plan.value.amount },
    );
    if (!permission.allowed) {
      const limit = limitMessage(f.user.refund_limit ?? 0, sale.order.order.currency);
      return answered(refused(reply, limit));
    }
    return { f, view: sale.order, form, plan: plan.value };
  }
}
