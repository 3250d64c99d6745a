import type { FastifyInstance } from 'fastify';
import { customerRecord } from '../../../app/console/console-customers.js';
import { updateCustomer } from '../../../app/customers/customers.js';
import { detachPaymentMethod } from '../../../app/payment-methods/payment-method-actions.js';
import { getPaymentMethod } from '../../../app/payment-methods/payment-method-views.js';
import type { Deps } from '../../../app/shared/deps.js';
import { idPattern } from '../../../app/shared/ids.js';
import { renderCustomer } from '../../../pages/console-customer-page.js';
import type { Processors } from '../../../ports/payment-processor.js';
import type { Csrf } from '../../csrf.js';
import { sendMessagePage, sendPage } from '../../page-reply.js';
import { type FrameOf, operatorForm, refused } from './console-forms.js';

const CUSTOMER_ID = new RegExp(idPattern('cus'));
const METHOD_ID = new RegExp(idPattern('pm'));

/**
 * `GET /console/customers/{id}`: the customer, its saved payment methods (detach, make
 * default: CSRF-checked forms, not for viewers), its newest orders and invoices.
 */
export async function registerConsoleCustomerRoutes(
  app: FastifyInstance,
  options: {
    readonly deps: Deps;
    readonly processors: Processors;
    readonly csrf: Csrf;
    readonly frameOf: FrameOf;
  },
): Promise<void> {
  const { deps, processors, frameOf } = options;
  const pageOf = (id: string, mode: string) =>
    `/console/customers/${id}?mode=${mode}#payment-methods`;

  app.get('/console/customers/:customer_id', async (request, reply) => {
    const f = await frameOf(request, reply);
    if (!f) return reply.redirect('/console/login', 303);
    const { customer_id: id } = request.params as { customer_id: string };
    const record = CUSTOMER_ID.test(id)
      ? await customerRecord(deps, { accountId: f.account.id, mode: f.mode }, id)
      : null;
    if (!record) {
      return sendMessagePage(
        reply,
        404,
        'Customer not found',
        `No customer ${id} in ${f.mode} mode.`,
      );
    }
    return sendPage(reply, 200, (nonce) => renderCustomer({ frame: f, nonce, record }));
  });

  app.post('/console/payment_methods/:payment_method_id/detach', async (request, reply) => {
    const acting = await operatorForm(options, request, reply);
    if (!acting) return reply;
    const { f, ctx } = acting;
    const { payment_method_id: id } = request.params as { payment_method_id: string };
    const missing = () => refused(reply, `No payment method ${id} in ${f.mode} mode.`, 404);
    if (!METHOD_ID.test(id)) return missing();
    const found = await getPaymentMethod(deps, ctx.tenant, id);
    if (!found.ok) return missing();
    const detached = await detachPaymentMethod({ ...ctx, processors, requestKey: null }, { id });
    if (!detached.ok) return refused(reply, detached.error.message, 409);
    return reply.redirect(pageOf(found.value.customer_id, f.mode), 303);
  });

  app.post('/console/customers/:customer_id/default_payment_method', async (request, reply) => {
    const acting = await operatorForm(options, request, reply);
    if (!acting) return reply;
    const { f, ctx, form } = acting;
    const { customer_id: id } = request.params as { customer_id: string };
    const method = typeof form.payment_method_id === 'string' ? form.payment_method_id : '';
    if (!CUSTOMER_ID.test(id) || !METHOD_ID.test(method)) {
      return refused(reply, `No customer ${id} or payment method in ${f.mode} mode.`, 404);
    }
    const updated = await updateCustomer(ctx, {
      id,
      changes: { default_payment_method_id: method },
    });
    if (!updated.ok) {
      const status = updated.error.code === 'resource_missing' ? 404 : 409;
      return refused(reply, updated.error.message, status);
    }
    return reply.redirect(pageOf(id, f.mode), 303);
  });
}
