import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  exchangeDifference,
  lineCredit,
  planReturnLines,
  type ReturnableLine,
  unitShare,
} from './return-credit.js';

const amount = fc.integer({ min: 0, max: 10_000_000_000 });

/** A line's quantity and a random order of partial returns that return all of it. */
const partition = fc
  .integer({ min: 1, max: 60 })
  .chain((quantity) =>
    fc
      .array(fc.integer({ min: 1, max: quantity }), { maxLength: quantity })
      .map((cuts) => ({ quantity, counts: countsOf(quantity, cuts) })),
  );

function countsOf(quantity: number, cuts: number[]): number[] {
  const points = [...new Set([0, ...cuts, quantity])].sort((a, b) => a - b);
  return points.slice(1).map((p, i) => p - (points[i] as number));
}

describe('the credit of returned units', () => {
  it('splits a line exactly: the returns of every unit add up to what it was paid', () => {
    fc.assert(
      fc.property(amount, partition, (total, { quantity, counts }) => {
        let before = 0;
        const shares = counts.map((count) => {
          const share = unitShare(total, { quantity, before, count });
          before += count;
          return share;
        });
        expect(shares.every((s) => Number.isInteger(s) && s >= 0)).toBe(true);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      }),
    );
  });

  it('never credits more than paid, whatever part is returned', () => {
    fc.assert(
      fc.property(amount, amount, partition, (taxable, exclusiveTax, { quantity, counts }) => {
        const line: ReturnableLine = {
          id: 'li',
          quantity,
          taxable,
          exclusiveTax,
          tax: exclusiveTax,
        };
        let before = 0;
        let credited = 0;
        for (const count of counts.slice(0, -1)) {
          credited += lineCredit(line, before, count).total;
          before += count;
          expect(credited).toBeLessThanOrEqual(taxable + exclusiveTax);
        }
      }),
    );
  });

  it('credits every unit alike to within one minor unit', () => {
    fc.assert(
      fc.property(amount, fc.integer({ min: 1, max: 50 }), (total, quantity) => {
        const shares = Array.from({ length: quantity }, (_, i) =>
          unitShare(total, { quantity, before: i, count: 1 }),
        );
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('credits a discounted, taxed line its share: 3 units paid 1000 + 100 tax', () => {
    const line = { id: 'li', quantity: 3, taxable: 1000, exclusiveTax: 100, tax: 100 };
    expect(lineCredit(line, 0, 1)).toMatchObject({ amount: 333, exclusiveTax: 33, total: 366 });
    expect(lineCredit(line, 1, 1)).toMatchObject({ amount: 333, exclusiveTax: 33 });
    expect(lineCredit(line, 2, 1)).toMatchObject({ amount: 334, exclusiveTax: 34, total: 368 });
  });
});

describe('planning a return', () => {
  const lines: ReturnableLine[] = [
    { id: 'li_a', quantity: 2, taxable: 2000, exclusiveTax: 0, tax: 0 },
  ];

  it('refuses more than is left to return, naming the maximum', () => {
    const planned = planReturnLines(
      [{ line_item_id: 'li_a', quantity: 2 }],
      lines,
      new Map([['li_a', 1]]),
    );
    expect(planned.ok).toBe(false);
    if (planned.ok) return;
    expect(planned.error.code).toBe('return_quantity_invalid');
    expect(planned.error.details).toMatchObject({ maximum_returnable: 1 });
    expect(planned.error.loc).toEqual(['return', 'line_items', 0, 'quantity']);
  });

  it('refuses an unknown line and a line named twice', () => {
    const unknown = planReturnLines([{ line_item_id: 'li_x', quantity: 1 }], lines, new Map());
    expect(unknown.ok ? null : unknown.error.loc).toEqual([
      'return',
      'line_items',
      0,
      'line_item_id',
    ]);
    const twice = planReturnLines(
      [
        { line_item_id: 'li_a', quantity: 1 },
        { line_item_id: 'li_a', quantity: 1 },
      ],
      lines,
      new Map(),
    );
    expect(twice.ok ? null : twice.error.code).toBe('parameter_invalid');
  });
});

describe('an exchange settling a credit', () => {
  it('credits at most the follow-up, and the parts add up exactly', () => {
    fc.assert(
      fc.property(amount, amount, (credit, followUp) => {
        const { credited, due, refund } = exchangeDifference(credit, followUp);
        expect(credited + refund).toBe(credit);
        expect(credited + due).toBe(followUp);
        expect(Math.min(due, refund)).toBe(0);
        expect(Math.min(credited, due, refund)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
