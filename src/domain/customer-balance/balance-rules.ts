import { fail, ok, type Result } from '../errors.js';
import { MAX_AMOUNT } from '../money.js';

// A customer's credit balance, as Stripe keeps it: an integer in the minor unit of one
// currency, negative when the customer has credit (what the next invoices use first),
// positive when the customer owes (added to the next invoice). It changes only by a
// balance transaction, whose `amount` is added to it: negative credits, positive debits.

/** Why a balance transaction was made. */
export const BALANCE_TRANSACTION_TYPES = [
  /** By the merchant, through the API (goodwill credit, a debit). */
  'adjustment',
  /** Credit taken by an order (Stripe's `applied_to_invoice`). */
  'applied_to_order',
  /** Credit given back by an order that no longer needs it (Stripe's `unapplied_from_invoice`). */
  'unapplied_from_order',
  /** Credit for time paid and not used (a subscription changed or canceled mid-period). */
  'unused_time',
] as const;
export type BalanceTransactionType = (typeof BALANCE_TRANSACTION_TYPES)[number];

/** A customer's balance: its amount and, once it has had a transaction, its currency. */
export interface Balance {
  readonly balance: number;
  readonly currency: string | null;
}

/** A transaction to apply: its amount (negative = credit to the customer) and currency. */
export interface BalanceEntry {
  readonly amount: number;
  readonly currency: string;
}

/**
 * The balance after a transaction: refused in another currency than the balance's (its
 * first transaction sets it), for a zero amount, or beyond the largest amount either way.
 */
export function applyEntry(current: Balance, entry: BalanceEntry): Result<Balance> {
  const currency = entry.currency.toUpperCase();
  if (current.currency !== null && current.currency !== currency) {
    return fail({
      code: 'currency_mismatch',
      message: `The customer's balance is in ${current.currency}`,
      loc: ['customer_balance_transaction', 'currency'],
      details: { currency: current.currency },
    });
  }
  if (!Number.isSafeInteger(entry.amount) || entry.amount === 0) {
    return fail({
      code: 'amount_invalid',
      message: 'amount must be a non-zero integer',
      loc: ['customer_balance_transaction', 'amount'],
    });
  }
  const balance = current.balance + entry.amount;
  if (Math.abs(balance) > MAX_AMOUNT) {
    return fail({
      code: 'amount_invalid',
      message: `The balance would be beyond ${MAX_AMOUNT} either way`,
      loc: ['customer_balance_transaction', 'amount'],
      details: { balance: current.balance },
    });
  }
  return ok({ balance, currency });
}

/** The credit a customer has in a currency: what `balance` holds below zero, else 0. */
export function creditAvailable(current: Balance, currency: string): number {
  if (current.currency !== currency.toUpperCase()) return 0;
  return current.balance < 0 ? -current.balance : 0;
}

/** How much of the customer's credit an amount due takes: min(credit, due), never below 0. */
export function creditToTake(current: Balance, currency: string, upTo: number): number {
  return Math.max(0, Math.min(creditAvailable(current, currency), upTo));
}
