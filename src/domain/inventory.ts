import { fail, ok, type Result } from './errors.js';

/** How many of each product the lines sell. */
export function quantitiesByProduct(
  lines: readonly { readonly product_id: string | null; readonly quantity: number }[],
): Map<string, number> {
  const wanted = new Map<string, number>();
  for (const line of lines) {
    if (line.product_id)
      wanted.set(line.product_id, (wanted.get(line.product_id) ?? 0) + line.quantity);
  }
  return wanted;
}

export interface StockedProduct {
  readonly id: string;
  readonly name: string;
  readonly inventory_tracked: boolean;
  readonly inventory_quantity: number | null;
}

/** Tracked products must have enough stock for everything the lines sell of them. */
export function checkStock(
  wanted: ReadonlyMap<string, number>,
  products: readonly StockedProduct[],
): Result<void> {
  for (const product of products) {
    if (!product.inventory_tracked) continue;
    const requested = wanted.get(product.id) ?? 0;
    const available = product.inventory_quantity ?? 0;
    if (requested > available) {
      return fail({
        code: 'out_of_stock',
        message: `Only ${available} of ${product.name} in stock`,
        loc: ['order', 'line_items'],
        details: { product_id: product.id, available, requested },
      });
    }
  }
  return ok(undefined);
}
