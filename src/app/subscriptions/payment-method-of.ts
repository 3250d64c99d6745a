import type { Kysely } from 'kysely';
import {
  selectChargeableMethod,
  selectPaymentMethodById,
} from '../../adapters/db/repos/payment-methods-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { PaymentMethodRow } from '../../adapters/db/schema-payment-methods.js';
import type { SubscriptionRow } from '../../adapters/db/schema-subscriptions.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import { detachedFailure } from '../payment-methods/customer-default.js';

/**
 * What a subscription's periods are charged to: its own `default_payment_method_id` while
 * that stays attached, else its customer's default (as Stripe); null when neither.
 */
export async function paymentMethodOf(
  db: Kysely<Database>,
  tenant: Tenant,
  sub: Pick<SubscriptionRow, 'default_payment_method_id' | 'customer_id'>,
): Promise<PaymentMethodRow | null> {
  const method = await selectChargeableMethod(db, tenant, {
    ownId: sub.default_payment_method_id,
    customerId: sub.customer_id,
  });
  return method ?? null;
}

export async function hasChargeableMethod(
  db: Kysely<Database>,
  tenant: Tenant,
  sub: Pick<SubscriptionRow, 'default_payment_method_id' | 'customer_id'>,
): Promise<boolean> {
  return (await paymentMethodOf(db, tenant, sub)) !== null;
}

/** A method a subscription may name: the customer's own, still attached. */
export async function requireOwnMethod(
  db: Kysely<Database>,
  tenant: Tenant,
  p: {
    readonly customerId: string;
    readonly paymentMethodId: string;
    readonly loc: readonly (string | number)[];
  },
): Promise<Result<PaymentMethodRow>> {
  const row = await selectPaymentMethodById(db, tenant, p.paymentMethodId);
  if (!row) return fail({ ...missing('payment method'), loc: p.loc });
  if (row.customer_id !== p.customerId) {
    return fail({
      code: 'parameter_invalid',
      message: "The payment method is another customer's",
      loc: p.loc,
    });
  }
  if (row.status !== 'attached') return fail(detachedFailure(p.loc.map(String)));
  return ok(row);
}
