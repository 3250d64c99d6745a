import {
  insertCustomer,
  listCustomers as listCustomerRows,
  lockCustomerById,
  selectCustomerById,
  updateCustomer as updateCustomerRow,
} from '../../adapters/db/repos/customers-repo.js';
import type { CustomerRow } from '../../adapters/db/schema.js';
import { ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Deps } from '../shared/deps.js';
import { newOwnedRow } from '../shared/ids.js';
import { readById, readPage } from '../shared/reads.js';
import { given, type MetadataUpdate, updateById, withLockedRow } from '../shared/updates.js';

export interface CustomerFields {
  readonly email?: string | null | undefined;
  readonly name?: string | null | undefined;
  readonly phone?: string | null | undefined;
  readonly description?: string | null | undefined;
}

export interface CreateCustomerInput extends CustomerFields {
  readonly metadata?: Metadata | undefined;
}

export type UpdateCustomerInput = CustomerFields & MetadataUpdate;

export async function createCustomer(
  deps: Deps,
  tenant: Tenant,
  input: CreateCustomerInput,
): Promise<CustomerRow> {
  const now = deps.clock.now();
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
  };
  await insertCustomer(deps.db, row);
  return row;
}

export const getCustomer = readById('customer', selectCustomerById);

export const listCustomers = readPage(listCustomerRows);

/** Updates the given fields (null clears one); the row is locked so no update is lost. */
export const updateCustomer = updateById({
  name: 'customer',
  lock: lockCustomerById,
  apply: (current: CustomerRow, input: UpdateCustomerInput) =>
    ok(given(current, input, ['email', 'name', 'phone', 'description'])),
  write: updateCustomerRow,
});

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
