import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatRefundAmount, spreadRefund } from './refund-planning.js';
import { refundable } from './refund-policy.js';

describe('spreadRefund', () => {
  const charges = [
    { paymentIntentId: 'pi_1', captured: 5000, refunded: 0 },
    { paymentIntentId: 'pi_2', captured: 8824, refunded: 1000 },
  ];

  it('takes from the newest charge first and never more than a charge has left', () => {
    expect(spreadRefund(2900, charges, ['amount'])).toEqual({
      ok: true,
      value: [{ paymentIntentId: 'pi_2', amount: 2900 }],
    });
    expect(spreadRefund(9000, charges, ['amount'])).toEqual({
      ok: true,
      value: [
        { paymentIntentId: 'pi_2', amount: 7824 },
        { paymentIntentId: 'pi_1', amount: 1176 },
      ],
    });
  });

  it('refuses more than is left, naming the field and the refundable amount', () => {
    expect(spreadRefund(12825, charges, ['refund', 'amount'])).toMatchObject({
      ok: false,
      error: {
        code: 'refund_amount_invalid',
        loc: ['refund', 'amount'],
        details: { maximum_refundable: 12824 },
      },
    });
    expect(spreadRefund(0, charges, ['amount']).ok).toBe(false);
  });

  it('parts always sum to the amount and respect every charge (property)', () => {
    const chargeArb = fc
      .tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }))
      .map(([captured, r]) => ({ captured, refunded: Math.min(r, captured) }));
    fc.assert(
      fc.property(
        fc.array(chargeArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 7_000_000 }),
        (cs, amount) => {
          const list = cs.map((c, i) => ({ ...c, paymentIntentId: `pi_${i}` }));
          const result = spreadRefund(amount, list, ['amount']);
          expect(result.ok).toBe(amount <= refundable(list));
          if (!result.ok) return;
          expect(result.value.reduce((n, p) => n + p.amount, 0)).toBe(amount);
          for (const part of result.value) {
            const charge = list.find((c) => c.paymentIntentId === part.paymentIntentId);
            expect(part.amount).toBeGreaterThan(0);
            expect(part.amount).toBeLessThanOrEqual(
              (charge?.captured ?? 0) - (charge?.refunded ?? 0),
            );
          }
        },
      ),
    );
  });
});

describe('flatRefundAmount', () => {
  const loc = ['refund'];

  it('is amount, or amount_money in the order currency (either case), or nothing', () => {
    expect(flatRefundAmount({ amount: 2900 }, 'USD', loc)).toEqual({ ok: true, value: 2900 });
    expect(
      flatRefundAmount({ amount_money: { amount: 2900, currency: 'usd' } }, 'USD', loc),
    ).toEqual({ ok: true, value: 2900 });
    expect(flatRefundAmount({ amount_money: { amount: 5 } }, 'JPY', loc)).toEqual({
      ok: true,
      value: 5,
    });
    expect(flatRefundAmount({}, 'USD', loc)).toEqual({ ok: true, value: undefined });
  });

  it('refuses both, and another currency, naming the field', () => {
    const both = flatRefundAmount({ amount: 1, amount_money: { amount: 1 } }, 'USD', loc);
    expect(both).toMatchObject({
      ok: false,
      error: { code: 'parameter_invalid', loc: ['refund', 'amount_money'] },
    });
    const euros = flatRefundAmount({ amount_money: { amount: 1, currency: 'EUR' } }, 'USD', loc);
    expect(euros).toMatchObject({
      ok: false,
      error: { code: 'currency_mismatch', loc: ['refund', 'amount_money', 'currency'] },
    });
  });
});
