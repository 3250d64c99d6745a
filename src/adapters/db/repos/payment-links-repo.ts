import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { Database, PaymentLinkRow } from '../schema.js';
import { scoped } from '../scoped.js';

/** The insert of a new link, to run with its event. */
export function insertPaymentLinkQuery(db: Kysely<Database>, row: PaymentLinkRow) {
  return db.insertInto('payment_links').values({
    ...row,
    line_items: JSON.stringify(row.line_items),
    metadata: JSON.stringify(row.metadata),
  });
}

function paymentLinks(db: Kysely<Database>, scope: Tenant) {
  return db.selectFrom('payment_links').selectAll().$call(scoped(scope));
}

export async function selectPaymentLinkById(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
): Promise<PaymentLinkRow | undefined> {
  return paymentLinks(db, scope).where('id', '=', id).executeTakeFirst();
}

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
export async function lockPaymentLinkById(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
): Promise<PaymentLinkRow | undefined> {
  return paymentLinks(db, scope).where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
}

export type PaymentLinkChanges = Partial<
  Pick<PaymentLinkRow, 'active' | 'metadata' | 'cancel_url'>
> &
  Pick<PaymentLinkRow, 'updated_at'>;

/** The update of a link, to run with its event. */
export function updatePaymentLinkQuery(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
  changes: PaymentLinkChanges,
) {
  const { metadata, ...rest } = changes;
  return db
    .updateTable('payment_links')
    .set(metadata === undefined ? rest : { ...rest, metadata: JSON.stringify(metadata) })
    .$call(scoped(scope))
    .where('id', '=', id);
}

export async function listPaymentLinks(
  db: Kysely<Database>,
  scope: Tenant,
  filter: { readonly active?: boolean | undefined },
  page: PageRequest,
): Promise<Page<PaymentLinkRow>> {
  let query = paymentLinks(db, scope);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  return fetchPage(query, 'id', page);
}
