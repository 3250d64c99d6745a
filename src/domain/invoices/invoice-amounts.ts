/**
 * An invoice's amounts, always the order's: never a second copy of its totals. What is
 * due is the order's total; what is paid, its captured payments; refunds show apart and
 * never raise what remains (as on orders, a refund does not reopen a balance).
 */
export interface OrderTotals {
  readonly total: number;
  readonly paid: number;
  readonly refunded: number;
}

export interface InvoiceAmounts {
  readonly due: number;
  readonly paid: number;
  readonly remaining: number;
  readonly refunded: number;
}

export function invoiceAmounts(order: OrderTotals): InvoiceAmounts {
  return {
    due: order.total,
    paid: order.paid,
    remaining: Math.max(0, order.total - order.paid),
    refunded: order.refunded,
  };
}

/** The default prefix of invoice numbers (`FLT-000042`). */
export const DEFAULT_NUMBER_PREFIX = 'FLT-';
/** A prefix an account may set: short, upper-case letters, digits and separators. */
export const NUMBER_PREFIX_PATTERN = '^[A-Z0-9][A-Z0-9_/-]{0,11}$';

/** The invoice's number: the prefix and the account's counter, zero-padded to 6 digits. */
export function invoiceNumber(prefix: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    throw new Error(`invoice sequence ${sequence} is not a positive integer`);
  }
  return `${prefix}${String(sequence).padStart(6, '0')}`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a `send_invoice` invoice is due: its own date, else `days_until_due` after finalizing. */
export function dueDateOf(
  finalizedAt: Date,
  terms: { readonly dueDate: Date | null; readonly daysUntilDue: number | null },
): Date | null {
  if (terms.dueDate) return terms.dueDate;
  if (terms.daysUntilDue === null) return null;
  return new Date(finalizedAt.getTime() + terms.daysUntilDue * DAY_MS);
}
