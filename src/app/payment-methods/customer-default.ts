import type { Kysely } from 'kysely';
import { type Write, writeAsOne } from '../../adapters/db/one-statement.js';
import { updateCustomerQuery } from '../../adapters/db/repos/customers-repo.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { lockPaymentMethodById } from '../../adapters/db/repos/payment-methods-repo.js';
import type { CustomerRow, Database } from '../../adapters/db/schema.js';
import type { PaymentMethodRow } from '../../adapters/db/schema-payment-methods.js';
import { type Failure, fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import { customerResource } from '../../resources/customer.js';
import { previousAttributes } from '../../resources/previous-attributes.js';
import { type EventAuthor, objectEvent } from '../events/record-events.js';

// A customer's default payment method: one of its own attached methods, or none. Set by
// the first method saved (or one saved with `set_default`), by an update of the customer,
// and cleared when that method is detached — each writing `customer.updated`.

/** Why a saved method cannot be used now (detached: never charged again). */
export function detachedFailure(loc: readonly string[]): Failure {
  return {
    code: 'payment_method_detached',
    message: 'The payment method was detached: it can no longer be charged',
    loc,
  };
}

/**
 * The method a customer may make its default, locked until the transaction ends (a detach
 * waits): the customer's own and attached; another tenant's is a missing one.
 */
export async function defaultMethodFor(
  tx: Kysely<Database>,
  tenant: Tenant,
  { customer, id }: { readonly customer: CustomerRow; readonly id: string },
): Promise<Result<PaymentMethodRow>> {
  const loc = ['customer', 'default_payment_method_id'];
  const method = await lockPaymentMethodById(tx, tenant, id);
  if (!method) return fail(missing('payment method'));
  if (method.customer_id !== customer.id) {
    return fail({
      code: 'parameter_invalid',
      message: 'The payment method belongs to another customer',
      loc,
    });
  }
  return method.status === 'attached' ? ok(method) : fail(detachedFailure(loc));
}

/**
 * Writes a customer's change (with `also`, other writes of the same change) in one
 * statement, with `customer.updated` when anything the API shows changed.
 */
export async function writeCustomerChange(
  tx: Kysely<Database>,
  author: EventAuthor,
  {
    current,
    next,
    now,
    also = [],
  }: {
    readonly current: CustomerRow;
    readonly next: CustomerRow;
    readonly now: Date;
    readonly also?: readonly Write[];
  },
): Promise<void> {
  const before = customerResource(current);
  const after = customerResource(next);
  const changed = Object.keys(previousAttributes(before, after)).length > 0;
  const { id, account_id: _a, mode: _m, created_at: _c, ...columns } = next;
  // A customer the change leaves as it was is not written at all.
  const untouched = JSON.stringify(current) === JSON.stringify(next);
  const writes: Write[] = untouched
    ? [...also]
    : [...also, updateCustomerQuery(tx, author.tenant, id, columns)];
  if (changed) {
    const event = objectEvent(author, {
      type: 'customer.updated',
      objectType: 'customer',
      objectId: id,
      object: after,
      previous: before,
      now,
    });
    writes.push(insertEventsQuery(tx, [event]));
  }
  await writeAsOne(tx, writes);
}
