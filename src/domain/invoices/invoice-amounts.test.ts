import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueDateOf, invoiceAmounts, invoiceNumber } from './invoice-amounts.js';

const amount = fc.integer({ min: 0, max: 99_999_999 });
/** An order's totals as they can stand: paid never above the total, refunded never above paid. */
const totals = fc.tuple(amount, amount, amount).map(([a, b, c]) => {
  const [refunded, paid, total] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
  return { total, paid, refunded };
});

describe('invoice amounts', () => {
  it('are the order’s: due is the total, remaining what is not paid (property)', () => {
    fc.assert(
      fc.property(totals, (order) => {
        const a = invoiceAmounts(order);
        expect(a.due).toBe(order.total);
        expect(a.paid).toBe(order.paid);
        expect(a.refunded).toBe(order.refunded);
        expect(a.paid + a.remaining).toBe(a.due);
        for (const n of Object.values(a)) expect(Number.isSafeInteger(n)).toBe(true);
      }),
    );
  });

  it('never raise what remains when money is refunded (property)', () => {
    fc.assert(
      fc.property(totals, amount, (order, more) => {
        const refunded = Math.min(order.paid, order.refunded + more);
        const after = invoiceAmounts({ ...order, refunded });
        expect(after.remaining).toBe(invoiceAmounts(order).remaining);
        expect(after.refunded).toBeGreaterThanOrEqual(order.refunded);
      }),
    );
  });

  it('never go negative, even on an over-paid order (property)', () => {
    fc.assert(
      fc.property(amount, amount, (total, paid) => {
        expect(invoiceAmounts({ total, paid, refunded: 0 }).remaining).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('invoice numbers and due dates', () => {
  it('pads the counter to six digits after the prefix', () => {
    expect(invoiceNumber('FLT-', 42)).toBe('FLT-000042');
    expect(invoiceNumber('INV/', 1_234_567)).toBe('INV/1234567');
    expect(() => invoiceNumber('FLT-', 0)).toThrow();
  });

  it('keeps numbering order when sorted as text within six digits (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_998 }), (n) => {
        expect(invoiceNumber('FLT-', n) < invoiceNumber('FLT-', n + 1)).toBe(true);
      }),
    );
  });

  it('is due on its date, else days_until_due after finalizing, else never', () => {
    const at = new Date('2026-01-01T10:00:00Z');
    expect(dueDateOf(at, { dueDate: null, daysUntilDue: 30 })?.toISOString()).toBe(
      '2026-01-31T10:00:00.000Z',
    );
    const fixed = new Date('2026-02-01T00:00:00Z');
    expect(dueDateOf(at, { dueDate: fixed, daysUntilDue: 30 })).toBe(fixed);
    expect(dueDateOf(at, { dueDate: null, daysUntilDue: null })).toBeNull();
  });
});
