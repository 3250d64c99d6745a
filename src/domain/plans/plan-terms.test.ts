import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT } from '../money.js';
import { RECURRING_INTERVALS } from '../value-lists.js';
import {
  amountPerSeat,
  checkAmounts,
  checkInterval,
  checkPriceFits,
  MAX_INTERVAL_COUNT,
  MAX_LINE_QUANTITY,
  type PlanLine,
  type PlanTermsFields,
  seatQuantity,
  termsChanged,
} from './plan-terms.js';

const line = (overrides: Partial<PlanLine> = {}): PlanLine => ({
  name: 'Seat',
  unit_amount: 1000,
  quantity: 1,
  per_seat: true,
  price_id: null,
  product_id: null,
  tax_rate_ids: null,
  tax_exempt: false,
  ...overrides,
});

const terms = (overrides: Partial<PlanTermsFields> = {}): PlanTermsFields => ({
  currency: 'USD',
  interval: 'month',
  interval_count: 1,
  trial_period_days: null,
  line_items: [line()],
  ...overrides,
});

const arbLine = fc.record({
  name: fc.string({ minLength: 1, maxLength: 5 }),
  unit_amount: fc.integer({ min: 0, max: MAX_AMOUNT }),
  quantity: fc.integer({ min: 1, max: MAX_LINE_QUANTITY }),
  per_seat: fc.boolean(),
  price_id: fc.constantFrom(null, 'price_a'),
  product_id: fc.constantFrom(null, 'prod_a'),
  tax_rate_ids: fc.constantFrom(null, [], ['txr_a'], ['txr_a', 'txr_b']),
  tax_exempt: fc.boolean(),
});

describe('plan terms', () => {
  it('allows intervals up to three years, as Stripe', () => {
    for (const interval of RECURRING_INTERVALS) {
      const max = MAX_INTERVAL_COUNT[interval];
      expect(checkInterval(interval, max).ok).toBe(true);
      expect(checkInterval(interval, 1).ok).toBe(true);
      expect(checkInterval(interval, max + 1)).toMatchObject({
        ok: false,
        error: { code: 'parameter_invalid', loc: ['plan', 'interval_count'] },
      });
      expect(checkInterval(interval, 0).ok).toBe(false);
    }
  });

  it('fits only a price recurring on exactly the plan’s interval, in its currency', () => {
    const plan = { currency: 'USD', interval: 'month', interval_count: 3 } as const;
    const loc = ['plan', 'line_items', 2, 'price_id'];
    const price = (
      recurring_interval: string | null,
      recurring_interval_count: number | null,
      currency = 'USD',
    ) => ({ currency, recurring_interval, recurring_interval_count }) as never;
    expect(checkPriceFits(price('month', 3), plan, loc).ok).toBe(true);
    for (const wrong of [price('month', 1), price('week', 3), price(null, null)]) {
      expect(checkPriceFits(wrong, plan, loc)).toMatchObject({
        ok: false,
        error: { code: 'price_interval_mismatch', loc },
      });
    }
    expect(checkPriceFits(price('month', 3, 'EUR'), plan, loc)).toMatchObject({
      ok: false,
      error: { code: 'currency_mismatch', loc },
    });
  });

  it('refuses a seat’s period above the largest amount, exactly (no float drift)', () => {
    fc.assert(
      fc.property(fc.array(arbLine, { minLength: 1, maxLength: 20 }), (lines) => {
        const exact = lines.reduce(
          (sum, l) => sum + BigInt(l.unit_amount) * BigInt(l.quantity),
          0n,
        );
        expect(amountPerSeat(lines)).toBe(exact);
        expect(checkAmounts(lines).ok).toBe(exact <= BigInt(MAX_AMOUNT));
      }),
    );
    expect(checkAmounts([line({ unit_amount: MAX_AMOUNT })]).ok).toBe(true);
    expect(checkAmounts([line({ unit_amount: MAX_AMOUNT }), line({ unit_amount: 1 })]).ok).toBe(
      false,
    );
  });

  it('makes a new version exactly when something billed changes', () => {
    fc.assert(
      fc.property(fc.array(arbLine, { minLength: 1, maxLength: 5 }), (lines) => {
        const current = terms({ line_items: lines });
        // A copy (as read back from a JSON column) is the same terms.
        expect(termsChanged(current, JSON.parse(JSON.stringify(current)))).toBe(false);
        const [first, ...rest] = lines as [PlanLine, ...PlanLine[]];
        const changed = [
          terms({ line_items: lines, trial_period_days: 7 }),
          terms({ line_items: lines, interval_count: 2 }),
          terms({ line_items: lines, interval: 'year' }),
          terms({ line_items: lines, currency: 'EUR' }),
          terms({ line_items: rest }),
          terms({ line_items: [...lines, first] }),
          terms({ line_items: [{ ...first, quantity: first.quantity + 1 }, ...rest] }),
          terms({ line_items: [{ ...first, per_seat: !first.per_seat }, ...rest] }),
          terms({ line_items: [{ ...first, tax_exempt: !first.tax_exempt }, ...rest] }),
          terms({
            line_items: [
              { ...first, tax_rate_ids: first.tax_rate_ids === null ? [] : null },
              ...rest,
            ],
          }),
        ];
        for (const next of changed) expect(termsChanged(current, next)).toBe(true);
      }),
    );
  });

  it('multiplies per-seat lines by the seats, within what an order line takes', () => {
    fc.assert(
      fc.property(arbLine, fc.integer({ min: 1, max: 10_000 }), (l, seats) => {
        const quantity = seatQuantity(l, seats);
        const expected = l.per_seat ? l.quantity * seats : l.quantity;
        if (expected <= MAX_LINE_QUANTITY) expect(quantity).toEqual({ ok: true, value: expected });
        else
          expect(quantity).toMatchObject({
            ok: false,
            error: { code: 'parameter_invalid', loc: ['subscription', 'quantity'] },
          });
      }),
    );
  });
});
