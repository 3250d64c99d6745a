import { describe, expect, it } from 'vitest';
import { checkSetupSession, SESSION_LIFETIME, sessionExpiry } from './checkout-sessions.js';

describe('checkout sessions', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('expire in 24 hours by default, or when asked within 30 minutes to 24 hours', () => {
    expect(sessionExpiry(undefined, now)).toEqual({
      ok: true,
      value: new Date(now.getTime() + SESSION_LIFETIME.maximumMs),
    });
    expect(sessionExpiry('2026-03-01T13:00:00Z', now)).toEqual({
      ok: true,
      value: new Date('2026-03-01T13:00:00Z'),
    });
    for (const at of ['2026-03-01T12:10:00Z', '2026-03-03T12:00:00Z', 'soon']) {
      const refused = sessionExpiry(at, now);
      expect(refused.ok ? null : refused.error.loc).toEqual(['checkout_session', 'expires_at']);
    }
  });

  it('in setup mode need a customer and refuse what only a payment has, naming the field', () => {
    expect(checkSetupSession({ customer_id: 'cus_1' })).toEqual({
      ok: true,
      value: { customerId: 'cus_1' },
    });
    const cases = [
      [{ customer_id: 'cus_1', order_id: 'ord_1' }, 'order_id'],
      [{ customer_id: 'cus_1', line_items: [] }, 'line_items'],
      [{ customer_id: 'cus_1', currency: 'usd' }, 'currency'],
      [{ customer_id: 'cus_1', ui_mode: 'embedded' }, 'ui_mode'],
      [{}, 'customer_id'],
    ] as const;
    for (const [fields, field] of cases) {
      const refused = checkSetupSession(fields);
      expect(refused.ok ? null : [refused.error.code, refused.error.loc]).toEqual([
        'parameter_invalid',
        ['checkout_session', field],
      ]);
    }
  });
});
