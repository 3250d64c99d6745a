import { type Kysely, sql } from 'kysely';
import type { CardDetails } from '../../../domain/card-details.js';
import type { PaymentMethodStatus } from '../../../domain/payment-methods/payment-method-values.js';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database } from '../schema.js';
import type { PaymentMethodRow } from '../schema-payment-methods.js';
import { type ListRows, tableRows } from '../table-rows.js';

const methods = tableRows('payment_methods', {
  json: ['metadata'],
  filters: { customer_id: 'customer_id', status: 'status' },
});

/** The insert of a saved method, to run with its event (and the customer's default). */
export const insertPaymentMethodQuery = methods.insertQuery;
export const selectPaymentMethodById = methods.byId;
/** Reads a saved method and locks its row until the transaction ends. */
export const lockPaymentMethodById = methods.lockById;
/** The update of a saved method, to run with its event. */
export const updatePaymentMethodQuery = methods.updateQuery;

export interface PaymentMethodFilter {
  readonly customer_id?: string | undefined;
  readonly status?: PaymentMethodStatus | undefined;
}
export const listPaymentMethods: ListRows<PaymentMethodFilter, PaymentMethodRow> = methods.list;

/** The method a request (its Idempotency-Key) saved, if it did. */
export async function selectPaymentMethodByRequestKey(
  db: Kysely<Database>,
  tenant: Tenant,
  requestKey: string,
): Promise<PaymentMethodRow | undefined> {
  return methods.rows(db, tenant).where('request_key', '=', requestKey).executeTakeFirst();
}

/**
 * What a subscription is charged to, in one statement: the method `ownId` names while it
 * is attached, else the customer's default (a customer not deleted) while attached;
 * undefined when neither.
 */
export async function selectChargeableMethod(
  db: Kysely<Database>,
  tenant: Tenant,
  { ownId, customerId }: { readonly ownId: string | null; readonly customerId: string },
): Promise<PaymentMethodRow | undefined> {
  const customerDefault = db
    .selectFrom('customers')
    .select('default_payment_method_id')
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode)
    .where('id', '=', customerId)
    .where('deleted_at', 'is', null);
  return methods
    .rows(db, tenant)
    .where('status', '=', 'attached')
    .where((eb) =>
      eb.or([...(ownId === null ? [] : [eb('id', '=', ownId)]), eb('id', '=', customerDefault)]),
    )
    .orderBy(sql`${sql.ref('id')} = ${ownId}`, (ob) => ob.desc().nullsLast())
    .limit(1)
    .executeTakeFirst();
}

/** A method's card columns from the processor's card details (all null when none). */
export function methodCardColumns(card: CardDetails | null) {
  return {
    card_brand: card?.brand ?? null,
    card_last4: card?.last4 ?? null,
    card_exp_month: card?.expMonth ?? null,
    card_exp_year: card?.expYear ?? null,
    card_funding: card?.funding ?? null,
  };
}
