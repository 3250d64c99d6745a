import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { CheckoutSessionRow, Database } from '../schema.js';
import { tableRows } from '../table-rows.js';

const sessions = tableRows('checkout_sessions', { json: ['metadata', 'allowed_origins'] });

/** The insert of a new session, to run with other writes. */
export const insertCheckoutSessionQuery = sessions.insertQuery;

export const selectCheckoutSession = sessions.byId;

export async function listCheckoutSessions(
  db: Kysely<Database>,
  tenant: Tenant,
  filter: {
    readonly orderId?: string | undefined;
    readonly status?: CheckoutSessionRow['status'] | undefined;
  },
  page: PageRequest,
): Promise<Page<CheckoutSessionRow>> {
  let query = sessions.rows(db, tenant);
  if (filter.orderId) query = query.where('order_id', '=', filter.orderId);
  if (filter.status) query = query.where('status', '=', filter.status);
  return fetchPage(query, 'id', page);
}

/**
 * Moves an order's open sessions to `status` (`returning` them as they now are), to run
 * with the order's other writes.
 */
export function closeOpenSessionsQuery(
  db: Kysely<Database>,
  orderId: string,
  status: 'complete' | 'expired',
  at: Date,
) {
  return db
    .updateTable('checkout_sessions')
    .set({ status, updated_at: at })
    .where('order_id', '=', orderId)
    .where('status', '=', 'open')
    .returningAll();
}

/** Expires an open session; returns it as it now is, or undefined if it was not open. */
export async function expireCheckoutSession(
  db: Kysely<Database>,
  id: string,
  at: Date,
): Promise<CheckoutSessionRow | undefined> {
  return db
    .updateTable('checkout_sessions')
    .set({ status: 'expired', updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
}

/**
 * A session by its id alone, whatever its account: the hosted page's URL is the
 * capability, and the row names its account and mode.
 */
export async function selectPublicCheckoutSession(
  db: Kysely<Database>,
  id: string,
): Promise<CheckoutSessionRow | undefined> {
  return db.selectFrom('checkout_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Open sessions past their `expires_at`, oldest first. */
export async function selectDueCheckoutSessions(
  db: Kysely<Database>,
  now: Date,
  limit: number,
): Promise<CheckoutSessionRow[]> {
  return db
    .selectFrom('checkout_sessions')
    .selectAll()
    .where('status', '=', 'open')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
}

/**
 * Completes an open setup session with the payment method saved on its page; returns it as
 * it now is, or undefined if it was no longer open (expired meanwhile).
 */
export async function completeSetupSessionRow(
  db: Kysely<Database>,
  {
    id,
    paymentMethodId,
    at,
  }: { readonly id: string; readonly paymentMethodId: string; readonly at: Date },
): Promise<CheckoutSessionRow | undefined> {
  return db
    .updateTable('checkout_sessions')
    .set({ status: 'complete', payment_method_id: paymentMethodId, updated_at: at })
    .where('id', '=', id)
    .where('session_mode', '=', 'setup')
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
}
