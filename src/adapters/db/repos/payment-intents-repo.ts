import type { Kysely } from 'kysely';
import type { CardDetails } from '../../../domain/card-details.js';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { Database, PaymentIntentRow } from '../schema.js';
import { tableRows } from '../table-rows.js';

const intents = tableRows('payment_intents', { json: ['metadata'] });

export const insertPaymentIntent = intents.insert;
/** The insert of `insertPaymentIntent`, to run with other writes. */
export const insertPaymentIntentQuery = intents.insertQuery;
export const selectPaymentIntentById = intents.byId;

/** The newest payment started since `since` by a request with the client's `key`. */
export async function selectPaymentIntentByRequestKey(
  db: Kysely<Database>,
  tenant: Tenant,
  key: string,
  since: Date,
): Promise<PaymentIntentRow | undefined> {
  return intents
    .rows(db, tenant)
    .where('request_key', '=', key)
    .where('created_at', '>', since)
    .orderBy('id', 'desc')
    .executeTakeFirst();
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
  let query = intents.rows(db, tenant);
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
> &
  Partial<CardColumns>;

type CardColumns = Pick<
  PaymentIntentRow,
  'card_brand' | 'card_last4' | 'card_exp_month' | 'card_exp_year' | 'card_funding'
>;

/** The card columns of a payment intent row; all null for no card. */
export function cardColumns(card: CardDetails | null): CardColumns {
  return {
    card_brand: card?.brand ?? null,
    card_last4: card?.last4 ?? null,
    card_exp_month: card?.expMonth ?? null,
    card_exp_year: card?.expYear ?? null,
    card_funding: card?.funding ?? null,
  };
}

/**
 * Records the processor's answer once: only an intent still `processing` changes — or
 * one waiting for an action (3-D Secure) that now succeeded or failed — so a late or
 * repeated answer can never overwrite a final one. Returns whether it did.
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
  // A final answer may follow a `requires_action` one (the buyer authenticated, or gave up).
  const from: PaymentIntentRow['status'][] =
    outcome.status === 'requires_action' ? ['processing'] : ['processing', 'requires_action'];
  return db
    .updateTable('payment_intents')
    .set(outcome)
    .where('id', '=', id)
    .where('status', 'in', from)
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
