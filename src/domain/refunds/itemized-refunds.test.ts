import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ItemizedRefund,
  planItemizedRefund,
  proportionalTax,
  type RefundableLine,
  type RefundableOrder,
} from './itemized-refunds.js';

const line = (
  id: string,
  amount: number,
  tax: number,
  productId = `prod_${id}`,
): RefundableLine => ({
  id,
  productId,
  priceId: `price_${id}`,
  amount,
  tax,
  refundedAmount: 0,
  refundedTax: 0,
});

function order(lines: RefundableLine[], extra: Partial<RefundableOrder> = {}): RefundableOrder {
  const lineTax = lines.reduce((n, l) => n + l.tax, 0);
  const shippingTax = extra.shippingTax ?? { total: 0, refunded: 0 };
  return {
    lines,
    tax: { total: lineTax + shippingTax.total, refunded: 0 },
    shipping: { total: 0, refunded: 0 },
    shippingTax,
    discount: { total: 0, refunded: 0 },
    ...extra,
  };
}

/** The order after `refund`: what each line and component has had refunded. */
function applied(o: RefundableOrder, refund: ItemizedRefund): RefundableOrder {
  return {
    lines: o.lines.map((l) => {
      const taken = refund.lines.find((r) => r.lineId === l.id);
      return taken
        ? {
            ...l,
            refundedAmount: l.refundedAmount + taken.amount,
            refundedTax: l.refundedTax + taken.tax,
          }
        : l;
    }),
    tax: { ...o.tax, refunded: o.tax.refunded + refund.tax },
    shipping: { ...o.shipping, refunded: o.shipping.refunded + refund.shipping },
    shippingTax: { ...o.shippingTax, refunded: o.shippingTax.refunded + refund.shippingTax },
    discount: { ...o.discount, refunded: o.discount.refunded + refund.discount },
  };
}

const LOC = ['checkout_session'];

describe('proportionalTax', () => {
  it('is the remaining tax × refunded ÷ remaining, rounded half up', () => {
    expect(proportionalTax(1000, 3000, 240)).toBe(80);
    expect(proportionalTax(333, 2000, 160)).toBe(27); // 26.64
    expect(proportionalTax(1, 8, 4)).toBe(1); // 0.5 rounds up
    expect(proportionalTax(1, 3, 1)).toBe(0); // 0.33 rounds down
    expect(proportionalTax(3000, 3000, 241)).toBe(241); // in full: all of it
  });

  it('property: exact BigInt half-up, never more than remains, all of it in full', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99_999_999_999 }),
        fc.integer({ min: 0, max: 99_999_999_999 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (amountLeft, raw, taxLeft) => {
          const amount = raw % (amountLeft + 1);
          const tax = proportionalTax(amount, amountLeft, taxLeft);
          expect(tax).toBeGreaterThanOrEqual(0);
          expect(tax).toBeLessThanOrEqual(taxLeft);
          if (amount === amountLeft) expect(tax).toBe(taxLeft);
          else {
            const n = BigInt(taxLeft) * BigInt(amount);
            const d = BigInt(amountLeft);
            expect(BigInt(tax)).toBe((2n * n + d) / (2n * d));
          }
        },
      ),
    );
  });
});

