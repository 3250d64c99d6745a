import { Type } from 'typebox';
import {
  RETURN_ACTIONS,
  RETURN_REASONS,
  RETURN_REFUND_STEPS,
  RETURN_STATUSES,
} from '../../../domain/returns/return-values.js';
import {
  Fields,
  Id,
  literalUnion,
  MetadataBody,
  ModeAndTimes,
  Nullable,
  Timestamp,
} from '../../schemas.js';
import { LineItemInput, Money } from '../orders/order-schemas.js';

// The wire schemas of returns: the return resource and its request bodies.

export const ReturnStatus = literalUnion(RETURN_STATUSES);
export const ReturnReason = literalUnion(RETURN_REASONS);
const Stamp = Nullable(Timestamp);

export const Return = Type.Object({
  return_id: Type.String(),
  object: Type.Literal('return'),
  order_id: Type.String({ description: 'The order the goods were sold on' }),
  status: ReturnStatus,
  reason: ReturnReason,
  restock: Type.Boolean(),
  refund_on: literalUnion(RETURN_REFUND_STEPS),
  line_items: Type.Array(
    Type.Object({
      line_item_id: Type.String(),
      quantity: Type.Integer(),
      /** What the units were paid before exclusive tax (their share of discounts off). */
      amount_money: Money,
      tax_money: Money,
      total_money: Money,
    }),
  ),
  credit_money: Money,
  exchange_line_items: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  exchange_order_id: Nullable(
    Type.String({ description: "The exchange's follow-up order, once the return settled" }),
  ),
  refund_id: Nullable(Type.String()),
  credit_refund_id: Nullable(
    Type.String({ description: "The store-credit refund recording the exchange's credit" }),
  ),
  available_actions: Type.Array(literalUnion(RETURN_ACTIONS)),
  settled_at: Stamp,
  received_at: Stamp,
  completed_at: Stamp,
  canceled_at: Stamp,
  metadata: Type.Record(Type.String(), Type.String()),
  ...ModeAndTimes,
});

export const CreateReturnBody = MetadataBody(
  'return',
  {
    line_items: Type.Array(
      Fields({
        line_item_id: Id('li'),
        quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
      }),
      { minItems: 1, maxItems: 100 },
    ),
    reason: ReturnReason,
    restock: Type.Optional(Type.Boolean()),
    refund_on: Type.Optional(literalUnion(RETURN_REFUND_STEPS)),
    exchange_line_items: Type.Optional(Type.Array(LineItemInput, { minItems: 1, maxItems: 100 })),
  },
  'Lines of the order and how many units of each come back (what was sold and not yet returned)',
);

export const UpdateReturnBody = MetadataBody(
  'return',
  { reason: Type.Optional(ReturnReason) },
  'Metadata is merged ("" removes a key)',
);
