import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { EventRow } from '../../adapters/db/schema.js';
import { createOrder } from '../../app/create-order.js';
import type { Deps } from '../../app/deps.js';
import type { Actor } from '../../app/events.js';
import { applyCoupon, endOrder, removeCoupon, updateOrder } from '../../app/order-commands.js';
import { getOrder, listOrders, orderTimeline } from '../../app/order-queries.js';
import { MAX_AMOUNT } from '../../domain/money.js';
import { orderResource } from '../../resources/order.js';
import { callerOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { listBody, pageRequestOf } from '../pagination.js';
import {
  ErrorResponse,
  Id,
  IdempotencyKey,
  ListQuery,
  ListResponse,
  Metadata,
  Nullable,
  RootBody,
  Timestamp,
} from '../schemas.js';

const OrderStatus = Type.Union([
  Type.Literal('OPEN'),
  Type.Literal('PAID'),
  Type.Literal('PARTIALLY_REFUNDED'),
  Type.Literal('REFUNDED'),
  Type.Literal('CANCELED'),
  Type.Literal('CLOSED'),
]);
const CurrencyCode = Type.String({
  pattern: '^[A-Za-z]{3}$',
  description: 'ISO 4217, either case',
});
const MoneyInput = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, maximum: MAX_AMOUNT, description: 'Minor units' }),
    currency: Type.Optional(CurrencyCode),
  },
  { additionalProperties: false },
);
const Money = Type.Object({ amount: Type.Integer(), currency: Type.String() });

const LineItemInput = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    unit_price_money: Type.Optional(MoneyInput),
    price_id: Type.Optional(Id('price')),
    product_id: Type.Optional(Id('prod')),
    tax_rate_ids: Type.Optional(
      Type.Array(Id('txr'), { maxItems: 10, description: 'Overrides the default rates' }),
    ),
    tax_exempt: Type.Optional(Type.Boolean()),
    metadata: Type.Optional(Metadata),
  },
  {
    additionalProperties: false,
    description: 'Ad hoc (name + unit_price_money), or by price_id or product_id',
  },
);
export const LineItems = Type.Array(LineItemInput, { minItems: 1, maxItems: 100 });

const CreateOrderBody = RootBody(
  'order',
  Type.Object(
    {
      currency: Type.Optional(CurrencyCode),
      customer_id: Type.Optional(Id('cus')),
      line_items: LineItems,
      shipping_money: Type.Optional(MoneyInput),
      tip_money: Type.Optional(MoneyInput),
      coupon_codes: Type.Optional(
        Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
          maxItems: 10,
          description: 'Applied in order',
        }),
      ),
      metadata: Type.Optional(Metadata),
    },
    { additionalProperties: false },
  ),
);
const UpdateOrderBody = RootBody(
  'order',
  Type.Object(
    {
      line_items: Type.Optional(LineItems),
      shipping_money: Type.Optional(MoneyInput),
      tip_money: Type.Optional(MoneyInput),
      customer_id: Type.Optional(Nullable(Id('cus'))),
      metadata: Type.Optional(Metadata),
    },
    {
      additionalProperties: false,
      description: 'line_items replaces all lines; metadata is merged',
    },
  ),
);
const ApplyCouponBody = Type.Object(
  {
    coupon_code: Type.String({ minLength: 1, maxLength: 64 }),
    idempotency_key: Type.Optional(IdempotencyKey),
  },
  { additionalProperties: false },
);
const EmptyBody = Type.Object(
  { idempotency_key: Type.Optional(IdempotencyKey) },
  { additionalProperties: false },
);

const NetAmounts = Type.Object({
  subtotal_money: Money,
  discount_money: Money,
  tax_money: Money,
  shipping_money: Money,
  tip_money: Money,
  total_money: Money,
  paid_money: Money,
  refunded_money: Money,
  balance_money: Money,
});
export const Order = Type.Object({
  order_id: Type.String(),
  object: Type.Literal('order'),
  status: OrderStatus,
  currency: Type.String(),
  customer_id: Nullable(Type.String()),
  line_items: Type.Array(
    Type.Object({
      line_item_id: Type.String(),
      object: Type.Literal('line_item'),
      name: Type.String(),
      quantity: Type.Integer(),
      unit_price_money: Money,
      product_id: Nullable(Type.String()),
      price_id: Nullable(Type.String()),
      tax_rate_ids: Type.Array(Type.String()),
      tax_exempt: Type.Boolean(),
      gross_money: Money,
      discount_money: Money,
      tax_money: Money,
      total_money: Money,
      applied_discounts: Type.Array(
        Type.Object({
          coupon_id: Type.String(),
          code: Nullable(Type.String()),
          amount_money: Money,
        }),
      ),
      applied_taxes: Type.Array(Type.Object({ tax_rate_id: Type.String(), amount_money: Money })),
      metadata: Type.Record(Type.String(), Type.String()),
    }),
  ),
  coupons: Type.Array(
    Type.Object({
      coupon_id: Type.String(),
      code: Type.String(),
      percent_off: Nullable(Type.String()),
      amount_off: Nullable(Type.Integer()),
      stackable: Type.Boolean(),
      discount_money: Money,
    }),
  ),
  taxes: Type.Array(
    Type.Object({
      tax_rate_id: Type.String(),
      display_name: Nullable(Type.String()),
      percentage: Nullable(Type.String()),
      inclusive: Type.Boolean(),
      taxable_money: Money,
      amount_money: Money,
    }),
  ),
  shipping_money: Money,
  tip_money: Money,
  payments: Type.Array(
    Type.Object({
      payment_intent_id: Type.String(),
      amount_money: Money,
      status: Type.String(),
      latest_charge: Nullable(Type.String()),
    }),
  ),
  net_amounts: NetAmounts,
  available_actions: Type.Array(Type.String()),
  version: Type.Integer(),
  metadata: Type.Record(Type.String(), Type.String()),
  test_mode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
const OrderResponse = Type.Object({ order: Order });
const OrderParams = Type.Object({ order_id: Id('ord') }, { additionalProperties: false });
const CouponParams = Type.Object(
  { order_id: Id('ord'), code: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
const ListOrdersQuery = ListQuery('ord', {
  status: Type.Optional(OrderStatus),
  customer: Type.Optional(Id('cus')),
  created_gte: Type.Optional(Timestamp),
  created_lt: Type.Optional(Timestamp),
});
const TimelineEntry = Type.Object({
  event_id: Type.String(),
  object: Type.Literal('timeline_entry'),
  type: Type.String(),
  actor: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }),
  amounts_before: Nullable(NetAmounts),
  amounts_after: Nullable(NetAmounts),
  created_at: Timestamp,
});

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

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
const tags = ['Orders'];

function actorOf(request: FastifyRequest): Actor {
  return { type: 'api_key', id: callerOf(request).keyId };
}

export function registerOrderRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const respond = { 200: OrderResponse, ...errors };

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
          body: EmptyBody,
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
        response: { 200: ListResponse('orders', Order), ...errors },
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
        response: { 200: ListResponse('timeline', TimelineEntry), ...errors },
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