describe('planItemizedRefund', () => {
  it('total = Σ lines + tax + shipping − discount (the guide’s option 1)', () => {
    const o = order([line('a', 3500, 280), line('b', 2000, 160)], {
      shipping: { total: 500, refunded: 0 },
      discount: { total: 1000, refunded: 0 },
    });
    const planned = planItemizedRefund(
      {
        line_items: [
          { product: 'prod_a', amount_to_refund: 2000 },
          { product: 'prod_b', amount_to_refund: 1500 },
        ],
        amount_tax: 350,
        amount_shipping: 500,
        amount_discount: 200,
      },
      o,
      LOC,
    );
    expect(planned.ok && planned.value.total).toBe(4150);
  });

  it('a product on several lines is taken from them in order', () => {
    const o = order([line('a', 1000, 80, 'prod_x'), line('b', 1000, 80, 'prod_x')]);
    const planned = planItemizedRefund(
      { line_items: [{ product: 'prod_x', amount_to_refund: 1500 }] },
      o,
      LOC,
    );
    if (!planned.ok) throw new Error(planned.error.message);
    expect(planned.value.lines).toEqual([
      { lineId: 'a', amount: 1000, tax: 80 },
      { lineId: 'b', amount: 500, tax: 40 },
    ]);
  });

  it('given tax below the proportional share is spread over the lines exactly', () => {
    const o = order([line('a', 1000, 80), line('b', 3000, 240)]);
    const planned = planItemizedRefund(
      { line_items: [{ product: 'prod_a' }, { product: 'prod_b' }], amount_tax: 101 },
      o,
      LOC,
    );
    if (!planned.ok) throw new Error(planned.error.message);
    expect(planned.value.lines.map((l) => l.tax)).toEqual([25, 76]);
    expect(planned.value.total).toBe(4101);
  });

  it('names the field and what is left when a line or component is exceeded', () => {
    const o = order([line('a', 1000, 80)], { shipping: { total: 500, refunded: 200 } });
    const cases = [
      [{ line_items: [{ product: 'prod_a', amount_to_refund: 1001 }] }, 'amount_to_refund', 1000],
      [{ amount_shipping: 301 }, 'amount_shipping', 300],
      [{ line_items: [{ product: 'prod_a' }], amount_tax: 81 }, 'amount_tax', 80],
      [{ line_items: [{ product: 'prod_a' }], amount_discount: 1 }, 'amount_discount', 0],
    ] as const;
    for (const [request, field, left] of cases) {
      const planned = planItemizedRefund(request, o, LOC);
      expect(planned.ok).toBe(false);
      if (planned.ok) continue;
      expect(planned.error.code).toBe('refund_amount_invalid');
      expect(planned.error.loc?.at(-1)).toBe(field);
      expect(planned.error.details).toEqual({ maximum_refundable: left });
    }
  });

  // Orders of 1–5 lines with their tax, and a shipping with its tax.
  const orders = fc
    .record({
      lines: fc.array(
        fc.record({
          amount: fc.integer({ min: 1, max: 10_000_000 }),
          rate: fc.integer({ min: 0, max: 2500 }), // basis points
        }),
        { minLength: 1, maxLength: 5 },
      ),
      shipping: fc.integer({ min: 0, max: 100_000 }),
      shippingTax: fc.integer({ min: 0, max: 10_000 }),
    })
    .map(({ lines, shipping, shippingTax }) =>
      order(
        lines.map((l, i) => line(`l${i}`, l.amount, Math.floor((l.amount * l.rate) / 10_000))),
        {
          shipping: { total: shipping, refunded: 0 },
          shippingTax: { total: shipping > 0 ? shippingTax : 0, refunded: 0 },
        },
      ),
    );

  it('property: refunding every line in random partial steps returns exactly its amount and its tax, never more', () => {
    fc.assert(
      fc.property(
        orders,
        fc.array(fc.tuple(fc.nat(), fc.double({ min: 0, max: 1, noNaN: true })), {
          minLength: 1,
          maxLength: 12,
        }),
        (start, steps) => {
          let o = start;
          const refundable = (x: RefundableOrder) =>
            x.lines.filter((l) => l.amount > l.refundedAmount);
          for (const [pick, fraction] of steps) {
            const open = refundable(o);
            if (open.length === 0) break;
            const target = open[pick % open.length] as RefundableLine;
            const left = target.amount - target.refundedAmount;
            const amount = Math.max(1, Math.floor(left * fraction));
            const planned = planItemizedRefund(
              { line_items: [{ line_item_id: target.id, amount_to_refund: amount }] },
              o,
              LOC,
            );
            if (!planned.ok) throw new Error(planned.error.message);
            const refund = planned.value;
            expect(refund.total).toBe(
              refund.lines.reduce((n, l) => n + l.amount, 0) +
                refund.tax +
                refund.shipping -
                refund.discount,
            );
            o = applied(o, refund);
          }
          // Then the rest of everything, in full.
          const rest = refundable(o).map((l) => ({ line_item_id: l.id }));
          const shippingLeft = o.shipping.total - o.shipping.refunded;
          if (rest.length > 0 || shippingLeft > 0) {
            const planned = planItemizedRefund(
              {
                ...(rest.length > 0 ? { line_items: rest } : {}),
                amount_shipping: shippingLeft,
              },
              o,
              LOC,
            );
            if (!planned.ok) throw new Error(planned.error.message);
            o = applied(o, planned.value);
          }
          for (const l of o.lines) {
            expect(l.refundedAmount).toBe(l.amount);
            expect(l.refundedTax).toBe(l.tax);
          }
          expect(o.tax.refunded).toBe(o.tax.total);
          expect(o.shipping.refunded).toBe(o.shipping.total);
          // Nothing is left: any further line refund is refused.
          const more = planItemizedRefund(
            { line_items: [{ line_item_id: 'l0', amount_to_refund: 1 }] },
            o,
            LOC,
          );
          expect(more.ok).toBe(false);
        },
      ),
    );
  });

  it('property: explicit tax within what is left is attributed exactly and never beyond a line’s share', () => {
    fc.assert(
      fc.property(orders, fc.nat(), (o, rawTax) => {
        const request = { line_items: o.lines.map((l) => ({ line_item_id: l.id })) };
        const proportional = planItemizedRefund(request, o, LOC);
        if (!proportional.ok) throw new Error(proportional.error.message);
        const tax = rawTax % (o.tax.total + 1);
        const planned = planItemizedRefund({ ...request, amount_tax: tax }, o, LOC);
        if (!planned.ok) throw new Error(planned.error.message);
        const attributed =
          planned.value.lines.reduce((n, l) => n + l.tax, 0) + planned.value.shippingTax;
        expect(planned.value.tax).toBe(tax);
        expect(attributed).toBe(Math.min(tax, proportional.value.tax));
        planned.value.lines.forEach((l, i) => {
          expect(l.tax).toBeLessThanOrEqual(proportional.value.lines[i]?.tax ?? 0);
        });
      }),
    );
  });
});
