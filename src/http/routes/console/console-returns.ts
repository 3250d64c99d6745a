import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  cancelReturn,
  completeReturn,
  receiveReturn,
} from '../../../app/returns/return-actions.js';
import { getReturn } from '../../../app/returns/return-views.js';
import { idPattern } from '../../../app/shared/ids.js';
import { permits } from '../../../domain/console-roles.js';
import type { ConsoleFrame } from '../../../pages/console-frame.js';
import { limitMessage } from '../../../pages/console-refund-pages.js';
import type { Processors } from '../../../ports/payment-processor.js';
import { sendMessagePage } from '../../page-reply.js';
import { type OperatorForms, operatorForm } from './console-forms.js';

const RETURN_ID = new RegExp(idPattern('ret'));
const ACTIONS = { receive: receiveReturn, complete: completeReturn, cancel: cancelReturn };

/**
 * A return's moves from the sale record (receive, complete, cancel) as forms: CSRF-checked,
 * viewers only look, and a move that may refund is held to the user's refund limit on the
 * return's credit. Answers by going back to the order's page.
 */
export async function registerConsoleReturnRoutes(
  app: FastifyInstance,
  options: OperatorForms & { readonly processors: Processors },
): Promise<void> {
  const notFound = (reply: FastifyReply, f: ConsoleFrame, id: string) =>
    sendMessagePage(reply, 404, 'Return not found', `No return ${id} in ${f.mode} mode.`);

  app.post('/console/returns/:return_id/:action', async (request, reply) => {
    const posted = await operatorForm(options, request, reply);
    if (!posted) return reply;
    const { f, ctx } = posted;
    const { return_id: id, action } = request.params as { return_id: string; action: string };
    const act = Object.hasOwn(ACTIONS, action) ? ACTIONS[action as keyof typeof ACTIONS] : null;
    const found = act && RETURN_ID.test(id) ? await getReturn(ctx.deps, ctx.tenant, id) : null;
    if (!act || !found?.ok) return notFound(reply, f, id);
    if (action !== 'cancel') {
      const permission = permits(
        { role: f.user.role, refundLimit: f.user.refund_limit },
        { kind: 'refund', amount: found.value.credit },
      );
      if (!permission.allowed) {
        const limit = limitMessage(f.user.refund_limit ?? 0, found.value.currency);
        return sendMessagePage(reply, 403, 'Not allowed', limit);
      }
    }
    const done = await act({ ...ctx, processors: options.processors, requestKey: null }, { id });
    if (!done.ok) return sendMessagePage(reply, 409, 'Not done', done.error.message);
    return reply.redirect(`/console/orders/${done.value.order_id}?mode=${f.mode}#returns`, 303);
  });
}
