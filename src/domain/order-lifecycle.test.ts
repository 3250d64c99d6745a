import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  availableActions,
  type CompletionFacts,
  completionWithoutPayment,
  ORDER_STATUSES,
  requireAction,
  statusAfterMoneyMoved,
} from './order-lifecycle.js';

describe('order lifecycle', () => {
  it('lists what each status allows', () => {
    expect(availableActions('OPEN')).toEqual(
      expect.arrayContaining(['apply_coupon', 'pay', 'cancel', 'update']),
    );
    expect(availableActions('PAID')).toEqual(['refund', 'close', 'update_metadata']);
    for (const terminal of ['REFUNDED', 'CANCELED', 'CLOSED'] as const) {
      expect(availableActions(terminal)).toEqual(['update_metadata']);
    }
  });

  it('refuses actions a status does not allow, naming the allowed ones', () => {
    expect(requireAction('OPEN', 'pay')).toEqual({ ok: true, value: undefined });
    const refused = requireAction('PAID', 'apply_coupon');
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'order_state_invalid',
        details: { status: 'PAID', available_actions: ['refund', 'close', 'update_metadata'] },
      },
    });
    for (const status of ORDER_STATUSES) {
      expect(requireAction(status, 'update_metadata').ok).toBe(true);
    }
  });

  it('derives PAID, PARTIALLY_REFUNDED and REFUNDED from the amounts', () => {
    expect(statusAfterMoneyMoved('OPEN', { total: 11059, paid: 5000, refunded: 0 })).toBe('OPEN');
    expect(statusAfterMoneyMoved('OPEN', { total: 11059, paid: 11059, refunded: 0 })).toBe('PAID');
    expect(statusAfterMoneyMoved('PAID', { total: 11059, paid: 11059, refunded: 2900 })).toBe(
      'PARTIALLY_REFUNDED',
    );
    expect(
      statusAfterMoneyMoved('PARTIALLY_REFUNDED', { total: 11059, paid: 11059, refunded: 11059 }),
    ).toBe('REFUNDED');
    // A failed refund gives its amount back: the status is recomputed.
    expect(statusAfterMoneyMoved('REFUNDED', { total: 11059, paid: 11059, refunded: 0 })).toBe(
      'PAID',
    );
    expect(statusAfterMoneyMoved('CLOSED', { total: 100, paid: 100, refunded: 100 })).toBe(
      'CLOSED',
    );
  });

  it('an OPEN order with money: paid further or refunded; canceled only once all is refunded', () => {
    expect(availableActions('OPEN', 'none')).toContain('update');
    expect(availableActions('OPEN', 'held')).toEqual(['pay', 'refund', 'update_metadata']);
    expect(availableActions('OPEN', 'returned')).toEqual(['pay', 'cancel', 'update_metadata']);
    const cancel = requireAction('OPEN', 'cancel', 'held');
    expect(cancel.ok).toBe(false);
    if (!cancel.ok) expect(cancel.error.message).toContain('refund them first');
    expect(requireAction('OPEN', 'cancel', 'returned').ok).toBe(true);
    expect(requireAction('OPEN', 'refund', 'none').ok).toBe(false);
  });
});

describe('completing an order with nothing to pay', () => {
  const facts = (
    order: Partial<CompletionFacts['order']> = {},
    payments: { status: string }[] = [],
  ): CompletionFacts => ({
    order: { status: 'OPEN', total: 0, paid: 0, refunded: 0, ...order },
    payments,
  });

  it('completes an OPEN order whose total is 0 and that never took money: PAID', () => {
    expect(completionWithoutPayment(facts())).toEqual({ ok: true, value: 'PAID' });
    // A payment that failed or was canceled took nothing.
    const tried = facts({}, [{ status: 'failed' }, { status: 'canceled' }]);
    expect(completionWithoutPayment(tried)).toEqual({ ok: true, value: 'PAID' });
  });

  it('refuses an order with something to pay, naming the amount due', () => {
    expect(completionWithoutPayment(facts({ total: 1 }))).toMatchObject({
      ok: false,
      error: { code: 'amount_invalid', details: { amount_due: 1 } },
    });
  });

  it('refuses an order that is not OPEN, or that holds or held money', () => {
    for (const status of ORDER_STATUSES.filter((s) => s !== 'OPEN')) {
      expect(completionWithoutPayment(facts({ status }))).toMatchObject({
        ok: false,
        error: { code: 'order_state_invalid', details: { status } },
      });
    }
    for (const under of ['processing', 'requires_action']) {
      expect(completionWithoutPayment(facts({}, [{ status: under }]))).toMatchObject({
        ok: false,
        error: { code: 'order_state_invalid' },
      });
    }
    const returned = facts({ paid: 500, refunded: 500, total: 0 }, [{ status: 'succeeded' }]);
    expect(completionWithoutPayment(returned).ok).toBe(false);
  });

  it('property: completes only an OPEN order with total 0, nothing paid and no payment under way or taken', () => {
    const status = fc.constantFrom(...ORDER_STATUSES);
    const amount = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 99_999_999_999 }));
    const payment = fc.record({
      status: fc.constantFrom('processing', 'requires_action', 'succeeded', 'failed', 'canceled'),
    });
    fc.assert(
      fc.property(
        status,
        amount,
        amount,
        amount,
        fc.array(payment, { maxLength: 4 }),
        (s, total, paid, refunded, payments) => {
          const given = facts({ status: s, total, paid, refunded }, payments);
          const completed = completionWithoutPayment(given);
          if (total - paid > 0) expect(completed.ok).toBe(false);
          if (!completed.ok) return;
          expect(completed.value).toBe('PAID');
          expect(s).toBe('OPEN');
          expect(total).toBe(0);
          expect(paid).toBe(0);
          expect(payments.every((p) => p.status === 'failed' || p.status === 'canceled')).toBe(
            true,
          );
        },
      ),
    );
  });

  it('a frozen order (a credited follow-up) allows a subset, never a change to what it sells', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ORDER_STATUSES),
        fc.constantFrom('none', 'held', 'returned' as const),
        (status, money) => {
          const all = availableActions(status, money);
          const frozen = availableActions(status, money, { frozen: true });
          expect(frozen.every((a) => all.includes(a))).toBe(true);
          for (const change of ['update', 'apply_coupon', 'remove_coupon', 'cancel'] as const) {
            expect(frozen).not.toContain(change);
          }
          expect(frozen).toContain('update_metadata');
        },
      ),
    );
  });
});
