import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canMoveRefund,
  isFinalRefundStatus,
  moveRefund,
  REFUND_TRANSITIONS,
} from './refund-state.js';
import { REFUND_STATUSES, type RefundStatus } from './refund-values.js';

const status = fc.constantFrom(...REFUND_STATUSES);

describe('the refund transition table', () => {
  it('has a row for every status, and every move lands on a status', () => {
    expect(Object.keys(REFUND_TRANSITIONS).sort()).toEqual([...REFUND_STATUSES].sort());
    for (const targets of Object.values(REFUND_TRANSITIONS)) {
      for (const to of targets) expect(REFUND_STATUSES).toContain(to);
    }
  });

  it('ends in succeeded, failed or canceled, and nothing moves out of an end', () => {
    const finals = REFUND_STATUSES.filter(isFinalRefundStatus);
    expect(finals).toEqual(['succeeded', 'failed', 'canceled']);
    fc.assert(
      fc.property(fc.constantFrom(...finals), status, (from, to) => {
        expect(moveRefund(from, to)).toMatchObject({
          ok: false,
          error: { code: 'refund_state_invalid', loc: ['status'] },
        });
      }),
    );
  });

  it('moveRefund allows exactly the moves the table lists (property)', () => {
    fc.assert(
      fc.property(status, status, (from, to) => {
        const listed = (REFUND_TRANSITIONS[from] as readonly RefundStatus[]).includes(to);
        expect(canMoveRefund(from, to)).toBe(listed);
        expect(moveRefund(from, to).ok).toBe(listed);
        if (listed) expect(moveRefund(from, to)).toEqual({ ok: true, value: to });
      }),
    );
  });

  it('any walk through the table stops for good at its first final status (property)', () => {
    fc.assert(
      fc.property(fc.array(status, { maxLength: 20 }), (wanted) => {
        let at: RefundStatus = 'pending';
        let ended = false;
        for (const to of wanted) {
          const moved = moveRefund(at, to);
          if (ended) expect(moved.ok).toBe(false);
          if (moved.ok) at = moved.value;
          ended = isFinalRefundStatus(at);
        }
      }),
    );
  });

  it('a pending refund may still succeed, fail or be canceled', () => {
    for (const to of ['succeeded', 'failed', 'canceled'] as const) {
      expect(moveRefund('pending', to)).toEqual({ ok: true, value: to });
    }
    expect(moveRefund('pending', 'pending').ok).toBe(false);
  });
});
