import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database, PaymentLinkRow } from '../schema.js';
import { type ListRows, tableRows } from '../table-rows.js';

const paymentLinks = tableRows('payment_links', {
  json: ['line_items', 'metadata'],
  filters: { active: 'active' },
});

/** The insert of a new link, to run with its event. */
export const insertPaymentLinkQuery = paymentLinks.insertQuery;

export const selectPaymentLinkById = paymentLinks.byId;

/**
 * A link found by its id alone: the public link's id is its capability, and the row
 * names the account and mode everything after it is scoped to.
 */
export async function selectPublicPaymentLink(
  db: Kysely<Database>,
  id: string,
): Promise<PaymentLinkRow | undefined> {
  return db.selectFrom('payment_links').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Reads a payment link and locks its row until the transaction ends. */
export const lockPaymentLinkById = paymentLinks.lockById;

export type PaymentLinkChanges = Partial<
  Pick<PaymentLinkRow, 'active' | 'metadata' | 'cancel_url'>
> &
  Pick<PaymentLinkRow, 'updated_at'>;

/** The update of a link, to run with its event. */
export const updatePaymentLinkQuery: (
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
  changes: PaymentLinkChanges,
) => ReturnType<typeof paymentLinks.updateQuery> = paymentLinks.updateQuery;

export const listPaymentLinks: ListRows<{ readonly active?: boolean | undefined }, PaymentLinkRow> =
  paymentLinks.list;
