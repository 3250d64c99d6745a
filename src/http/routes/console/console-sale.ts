import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type SaleRecord, saleRecord } from '../../../app/console/console-orders.js';
import type { Deps } from '../../../app/shared/deps.js';
import { idPattern } from '../../../app/shared/ids.js';
import type { ConsoleFrame } from '../../../pages/console-frame.js';
import { refundForms } from '../../../pages/console-refund-pages.js';
import { renderSale } from '../../../pages/console-sale-page.js';
import { sendMessagePage, sendPage } from '../../page-reply.js';
import type { FrameOf } from './console-forms.js';
import { recoveryPanelOf } from './console-recovery-links.js';

const ORDER_ID = new RegExp(idPattern('ord'));

/**
 * The sale record's page, with what the user may do on it: refund (with `refundError`, the
 * refund form sent back with why), invoice the balance, recovery links, returns.
 */
export async function sendSalePage(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
  p: { f: ConsoleFrame; sale: SaleRecord; status?: number; refundError?: string },
) {
  const { f, sale } = p;
  const net = sale.order.pricing.net;
  const mayAct = f.user.role !== 'viewer';
  const mayRefund = mayAct && net.paid - net.refunded > 0;
  const recovery = await recoveryPanelOf(deps, request, { frame: f, order: sale.order });
  return sendPage(reply, p.status ?? 200, (nonce) =>
    renderSale({
      frame: f,
      nonce,
      sale,
      refundForms:
        mayRefund || p.refundError ? refundForms(f, sale.order, p.refundError) : undefined,
      mayInvoice: mayAct,
      recovery,
    }),
  );
}

/** `GET /console/orders/{id}`: one sale, as support and finance see it. */
export function registerConsoleSaleRoute(
  app: FastifyInstance,
  { deps, frameOf }: { readonly deps: Deps; readonly frameOf: FrameOf },
): void {
  app.get('/console/orders/:order_id', async (request, reply) => {
    const f = await frameOf(request, reply);
    if (!f) return reply.redirect('/console/login', 303);
    const { order_id: id } = request.params as { order_id: string };
    const sale = ORDER_ID.test(id)
      ? await saleRecord(deps, { accountId: f.account.id, mode: f.mode }, id)
      : null;
    if (!sale) {
      return sendMessagePage(reply, 404, 'Order not found', `No order ${id} in ${f.mode} mode.`);
    }
    return sendSalePage(deps, request, reply, { f, sale });
  });
}
