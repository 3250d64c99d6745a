import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { Database, PaymentIntentRow } from '../schema.js';

export async function insertPaymentIntent(
  db: Kysely<Database>,
  row: PaymentIntentRow,
): Promise<void> {
  await insertPaymentIntentQuery(db, row).execute();
}

/** The insert of `insertPaymentIntent`, to run with other writes. */
export function insertPaymentIntentQuery(db: Kysely<Database>, row: PaymentIntentRow) {
  return db
    .insertInto('payment_intents')
    .values({ ...row, metadata: JSON.stringify(row.metadata) });
}

function intents(db: Kysely<Database>, tenant: Tenant) {
  return db
    .selectFrom('payment_intents')
    .selectAll()
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode);
}

export async function selectPaymentIntentById(
  db: Kysely<Database>,
  tenant: Tenant,
  id: string,
): Promise<PaymentIntentRow | undefined> {
  return intents(db, tenant).where('id', '=', id).executeTakeFirst();
}

export async function selectPaymentIntentsByOrderIds(
  db: Kysely<Database>,
  orderIds: readonly string[],
): Promise<PaymentIntentRow[]> {
  if (orderIds.length === 0) return [];
  return db
    .selectFrom('payment_intents')
    .selectAll()
    .where('order_id', 'in', [...orderIds])
    .orderBy('id')
    .execute();
}

export async function listPaymentIntents(
  db: Kysely<Database>,
  tenant: Tenant,
  filter: { readonly orderId?: string | undefined },
  page: PageRequest,
): Promise<Page<PaymentIntentRow>> {
  let query = intents(db, tenant);
  if (filter.orderId) query = query.where('order_id', '=', filter.orderId);
  return fetchPage(query, 'id', page);
}

export type PaymentIntentOutcome = Pick<
  PaymentIntentRow,
  | 'status'
  | 'processor_payment_id'
  | 'latest_charge'
  | 'amount_received'
  | 'failure_code'
  | 'failure_message'
  | 'updated_at'
>;

/**
 * Records the processor's answer once: only an intent still `processing` changes,
 * so a late or repeated answer can never overwrite a final one. Returns whether it did.
 */
export async function settlePaymentIntent(
  db: Kysely<Database>,
  id: string,
  outcome: PaymentIntentOutcome,
): Promise<boolean> {
  const updated = await settlePaymentIntentQuery(db, id, outcome).executeTakeFirst();
  return updated !== undefined;
}

/** The conditional update of `settlePaymentIntent` (`returning id`), to run with other writes. */
export function settlePaymentIntentQuery(
  db: Kysely<Database>,
  id: string,
  outcome: PaymentIntentOutcome,
) {
  return db
    .updateTable('payment_intents')
    .set(outcome)
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .returning('id');
}

/** Intents still `processing` since before `before`, in any account (the settlement worker). */
export async function selectStaleProcessingIntents(
  db: Kysely<Database>,
  before: Date,
  limit: number,
  accountId?: string,
): Promise<PaymentIntentRow[]> {
  let query = db
    .selectFrom('payment_intents')
    .selectAll()
    .where('status', '=', 'processing')
    .where('updated_at', '<', before);
  if (accountId) query = query.where('account_id', '=', accountId);
  return query.orderBy('id').limit(limit).execute();
}
