import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatRefundAmount, planRefund, spreadRefund } from './refund-planning.js';
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

describe('planRefund', () => {
  const charges = [
    { paymentIntentId: 'pi_1', captured: 5000, refunded: 0 },
    { paymentIntentId: 'pi_2', captured: 8824, refunded: 1000 },
  ];
  const noLines = () => {
    throw new Error('a flat refund reads no lines');
  };
  const facts = { currency: 'USD', charges, order: noLines };

  it('plans everything left when no amount is given, and only a named charge when one is', () => {
    expect(planRefund({}, facts, 'refund')).toMatchObject({
      ok: true,
      value: { amount: 12824, remaining: 0, itemized: null },
    });
    expect(planRefund({ amount: 100, payment_intent_id: 'pi_1' }, facts, 'refund')).toEqual({
      ok: true,
      value: {
        amount: 100,
        parts: [{ paymentIntentId: 'pi_1', amount: 100 }],
        remaining: 4900,
        itemized: null,
      },
    });
  });

  it('refuses a flat amount with lines, and more than is left, naming the field', () => {
    expect(
      planRefund({ amount: 5, line_items: [{ line_item_id: 'li_1' }] }, facts, 'checkout_session'),
    ).toMatchObject({
      ok: false,
      error: { code: 'parameter_invalid', loc: ['checkout_session', 'amount'] },
    });
    expect(planRefund({ amount_money: { amount: 20000 } }, facts, 'refund')).toMatchObject({
      ok: false,
      error: { code: 'refund_amount_invalid', loc: ['refund', 'amount_money', 'amount'] },
    });
  });

  it('draws exactly the requested amount from the charges, or refuses (property)', () => {
    const chargeArb = fc
      .tuple(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }))
      .map(([captured, r]) => ({ captured, refunded: Math.min(r, captured) }));
    fc.assert(
      fc.property(
        fc.array(chargeArb, { minLength: 1, maxLength: 5 }),
        fc.option(fc.integer({ min: 1, max: 600_000 }), { nil: undefined }),
        (cs, amount) => {
          const list = cs.map((c, i) => ({ ...c, paymentIntentId: `pi_${i}` }));
          const left = list.reduce((n, c) => n + c.captured - c.refunded, 0);
          const planned = planRefund(
            { amount },
            { currency: 'USD', charges: list, order: noLines },
            'refund',
          );
          const wanted = amount ?? left;
          expect(planned.ok).toBe(wanted >= 1 && wanted <= left);
          if (!planned.ok) return;
          expect(planned.value.amount).toBe(wanted);
          expect(planned.value.parts.reduce((n, p) => n + p.amount, 0)).toBe(wanted);
          expect(planned.value.remaining).toBe(left - wanted);
        },
      ),
    );
  });
});
