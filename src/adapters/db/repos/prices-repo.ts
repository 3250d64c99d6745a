import type { PriceRow } from '../schema.js';
import { type ListRows, tableRows, type UpdateById } from '../table-rows.js';

const prices = tableRows('prices', {
  json: ['metadata'],
  filters: { productId: 'product_id', active: 'active', currency: 'currency' },
});

export const insertPrice = prices.insert;
export const selectPriceById = prices.byId;
/** Reads a price and locks its row until the transaction ends. */
export const lockPriceById = prices.lockById;

/** Only these change: amount, currency, product and recurrence are immutable. */
export type PriceChanges = Partial<Pick<PriceRow, 'active' | 'metadata'>> &
  Pick<PriceRow, 'updated_at'>;

export const updatePrice: UpdateById<PriceChanges> = prices.update;

export interface PriceFilter {
  readonly productId?: string | undefined;
  readonly active?: boolean | undefined;
  /** Upper-case ISO 4217. */
  readonly currency?: string | undefined;
}

export const listPrices: ListRows<PriceFilter, PriceRow> = prices.list;
