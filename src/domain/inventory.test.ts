import { describe, expect, it } from 'vitest';
import { checkStock, quantitiesByProduct } from './inventory.js';

describe('inventory', () => {
  it('sums quantities per product across lines, ignoring lines without one', () => {
    const wanted = quantitiesByProduct([
      { product_id: 'prod_a', quantity: 2 },
      { product_id: null, quantity: 5 },
      { product_id: 'prod_a', quantity: 1 },
      { product_id: 'prod_b', quantity: 4 },
    ]);
    expect([...wanted]).toEqual([
      ['prod_a', 3],
      ['prod_b', 4],
    ]);
  });

  it('refuses more than tracked stock, exactly at stock is fine, untracked is unlimited', () => {
    const mat = { id: 'prod_a', name: 'Mat', inventory_tracked: true, inventory_quantity: 3 };
    const free = {
      id: 'prod_b',
      name: 'Download',
      inventory_tracked: false,
      inventory_quantity: null,
    };
    expect(
      checkStock(
        new Map([
          ['prod_a', 3],
          ['prod_b', 1000],
        ]),
        [mat, free],
      ).ok,
    ).toBe(true);
    expect(checkStock(new Map([['prod_a', 4]]), [mat])).toMatchObject({
      ok: false,
      error: {
        code: 'out_of_stock',
        details: { product_id: 'prod_a', available: 3, requested: 4 },
      },
    });
  });
});
