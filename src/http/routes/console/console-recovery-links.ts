import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRecoveryLink } from '../../../app/recovery-links/create-recovery-link.js';
import { listRecoveryLinks } from '../../../app/recovery-links/recovery-link-views.js';
import type { Deps } from '../../../app/shared/deps.js';
import { idPattern } from '../../../app/shared/ids.js';
import type { Tenant } from '../../../domain/tenant.js';
import type { ConsoleFrame } from '../../../pages/console-frame.js';
import { recoveryPanel } from '../../../pages/console-recovery-links.js';
import type { Html } from '../../../pages/html.js';
import type { OrderView } from '../../../resources/order.js';
import type { Csrf } from '../../csrf.js';
import type { Form } from '../../form-fields.js';
import { sendMessagePage } from '../../page-reply.js';
import { baseUrl } from '../checkout/checkout-sessions.js';

const ORDER_ID = new RegExp(idPattern('ord'));

/** The sale page's recovery links panel (the newest 20), with the one-click create. */
export async function recoveryPanelOf(
  deps: Deps,
  request: FastifyRequest,
  { frame: f, order }: { frame: ConsoleFrame; order: OrderView },
): Promise<Html> {
  const orderId = order.order.id;
  const balance = order.order.status === 'OPEN' ? order.pricing.net.balance : 0;
  const tenant: Tenant = { accountId: f.account.id, mode: f.mode };
  const links = await listRecoveryLinks(
    { deps, tenant },
    { filter: { order_id: orderId }, page: { limit: 20 } },
  );
  return recoveryPanel({
    frame: f,
    orderId,
    links: links.items,
    baseUrl: baseUrl(deps, request),
    mayCreate: f.user.role !== 'viewer' && balance > 0,
  });
}

/**
 * `POST /console/orders/:order_id/recovery_links`: one click makes a link for the order's
 * balance (CSRF-checked; viewers only look), then back to the sale page, which shows it.
 */
export async function registerConsoleRecovery(
  app: FastifyInstance,
  options: {
    readonly deps: Deps;
    readonly csrf: Csrf;
    readonly frameOf: (
      request: FastifyRequest,
      reply: FastifyReply,
    ) => Promise<ConsoleFrame | null>;
  },
): Promise<void> {
  const { deps, csrf, frameOf } = options;
  app.post('/console/orders/:order_id/recovery_links', async (request, reply) => {
    const f = await frameOf(request, reply);
    if (!f) return reply.redirect('/console/login', 303);
    const { order_id: id } = request.params as { order_id: string };
    const form = (request.body ?? {}) as Form;
    if (!csrf.verify(request, `console:${f.user.id}`, form.csrf_token)) {
      return sendMessagePage(
        reply,
        403,
        'Not allowed',
        'This form expired or was not sent from the console.',
      );
    }
    if (f.user.role === 'viewer') {
      return sendMessagePage(
        reply,
        403,
        'Not allowed',
        'Viewers can look but not change anything.',
      );
    }
    if (!ORDER_ID.test(id))
      return sendMessagePage(reply, 404, 'Order not found', `No order ${id} in ${f.mode} mode.`);
    const made = await createRecoveryLink(
      {
        deps,
        tenant: { accountId: f.account.id, mode: f.mode },
        actor: { type: 'console_user', id: f.user.id },
      },
      { orderId: id, link: {} },
    );
    if (!made.ok) {
      return made.error.code === 'resource_missing'
        ? sendMessagePage(reply, 404, 'Order not found', `No order ${id} in ${f.mode} mode.`)
        : sendMessagePage(reply, 409, 'Not done', made.error.message);
    }
    return reply.redirect(`/console/orders/${id}?mode=${f.mode}#recovery`, 303);
  });
}
