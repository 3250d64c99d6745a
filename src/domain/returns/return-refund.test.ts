import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RefundableOrder } from '../refunds/itemized-refunds.js';
import type { LineCredit } from './return-credit.js';
import { returnRefundRequest, takeFromCredits } from './return-refund.js';

const credit = (lineId: string, amount: number, exclusiveTax: number): LineCredit => ({
  lineId,
  quantity: 1,
  amount,
  exclusiveTax,
  tax: exclusiveTax,
  total: amount + exclusiveTax,
});

const credits = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 100_000 })), {
    minLength: 1,
    maxLength: 6,
  })
  .map((parts) => parts.map(([a, t], i) => credit(`li_${i}`, a, t)));

const total = (list: readonly LineCredit[]) => list.reduce((n, c) => n + c.total, 0);

/** An order whose lines and tax have everything left to refund. */
function untouched(list: readonly LineCredit[]): RefundableOrder {
  const none = { total: 0, refunded: 0 };
  const tax = list.reduce((n, c) => n + c.exclusiveTax, 0);
  return {
    lines: list.map((c) => ({
      id: c.lineId,
      productId: null,
      priceId: null,
      amount: c.amount,
      tax: c.exclusiveTax,
      refundedAmount: 0,
      refundedTax: 0,
    })),
    tax: { total: tax, refunded: 0 },
    shipping: none,
    shippingTax: none,
    discount: none,
  };
}

describe("splitting a return's credit", () => {
  it('takes exactly the amount asked (or all), and the two parts add up to the credit', () => {
    fc.assert(
      fc.property(credits, fc.integer({ min: 0, max: 8_000_000 }), (list, amount) => {
        const { taken, rest } = takeFromCredits(list, amount);
        expect(total(taken)).toBe(Math.min(amount, total(list)));
        expect(total(taken) + total(rest)).toBe(total(list));
        for (const c of list) {
          const parts = [...taken, ...rest].filter((p) => p.lineId === c.lineId);
          expect(parts.reduce((n, p) => n + p.amount, 0)).toBe(c.amount);
          expect(parts.reduce((n, p) => n + p.exclusiveTax, 0)).toBe(c.exclusiveTax);
          expect(parts.every((p) => p.amount >= 0 && p.exclusiveTax >= 0)).toBe(true);
        }
      }),
    );
  });
});

describe("a return's refund request", () => {
  it('refunds the whole credit when the order has it left, never more than the charges', () => {
    fc.assert(
      fc.property(credits, fc.integer({ min: 0, max: 8_000_000 }), (list, chargesLeft) => {
        const request = returnRefundRequest(list, untouched(list), { chargesLeft });
        const expected = Math.min(chargesLeft, total(list));
        if (request === null) {
          expect(expected === 0 || list.every((c) => c.amount === 0)).toBe(true);
          return;
        }
        expect(request.total).toBeLessThanOrEqual(expected);
        const lines = request.line_items.reduce((n, l) => n + l.amount_to_refund, 0);
        expect(lines + request.amount_tax).toBe(request.total);
        if (list.every((c) => c.amount > 0)) expect(request.total).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('is capped by what each line has left after earlier refunds', () => {
    const list = [credit('li_a', 1000, 100)];
    const order = untouched(list);
    const refunded: RefundableOrder = {
      ...order,
      lines: order.lines.map((l) => ({ ...l, refundedAmount: 700, refundedTax: 70 })),
      tax: { total: 100, refunded: 70 },
    };
    expect(returnRefundRequest(list, refunded, { chargesLeft: 10_000 })).toEqual({
      line_items: [{ line_item_id: 'li_a', amount_to_refund: 300 }],
      amount_tax: 30,
      total: 330,
    });
  });

  it('spends a short budget on the lines before their tax (found by fast-check)', () => {
    // A line with tax and no amount first: its tax must not use up what the next line needs.
    const list = [credit('li_0', 0, 1), credit('li_1', 1, 0)];
    expect(returnRefundRequest(list, untouched(list), { chargesLeft: 1 })).toEqual({
      line_items: [{ line_item_id: 'li_1', amount_to_refund: 1 }],
      amount_tax: 0,
      total: 1,
    });
  });
});
