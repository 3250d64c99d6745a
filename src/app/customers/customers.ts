import {
  insertCustomer,
  listCustomers as listCustomerRows,
  lockCustomerById,
  selectCustomerById,
  updateCustomer as updateCustomerRow,
} from '../../adapters/db/repos/customers-repo.js';
import type { CustomerRow } from '../../adapters/db/schema.js';
import { transact } from '../../adapters/db/transact.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, updatedMetadata, withoutEmptyValues } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import type { TenantContext, Update } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { newId } from '../shared/ids.js';
import { readById, readPage } from '../shared/reads.js';

export interface CustomerFields {
  readonly email?: string | null | undefined;
  readonly name?: string | null | undefined;
  readonly phone?: string | null | undefined;
  readonly description?: string | null | undefined;
}

export interface CreateCustomerInput extends CustomerFields {
  readonly metadata?: Metadata | undefined;
}

export interface UpdateCustomerInput extends CustomerFields {
  /** Merged into the current metadata; a key set to "" is removed. */
  readonly metadata?: Metadata | undefined;
}

export async function createCustomer(
  deps: Deps,
  tenant: Tenant,
  input: CreateCustomerInput,
): Promise<CustomerRow> {
  const now = deps.clock.now();
  const row: CustomerRow = {
    id: newId('cus'),
    account_id: tenant.accountId,
    mode: tenant.mode,
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
export async function updateCustomer(
  { deps, tenant }: TenantContext,
  { id, changes: input }: Update<UpdateCustomerInput>,
): Promise<Result<CustomerRow>> {
  return transact(deps.db, async (tx) => {
    const current = await lockCustomerById(tx, tenant, id);
    if (!current) return fail(missing('customer'));
    const merged = updatedMetadata(current.metadata, input.metadata, 'customer');
    if (!merged.ok) return merged;
    const metadata = merged.value;
    const next: CustomerRow = {
      ...current,
      ...definedFields(input),
      metadata,
      updated_at: deps.clock.now(),
    };
    await updateCustomerRow(tx, tenant, id, {
      email: next.email,
      name: next.name,
      phone: next.phone,
      description: next.description,
      metadata: next.metadata,
      updated_at: next.updated_at,
    });
    return ok(next);
  });
}

function definedFields(input: CustomerFields): CustomerFields {
  return Object.fromEntries(
    Object.entries({
      email: input.email,
      name: input.name,
      phone: input.phone,
      description: input.description,
    }).filter(([, value]) => value !== undefined),
  );
}

/** Deletes a customer (kept as a tombstone so past orders still resolve); then it is 404. */
export async function deleteCustomer(
  deps: Deps,
  tenant: Tenant,
  id: string,
): Promise<Result<CustomerRow>> {
  return transact(deps.db, async (tx) => {
    const current = await lockCustomerById(tx, tenant, id);
    if (!current) return fail(missing('customer'));
    const now = deps.clock.now();
    await updateCustomerRow(tx, tenant, id, { deleted_at: now, updated_at: now });
    return ok({ ...current, deleted_at: now, updated_at: now });
  });
}
