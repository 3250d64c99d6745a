import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ReturnRow } from '../../../adapters/db/schema-returns.js';
import { createReturn } from '../../../app/returns/create-return.js';
import {
  cancelReturn,
  completeReturn,
  receiveReturn,
  updateReturn,
} from '../../../app/returns/return-actions.js';
import { getReturn, listOrderReturns, listReturns } from '../../../app/returns/return-views.js';
import type { Deps } from '../../../app/shared/deps.js';
import type { Processors } from '../../../ports/payment-processor.js';
import { returnResource } from '../../../resources/return.js';
import { commandContextOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { answerOnce, sendAnswer } from '../../idempotency.js';
import { listBody, pageRequestOf } from '../../pagination.js';
import { ActionBody, ErrorResponses, Id, ListQuery, ListResponse } from '../../schemas.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';
import { CreateReturnBody, Return, ReturnStatus, UpdateReturnBody } from './return-schemas.js';

const tags = ['Returns'];
const OrderParams = Type.Object({ order_id: Id('ord') }, { additionalProperties: false });
const answer = (row: ReturnRow) => ({ return: returnResource(row) });

export function registerReturnRoutes(
  server: FastifyInstance,
  deps: Deps,
  processors: Processors,
): void {
  const routes = resourceRoutes(server, deps, {
    key: 'return',
    idPrefix: 'ret',
    tags,
    schema: Return,
    serialize: returnResource,
  });
  routes.get({ summary: 'Retrieve a return', run: ofCaller(getReturn) });
  routes.update({
    summary: "Change a return's reason or metadata",
    body: UpdateReturnBody,
    run: (ctx, id, body) => updateReturn(ctx, { id, changes: body.return }),
  });
  routes.list({
    summary: 'List returns, newest first',
    filters: { status: Type.Optional(ReturnStatus), order_id: Type.Optional(Id('ord')) },
    run: ({ deps, tenant }, { status, order_id }, page) =>
      listReturns(deps, tenant, { status, order_id }, page),
  });
  routes.action('receive', {
    summary: 'The goods arrived: restock (when asked) and, with refund_on "received", refund',
    body: ActionBody,
    run: (ctx, id) => receiveReturn({ ...ctx, processors }, { id }),
  });
  routes.action('complete', {
    summary: 'Complete a received return: with refund_on "completed", refund (and exchange)',
    body: ActionBody,
    run: (ctx, id) => completeReturn({ ...ctx, processors }, { id }),
  });
  routes.action('cancel', {
    summary: 'Cancel a return not yet refunded: its units can be returned again',
    body: ActionBody,
    run: (ctx, id) => cancelReturn(ctx, { id }),
  });

  server.post(
    '/v1/orders/:order_id/returns',
    {
      schema: {
        tags,
        summary: "Open a return of an order's lines (and an exchange for new ones)",
        params: OrderParams,
        body: CreateReturnBody,
        response: { 200: Type.Object({ return: Return }), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const { order_id } = request.params as { order_id: string };
      const body = request.body as { return: Parameters<typeof createReturn>[1]['input'] };
      const respond = (row: ReturnRow) => ({ status: 200, body: answer(row) });
      const row = unwrap(
        await createReturn(
          commandContextOf(request, deps),
          { orderId: order_id, input: body.return },
          { answer: answerOnce(request, reply, respond) },
        ),
      );
      return sendAnswer(request, reply, () => respond(row));
    },
  );

  const query = ListQuery('ret', { status: Type.Optional(ReturnStatus) });
  server.get(
    '/v1/orders/:order_id/returns',
    {
      schema: {
        tags,
        summary: "List an order's returns, newest first",
        params: OrderParams,
        querystring: query,
        response: { 200: ListResponse('returns', Return), ...ErrorResponses },
      },
    },
    async (request) => {
      const { order_id } = request.params as { order_id: string };
      const q = request.query as { status?: ReturnRow['status'] };
      const page = unwrap(
        await listOrderReturns(commandContextOf(request, deps), {
          filter: { order_id, status: q.status },
          page: pageRequestOf(request.query as Parameters<typeof pageRequestOf>[0]),
        }),
      );
      return listBody('returns', page, returnResource);
    },
  );
}
