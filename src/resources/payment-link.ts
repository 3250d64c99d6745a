import type { PaymentLinkRow } from '../adapters/db/schema.js';
import { modeAndTimes } from './object-times.js';

/** The public URL a payment link is shared as; the API's own address is its base. */
export function paymentLinkUrl(baseUrl: string, id: string): string {
  return `${baseUrl}/pay/${id}`;
}

/** A payment link as its events carry it: everything but its `url` (the API's address). */
export function paymentLinkEventObject(row: PaymentLinkRow) {
  return {
    payment_link_id: row.id,
    object: 'payment_link' as const,
    active: row.active,
    line_items: row.line_items.map((line) => ({
      price_id: line.price_id,
      quantity: line.quantity,
      adjustable_quantity: line.adjustable_quantity,
    })),
    currency: row.currency,
    after_completion: row.redirect_url === null ? null : { redirect_url: row.redirect_url },
    cancel_url: row.cancel_url,
    metadata: row.metadata,
    ...modeAndTimes(row),
  };
}

/** A payment link as the API returns it. */
export function paymentLinkResource(row: PaymentLinkRow, baseUrl: string) {
  const { payment_link_id, object, active, ...rest } = paymentLinkEventObject(row);
  return { payment_link_id, object, active, url: paymentLinkUrl(baseUrl, row.id), ...rest };
}
