/**
 * How long a payment or refund can be resumed by a retry with the client's
 * Idempotency-Key: as long as the key itself is kept (PRODUCT.md §1, 24 hours).
 * A crash after the processor answered but before Flint recorded it frees the key;
 * the retry then finds the payment or refund it started and finishes it, sending it to
 * the processor again with the same processor idempotency key — never a second charge.
 */
export const RESUME_WINDOW_MS = 24 * 60 * 60 * 1000;

export function resumableSince(now: Date): Date {
  return new Date(now.getTime() - RESUME_WINDOW_MS);
}
