import { Type } from 'typebox';
import { MAX_AMOUNT } from '../../../domain/money.js';
import { ORDER_STATUSES } from '../../../domain/order-lifecycle.js';
import {
  Id,
  IdempotencyKey,
  literalUnion,
  Metadata,
  Nullable,
  RootBody,
  Timestamp,
} from '../../schemas.js';

// The wire schemas of orders: request bodies, the order resource, the timeline entry.

export const OrderStatus = literalUnion(ORDER_STATUSES);
export const CurrencyCode = Type.String({
  pattern: '^[A-Za-z]{3}$',
  description: 'ISO 4217, either case',
});
export const MoneyInput = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, maximum: MAX_AMOUNT, description: 'Minor units' }),
    currency: Type.Optional(CurrencyCode),
  },
  { additionalProperties: false },
);
export const Money = Type.Object({ amount: Type.Integer(), currency: Type.String() });

export const LineItemInput = Type.Object(
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

export const CreateOrderBody = RootBody(
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
export const UpdateOrderBody = RootBody(
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
export const ApplyCouponBody = Type.Object(
  {
    coupon_code: Type.String({ minLength: 1, maxLength: 64 }),
    idempotency_key: Type.Optional(IdempotencyKey),
  },
  { additionalProperties: false },
);

export const NetAmounts = Type.Object({
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
  /** An exchange's credit from its return, taken off the total after tax. */
  credit_money: Money,
  exchange_for_order_id: Nullable(
    Type.String({ description: 'The order this one is an exchange for' }),
  ),
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
export const OrderResponse = Type.Object({ order: Order });
export const OrderParams = Type.Object({ order_id: Id('ord') }, { additionalProperties: false });
export const CouponParams = Type.Object(
  { order_id: Id('ord'), code: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
/** The orders list's filters (besides keyset pagination). */
export const OrderFilters = {
  status: Type.Optional(OrderStatus),
  customer: Type.Optional(Id('cus')),
  created_gte: Type.Optional(Timestamp),
  created_lt: Type.Optional(Timestamp),
};
export const TimelineEntry = Type.Object({
  event_id: Type.String(),
  object: Type.Literal('timeline_entry'),
  type: Type.String(),
  actor: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }),
  amounts_before: Nullable(NetAmounts),
  amounts_after: Nullable(NetAmounts),
  created_at: Timestamp,
});
