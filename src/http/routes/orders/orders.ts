import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { EventRow } from '../../../adapters/db/schema.js';
import { createOrder } from '../../../app/orders/create-order.js';
import {
  applyCoupon,
  endOrder,
  removeCoupon,
  updateOrder,
} from '../../../app/orders/order-commands.js';
import { getOrder, listOrders, orderTimeline } from '../../../app/orders/order-queries.js';
import type { Deps } from '../../../app/shared/deps.js';
import { orderResource } from '../../../resources/order.js';
import { actorOf, callerOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { listBody, pageRequestOf } from '../../pagination.js';
import { ActionBody, ErrorResponses, ListQuery, ListResponse } from '../../schemas.js';
import {
  ApplyCouponBody,
  CouponParams,
  CreateOrderBody,
  ListOrdersQuery,
  Order,
  OrderParams,
  OrderResponse,
  TimelineEntry,
  UpdateOrderBody,
} from './order-schemas.js';

function timelineEntry(event: EventRow) {
  return {
    event_id: event.id,
    object: 'timeline_entry' as const,
    type: event.type,
    actor: { type: event.actor_type, id: event.actor_id },
    amounts_before: event.amounts_before as never,
    amounts_after: event.amounts_after as never,
    created_at: event.created_at.toISOString(),
  };
}

const tags = ['Orders'];

export function registerOrderRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const respond = { 200: OrderResponse, ...ErrorResponses };

  app.post(
    '/v1/orders',
    {
      schema: {
        tags,
        summary: 'Create an order; totals are computed',
        body: CreateOrderBody,
        response: respond,
      },
    },
    async (request) => {
      const view = unwrap(
        await createOrder(deps, callerOf(request), actorOf(request), request.body.order),
      );
      return { order: orderResource(view) };
    },
  );

  app.get(
    '/v1/orders/:order_id',
    { schema: { tags, summary: 'Retrieve an order', params: OrderParams, response: respond } },
    async (request) => {
      const view = unwrap(await getOrder(deps, callerOf(request), request.params.order_id));
      return { order: orderResource(view) };
    },
  );

  app.patch(
    '/v1/orders/:order_id',
    {
      schema: {
        tags,
        summary: 'Update line items, shipping, tip or customer (OPEN only) and metadata (always)',
        params: OrderParams,
        body: UpdateOrderBody,
        response: respond,
      },
    },
    async (request) => {
      const view = unwrap(
        await updateOrder(
          deps,
          callerOf(request),
          actorOf(request),
          request.params.order_id,
          request.body.order,
        ),
      );
      return { order: orderResource(view) };
    },
  );

  app.post(
    '/v1/orders/:order_id/coupons',
    {
      schema: {
        tags,
        summary: 'Apply a coupon by code',
        params: OrderParams,
        body: ApplyCouponBody,
        response: respond,
      },
    },
    async (request) => {
      const view = unwrap(
        await applyCoupon(
          deps,
          callerOf(request),
          actorOf(request),
          request.params.order_id,
          request.body.coupon_code,
        ),
      );
      return { order: orderResource(view) };
    },
  );

  app.delete(
    '/v1/orders/:order_id/coupons/:code',
    {
      schema: {
        tags,
        summary: 'Remove an applied coupon',
        params: CouponParams,
        response: respond,
      },
    },
    async (request) => {
      const { order_id, code } = request.params;
      const view = unwrap(
        await removeCoupon(deps, callerOf(request), actorOf(request), order_id, code),
      );
      return { order: orderResource(view) };
    },
  );

  for (const action of ['cancel', 'close'] as const) {
    app.post(
      `/v1/orders/:order_id/${action}`,
      {
        schema: {
          tags,
          summary: action === 'cancel' ? 'Cancel an OPEN order' : 'Close a paid order',
          params: OrderParams,
          body: ActionBody,
          response: respond,
        },
      },
      async (request) => {
        const view = unwrap(
          await endOrder(
            deps,
            callerOf(request),
            actorOf(request),
            request.params.order_id,
            action,
          ),
        );
        return { order: orderResource(view) };
      },
    );
  }

  app.get(
    '/v1/orders',
    {
      schema: {
        tags,
        summary: 'List orders, newest first',
        querystring: ListOrdersQuery,
        response: { 200: ListResponse('orders', Order), ...ErrorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await listOrders(
        deps,
        callerOf(request),
        {
          status: q.status,
          customerId: q.customer,
          createdGte: q.created_gte ? new Date(q.created_gte) : undefined,
          createdLt: q.created_lt ? new Date(q.created_lt) : undefined,
        },
        pageRequestOf(q),
      );
      return listBody('orders', page, orderResource);
    },
  );

  app.get(
    '/v1/orders/:order_id/timeline',
    {
      schema: {
        tags,
        summary:
          "The order's append-only history: what changed, who, when, amounts before and after",
        params: OrderParams,
        querystring: ListQuery('evt', {}),
        response: { 200: ListResponse('timeline', TimelineEntry), ...ErrorResponses },
      },
    },
    async (request) => {
      const page = unwrap(
        await orderTimeline(
          deps,
          callerOf(request),
          request.params.order_id,
          pageRequestOf(request.query),
        ),
      );
      return listBody('timeline', page, timelineEntry);
    },
  );
}
