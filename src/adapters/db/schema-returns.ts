import type { Selectable } from 'kysely';
import type {
  ReturnReason,
  ReturnRefundStep,
  ReturnStatus,
} from '../../domain/returns/return-values.js';
import type { Json, MetadataAndTimestamps, Nullable, TenantColumns } from './schema-columns.js';

/** A returned line: the order line, how many units, and the credit they were given. */
export interface ReturnLine {
  readonly line_item_id: string;
  /** The line's product, whose tracked stock a restocked return gives back. */
  readonly product_id: string | null;
  readonly quantity: number;
  /** What the units were paid before exclusive tax. */
  readonly amount: number;
  readonly exclusive_tax: number;
  /** All tax within the credit (inclusive and exclusive). */
  readonly tax: number;
}

/** A new line of an exchange, as the request gave it (an order line input). */
export type ExchangeLine = Readonly<Record<string, unknown>>;

export interface ReturnsTable extends TenantColumns, MetadataAndTimestamps {
  order_id: string;
  status: ReturnStatus;
  reason: ReturnReason;
  restock: boolean;
  refund_on: ReturnRefundStep;
  currency: string;
  /** What the returned units were paid: Σ lines' amount + exclusive tax. */
  credit: number;
  line_items: Json<ReturnLine[]>;
  exchange_line_items: Json<ExchangeLine[]>;
  exchange_order_id: string | null;
  /** The refund made on the original order (the card refund of what is not credited). */
  refund_id: string | null;
  /** The store-credit refund recording what an exchange's follow-up was credited. */
  credit_refund_id: string | null;
  /** When its refund and exchange were made: never canceled after. */
  settled_at: Nullable<Date>;
  received_at: Nullable<Date>;
  completed_at: Nullable<Date>;
  canceled_at: Nullable<Date>;
}

export type ReturnRow = Selectable<ReturnsTable>;
