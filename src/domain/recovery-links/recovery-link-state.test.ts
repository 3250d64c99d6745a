import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  collectibleNow,
  expiryAllowed,
  LINK_LIFETIME,
  moveRecoveryLink,
  RECOVERY_LINK_TRANSITIONS,
  recoveryLinkActions,
  requireBalance,
} from './recovery-link-state.js';
import { RECOVERY_LINK_ACTIONS, RECOVERY_LINK_STATUSES } from './recovery-link-values.js';

describe('recovery link transitions', () => {
  it('moves an active link to each final status, and nothing leaves a final one', () => {
    expect(moveRecoveryLink('active', 'complete')).toEqual({ ok: true, value: 'completed' });
    expect(moveRecoveryLink('active', 'expire')).toEqual({ ok: true, value: 'expired' });
    expect(moveRecoveryLink('active', 'deactivate')).toEqual({ ok: true, value: 'deactivated' });
    for (const status of RECOVERY_LINK_STATUSES.filter((s) => s !== 'active')) {
      expect(recoveryLinkActions(status)).toEqual([]);
      for (const action of RECOVERY_LINK_ACTIONS) {
        const moved = moveRecoveryLink(status, action);
        expect(moved.ok).toBe(false);
        if (!moved.ok) {
          expect(moved.error.code).toBe('recovery_link_state_invalid');
          expect(moved.error.details).toEqual({ status, available_actions: [] });
        }
      }
    }
    expect(Object.keys(RECOVERY_LINK_TRANSITIONS)).toEqual([...RECOVERY_LINK_STATUSES]);
  });

  it('allows expires_at from 30 minutes to 90 days', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(expiryAllowed(now + LINK_LIFETIME.minimumMs, now)).toBe(true);
    expect(expiryAllowed(now + LINK_LIFETIME.minimumMs - 1, now)).toBe(false);
    expect(expiryAllowed(now + LINK_LIFETIME.maximumMs, now)).toBe(true);
    expect(expiryAllowed(now + LINK_LIFETIME.maximumMs + 1, now)).toBe(false);
    expect(expiryAllowed(Number.NaN, now)).toBe(false);
  });
});

describe('the balance a link recovers', () => {
  it('is an OPEN order with a balance; PAID or nothing owed is a conflict', () => {
    expect(requireBalance({ status: 'OPEN', balance: 500, payments: [] })).toEqual({
      ok: true,
      value: 500,
    });
    for (const order of [
      { status: 'OPEN', balance: 0, payments: [] },
      { status: 'PAID', balance: 0, payments: [] },
      { status: 'CANCELED', balance: 900, payments: [] },
    ]) {
      const refused = requireBalance(order);
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.code).toBe('order_state_invalid');
    }
  });

  it('never offers more than the balance less the payments under way, nor less than 0', () => {
    const status = fc.constantFrom(
      'processing',
      'requires_action',
      'succeeded',
      'failed',
      'canceled',
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999_999 }),
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 99_999_999_999 }), status })),
        (balance, payments) => {
          const now = collectibleNow({ status: 'OPEN', balance, payments });
          const held = payments
            .filter((p) => p.status === 'processing' || p.status === 'requires_action')
            .reduce((n, p) => n + p.amount, 0);
          expect(Number.isSafeInteger(now)).toBe(true);
          expect(now).toBeGreaterThanOrEqual(0);
          expect(now).toBeLessThanOrEqual(balance);
          expect(now).toBe(held >= balance ? 0 : balance - held);
        },
      ),
    );
  });
});
