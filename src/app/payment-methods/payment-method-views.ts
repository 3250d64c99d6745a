import type { Kysely } from 'kysely';
import type { Page } from '../../adapters/db/pagination.js';
import { selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import {
  listPaymentMethods,
  type PaymentMethodFilter,
  selectPaymentMethodById,
} from '../../adapters/db/repos/payment-methods-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { PaymentMethodRow } from '../../adapters/db/schema-payment-methods.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import type { ListInput, TenantContext } from '../shared/command-context.js';
import { readById } from '../shared/reads.js';

export const getPaymentMethod = readById('payment method', selectPaymentMethodById);

/** A customer's saved methods, newest first; a customer the tenant does not have is a 404. */
export async function listCustomerPaymentMethods(
  { deps, tenant }: TenantContext,
  { filter, page }: ListInput<PaymentMethodFilter & { readonly customer_id: string }>,
): Promise<Result<Page<PaymentMethodRow>>> {
  if (!(await selectCustomerById(deps.db, tenant, filter.customer_id))) {
    return fail(missing('customer'));
  }
  return ok(await listPaymentMethods(deps.db, tenant, filter, page));
}

/**
 * The customer's default payment method, when it has one (always attached: detaching it
 * clears the default). What a renewal charges:
 * `payOrder(ctx, { orderId, payment: { payment_method_id: method.id, off_session: true } })`.
 */
export async function defaultPaymentMethodOf(
  db: Kysely<Database>,
  tenant: Tenant,
  customerId: string,
): Promise<PaymentMethodRow | null> {
  const customer = await selectCustomerById(db, tenant, customerId);
  const id = customer?.default_payment_method_id;
  if (!id) return null;
  return (await selectPaymentMethodById(db, tenant, id)) ?? null;
}
