import {
  insertCustomer,
  listCustomers as listCustomerRows,
  lockCustomerById,
  selectCustomerById,
  updateCustomer as updateCustomerRow,
} from '../../adapters/db/repos/customers-repo.js';
import { selectTestClockById } from '../../adapters/db/repos/test-clocks-repo.js';
import type { CustomerRow } from '../../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, updatedMetadata, withoutEmptyValues } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import { defaultMethodFor, writeCustomerChange } from '../payment-methods/customer-default.js';
import type { ChangeContext, Update } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { newOwnedRow } from '../shared/ids.js';
import { readById, readPage } from '../shared/reads.js';
import { given, type MetadataUpdate, withLockedRow } from '../shared/updates.js';
import { clockOf } from '../test-clocks/clock-time.js';

export interface CustomerFields {
  readonly email?: string | null | undefined;
  readonly name?: string | null | undefined;
  readonly phone?: string | null | undefined;
  readonly description?: string | null | undefined;
}

export interface CreateCustomerInput extends CustomerFields {
  /** A test clock of the account (test mode): the customer lives in its time. */
  readonly test_clock?: string | undefined;
  readonly metadata?: Metadata | undefined;
}

export type UpdateCustomerInput = CustomerFields &
  MetadataUpdate & {
    /** One of its attached saved methods, or null for none: what a renewal charges. */
    readonly default_payment_method_id?: string | null | undefined;
  };

/**
 * Creates a customer; one made on a test clock (`test_clock`) lives in its time from now
 * on: made at the clock's time, and what it does later runs by that clock (`customerClock`).
 */
export async function createCustomer(
  deps: Deps,
  tenant: Tenant,
  input: CreateCustomerInput,
): Promise<Result<CustomerRow>> {
  const clockId = input.test_clock ?? null;
  if (clockId !== null && !(await selectTestClockById(deps.db, tenant, clockId))) {
    return fail({ ...missing('test clock'), loc: ['customer', 'test_clock'] });
  }
  const now = (await clockOf(deps, tenant, clockId)).now();
  const row: CustomerRow = {
    ...newOwnedRow('cus', tenant),
    email: input.email ?? null,
    name: input.name ?? null,
    phone: input.phone ?? null,
    description: input.description ?? null,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
    deleted_at: null,
    default_payment_method_id: null,
    processor_customer_id: null,
    test_clock_id: clockId,
    balance: 0,
    currency: null,
  };
  await insertCustomer(deps.db, row);
  return ok(row);
}

export const getCustomer = readById('customer', selectCustomerById);

export const listCustomers = readPage(listCustomerRows);

/**
 * Updates the given fields (null clears one) under the customer's row lock, so no update is
 * lost; a new default payment method must be one of its attached methods (locked too, so a
 * concurrent detach cannot slip between). Records `customer.updated` when anything changed.
 */
export async function updateCustomer(
  ctx: ChangeContext,
  { id, changes }: Update<UpdateCustomerInput>,
): Promise<Result<CustomerRow>> {
  const { deps, tenant } = ctx;
  return withLockedRow(deps, 'customer', lockCustomerById, [tenant, id], async (tx, current) => {
    const metadata = updatedMetadata(current.metadata, changes.metadata, 'customer');
    if (!metadata.ok) return metadata;
    const wanted = changes.default_payment_method_id;
    if (wanted) {
      const usable = await defaultMethodFor(tx, tenant, { customer: current, id: wanted });
      if (!usable.ok) return usable;
    }
    const now = deps.clock.now();
    const next: CustomerRow = {
      ...current,
      ...given(current, changes, ['email', 'name', 'phone', 'description']),
      default_payment_method_id: wanted === undefined ? current.default_payment_method_id : wanted,
      metadata: metadata.value,
      updated_at: now,
    };
    await writeCustomerChange(tx, ctx, { current, next, now });
    return ok(next);
  });
}

/** Deletes a customer (kept as a tombstone so past orders still resolve); then it is 404. */
export async function deleteCustomer(
  deps: Deps,
  tenant: Tenant,
  id: string,
): Promise<Result<CustomerRow>> {
  return withLockedRow(deps, 'customer', lockCustomerById, [tenant, id], async (tx, current) => {
    const now = deps.clock.now();
    await updateCustomerRow(tx, tenant, id, { deleted_at: now, updated_at: now });
    return ok({ ...current, deleted_at: now, updated_at: now });
  });
}
