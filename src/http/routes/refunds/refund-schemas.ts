import { Type } from 'typebox';
import { idPattern } from '../../../app/shared/ids.js';
import { MAX_AMOUNT } from '../../../domain/money.js';
import {
  REFUND_METHODS,
  REFUND_REASONS,
  REFUND_STATUSES,
} from '../../../domain/refunds/refund-values.js';
import {
  Id,
  literalUnion,
  Metadata,
  Nullable,
  RootBody,
  ScalarMetadata,
  Timestamp,
} from '../../schemas.js';
import { CurrencyCode } from '../orders/order-schemas.js';

// The refund wire shapes: the object, and the bodies of every refund endpoint.

export const Reason = literalUnion(REFUND_REASONS);
export const RefundStatus = literalUnion(REFUND_STATUSES);
export const RefundMethod = literalUnion(REFUND_METHODS, {
  description:
    'How the money goes back: original_payment_method (through the processor; the default), or cash, bank_transfer, check, store_credit or other for money returned outside Flint and recorded here (an offline refund: succeeded at once, nothing sent to the processor)',
});
const ReferenceFields = {
  reference_id: Nullable(Type.String()),
  reference_type: Type.String(),
  reference_status: Type.String(),
};
export const Refund = Type.Object({
  refund_id: Type.String(),
  object: Type.Literal('refund'),
  payment_intent_id: Type.String(),
  amount: Type.Integer(),
  amount_refunded: Type.Integer({
    description: 'What has reached the buyer: the parts (items[]) that succeeded',
  }),
  status: Type.String(),
  reason: Nullable(Type.String()),
  created_at: Timestamp,
  test_mode: Type.Boolean(),
  metadata: Type.Record(Type.String(), Type.String()),
  ...ReferenceFields,
  items: Type.Array(
    Type.Object({
      amount_refunded: Type.Integer(),
      payment_intent: Type.String(),
      status: Type.String(),
      ...ReferenceFields,
    }),
  ),
  order_id: Type.String(),
  checkout_session_id: Nullable(Type.String()),
  currency: Type.String(),
  amount_tax: Type.Integer(),
  amount_shipping: Type.Integer(),
  amount_discount: Type.Integer(),
  line_items: Type.Array(
    Type.Object({
      line_item_id: Type.String(),
      amount: Type.Integer(),
      amount_tax: Type.Integer(),
    }),
  ),
  method: RefundMethod,
  replaces_refund_id: Nullable(Type.String()),
  failure_reason: Nullable(Type.String()),
  next_actions: Type.Array(Type.Object({ action: Type.String(), description: Type.String() })),
  updated_at: Timestamp,
});

const Amount = (description: string, minimum = 0) =>
  Type.Integer({ minimum, maximum: MAX_AMOUNT, description });

/** The guide's line-item refund fields, shared by every refund endpoint. */
const ItemizedFields = {
  line_items: Type.Optional(
    Type.Array(
      Type.Object(
        {
          product: Type.Optional(Id('prod')),
          price: Type.Optional(Id('price')),
          line_item_id: Type.Optional(Id('li')),
          amount_to_refund: Type.Optional(
            Amount("Minor units of the line's pre-tax amount; everything left when omitted", 1),
          ),
        },
        {
          additionalProperties: false,
          description: 'Exactly one of product, price or line_item_id',
        },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  ),
  amount_tax: Type.Optional(
    Amount('Tax to refund; computed in proportion to the lines and shipping when omitted'),
  ),
  amount_shipping: Type.Optional(Amount('Shipping to refund')),
  amount_discount: Type.Optional(Amount('Discount to take off the refund')),
};

/** A flat amount (instead of line items), as `amount` or as `amount_money`. */
const FlatFields = {
  amount: Type.Optional(
    Amount('A flat amount (instead of line items); all that is left when nothing is given', 1),
  ),
  amount_money: Type.Optional(
    Type.Object(
      { amount: Amount('Minor units', 1), currency: Type.Optional(CurrencyCode) },
      {
        additionalProperties: false,
        description: "The flat amount as money (instead of amount); in the order's currency",
      },
    ),
  ),
};

const RefundFields = Type.Object(
  {
    order_id: Type.Optional(Id('ord')),
    payment_intent_id: Type.Optional(Id('pi')),
    ...FlatFields,
    ...ItemizedFields,
    reason: Type.Optional(Nullable(Reason)),
    metadata: Type.Optional(Metadata),
    method: Type.Optional(RefundMethod),
    replaces_refund_id: Type.Optional(
      Type.String({
        pattern: idPattern('re'),
        description:
          'A failed refund of the order that this one makes good (a retry, or the money returned offline); refused if another refund already does',
      }),
    ),
  },
  { additionalProperties: false },
);
export const CreateRefundBody = RootBody('refund', RefundFields);
export const UpdateRefundBody = RootBody(
  'refund',
  Type.Object(
    { reason: Type.Optional(Nullable(Reason)), metadata: Type.Optional(Metadata) },
    { additionalProperties: false },
  ),
);
export const RefundParams = Type.Object({ refund_id: Id('re') }, { additionalProperties: false });
export const RefundResponse = Type.Object({ refund: Refund });
export const Preview = Type.Object({
  refund_preview: Type.Object({
    object: Type.Literal('refund_preview'),
    order_id: Type.String(),
    amount: Type.Integer(),
    amount_tax: Type.Integer(),
    amount_shipping: Type.Integer(),
    amount_discount: Type.Integer(),
    line_items: Refund.properties.line_items,
    items: Type.Array(
      Type.Object({ payment_intent: Type.String(), amount_refunded: Type.Integer() }),
    ),
    remaining_refundable: Type.Integer(),
  }),
});

/** The refund guide's primary endpoint: `{"checkout_session": {...}}`. */
export const CheckoutSessionRefundBody = RootBody(
  'checkout_session',
  Type.Object(
    {
      ...FlatFields,
      ...ItemizedFields,
      reason: Type.Optional(Nullable(Reason)),
      refund_metadata: Type.Optional(ScalarMetadata),
    },
    { additionalProperties: false },
  ),
);
