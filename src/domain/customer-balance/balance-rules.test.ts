import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT } from '../money.js';
import { applyEntry, type Balance, creditAvailable, creditToTake } from './balance-rules.js';

const amount = fc.integer({ min: 1, max: 10_000_000 });
const currency = fc.constantFrom('USD', 'EUR');
const op = fc.oneof(
  fc.record({ kind: fc.constant('credit' as const), amount, currency }),
  fc.record({ kind: fc.constant('debit' as const), amount, currency }),
  fc.record({
    kind: fc.constant('take' as const),
    upTo: fc.integer({ min: 0, max: 20_000_000 }),
    currency,
  }),
);

describe('customer balance', () => {
  it('any sequence of credits, debits and takes keeps balance = Σ transactions, never takes more than available', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        let balance: Balance = { balance: 0, currency: null };
        const transactions: number[] = [];
        for (const o of ops) {
          if (o.kind === 'take') {
            const available = creditAvailable(balance, o.currency);
            const taken = creditToTake(balance, o.currency, o.upTo);
            expect(taken).toBeGreaterThanOrEqual(0);
            expect(taken).toBeLessThanOrEqual(Math.min(available, o.upTo));
            if (taken === 0) continue;
            const next = applyEntry(balance, { amount: taken, currency: o.currency });
            if (!next.ok) throw new Error(next.error.message);
            expect(next.value.balance).toBeLessThanOrEqual(0); // credit taken never owes
            balance = next.value;
            transactions.push(taken);
          } else {
            const entry = {
              amount: o.kind === 'credit' ? -o.amount : o.amount,
              currency: o.currency,
            };
            const next = applyEntry(balance, entry);
            if (!next.ok) {
              // Only another currency than the balance's is refused here.
              expect(next.error.code).toBe('currency_mismatch');
              expect(balance.currency).not.toBe(o.currency);
              continue;
            }
            balance = next.value;
            transactions.push(entry.amount);
          }
          expect(balance.balance).toBe(transactions.reduce((a, b) => a + b, 0));
        }
      }),
    );
  });

  it('refuses a zero amount and a balance beyond the largest amount', () => {
    const empty: Balance = { balance: 0, currency: null };
    expect(applyEntry(empty, { amount: 0, currency: 'USD' })).toMatchObject({ ok: false });
    const full: Balance = { balance: -MAX_AMOUNT, currency: 'USD' };
    const over = applyEntry(full, { amount: -1, currency: 'usd' });
    expect(over.ok || over.error.code).toBe('amount_invalid');
    expect(applyEntry(full, { amount: 1, currency: 'usd' })).toMatchObject({
      ok: true,
      value: { balance: 1 - MAX_AMOUNT, currency: 'USD' },
    });
    expect(creditToTake({ balance: 500, currency: 'USD' }, 'USD', 100)).toBe(0);
    expect(creditToTake({ balance: -500, currency: 'USD' }, 'usd', 100)).toBe(100);
    expect(creditToTake({ balance: -500, currency: 'USD' }, 'EUR', 100)).toBe(0);
  });
});
