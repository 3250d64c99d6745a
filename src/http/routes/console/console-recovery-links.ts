import type { FastifyInstance, FastifyRequest } from 'fastify';
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
import { baseUrl } from '../checkout/checkout-sessions.js';
import { actingUser, type FrameOf, refused } from './console-forms.js';

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
  options: { readonly deps: Deps; readonly csrf: Csrf; readonly frameOf: FrameOf },
): Promise<void> {
  const { deps } = options;
  app.post('/console/orders/:order_id/recovery_links', async (request, reply) => {
    const acting = await actingUser(options, request, reply);
    if (!acting) return reply;
    const { f } = acting;
    const { order_id: id } = request.params as { order_id: string };
    const missing = () => refused(reply, `No order ${id} in ${f.mode} mode.`, 404);
    if (!ORDER_ID.test(id)) return missing();
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
        ? missing()
        : refused(reply, made.error.message, 409);
    }
    return reply.redirect(`/console/orders/${id}?mode=${f.mode}#recovery`, 303);
  });
}
