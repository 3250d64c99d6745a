import { describe, expect, it } from 'vitest';
import {
  availableActions,
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
