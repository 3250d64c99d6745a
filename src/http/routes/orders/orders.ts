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
import { commandContextOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { listBody, pageRequestOf } from '../../pagination.js';
import { ActionBody, ErrorResponses, ListQuery, ListResponse } from '../../schemas.js';
import { resourceRoutes } from '../resource-routes.js';
import {
  ApplyCouponBody,
  CouponParams,
  CreateOrderBody,
  Order,
  OrderFilters,
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
  const orders = resourceRoutes(server, deps, {
    path: '/v1/orders',
    key: 'order',
    listKey: 'orders',
    idParam: 'order_id',
    idPrefix: 'ord',
    tags,
    schema: Order,
    serialize: orderResource,
  });
  orders.create({
    summary: 'Create an order; totals are computed',
    body: CreateOrderBody,
    run: (ctx, body, answer) => createOrder(ctx, body.order, { answer }),
  });
  orders.get({
    summary: 'Retrieve an order',
    run: ({ deps, caller }, id) => getOrder(deps, caller, id),
  });
  orders.update({
    summary: 'Update line items, shipping, tip or customer (OPEN only) and metadata (always)',
    body: UpdateOrderBody,
    run: (ctx, id, body) => updateOrder(ctx, { orderId: id, changes: body.order }),
  });
  orders.action('coupons', {
    summary: 'Apply a coupon by code',
    body: ApplyCouponBody,
    run: (ctx, id, body) => applyCoupon(ctx, { orderId: id, code: body.coupon_code }),
  });

  app.delete(
    '/v1/orders/:order_id/coupons/:code',
    {
      schema: {
        tags,
        summary: 'Remove an applied coupon',
        params: CouponParams,
        response: { 200: OrderResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { order_id, code } = request.params;
      const view = unwrap(
        await removeCoupon(commandContextOf(request, deps), { orderId: order_id, code }),
      );
      return { order: orderResource(view) };
    },
  );

  for (const action of ['cancel', 'close'] as const) {
    orders.action(action, {
      summary: action === 'cancel' ? 'Cancel an OPEN order' : 'Close a paid order',
      body: ActionBody,
      run: (ctx, id) => endOrder(ctx, { orderId: id, action }),
    });
  }

  orders.list({
    summary: 'List orders, newest first',
    filters: OrderFilters,
    run: (ctx, q, page) =>
      listOrders(ctx, {
        filter: {
          status: q.status,
          customerId: q.customer,
          createdGte: q.created_gte ? new Date(q.created_gte) : undefined,
          createdLt: q.created_lt ? new Date(q.created_lt) : undefined,
        },
        page,
      }),
  });

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
        await orderTimeline(commandContextOf(request, deps), {
          orderId: request.params.order_id,
          page: pageRequestOf(request.query),
        }),
      );
      return listBody('timeline', page, timelineEntry);
    },
  );
}
