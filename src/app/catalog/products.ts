import {
  insertProduct,
  listProducts as listProductRows,
  lockProductById,
  selectProductById,
  updateProduct as updateProductRow,
} from '../../adapters/db/repos/products-repo.js';
import type { ProductRow } from '../../adapters/db/schema.js';
import { transact } from '../../adapters/db/transact.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, updatedMetadata, withoutEmptyValues } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import type { TenantContext, Update } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { newId } from '../shared/ids.js';
import { readById, readPage } from '../shared/reads.js';

export interface InventoryInput {
  readonly tracked?: boolean | undefined;
  readonly quantity?: number | null | undefined;
}

export interface CreateProductInput {
  readonly name: string;
  readonly description?: string | null | undefined;
  readonly active?: boolean | undefined;
  readonly inventory?: InventoryInput | undefined;
  readonly metadata?: Metadata | undefined;
}

export interface UpdateProductInput {
  readonly name?: string | undefined;
  readonly description?: string | null | undefined;
  readonly active?: boolean | undefined;
  /** Merged into the current inventory: `{quantity}` alone restocks a tracked product. */
  readonly inventory?: InventoryInput | undefined;
  /** Merged into the current metadata; a key set to "" is removed. */
  readonly metadata?: Metadata | undefined;
}

interface Inventory {
  readonly tracked: boolean;
  readonly quantity: number | null;
}

/**
 * The inventory after applying `input` to `current`: a tracked product needs a
 * quantity, an untracked one has none.
 */
function nextInventory(current: Inventory, input: InventoryInput): Result<Inventory> {
  const tracked = input.tracked ?? current.tracked;
  const loc = ['product', 'inventory', 'quantity'];
  if (!tracked) {
    if (input.quantity !== undefined && input.quantity !== null) {
      return fail({
        code: 'parameter_invalid',
        message: 'quantity can only be set when inventory is tracked',
        loc,
      });
    }
    return ok({ tracked, quantity: null });
  }
  const quantity = input.quantity === undefined ? current.quantity : input.quantity;
  if (quantity === null) {
    return fail({
      code: 'parameter_invalid',
      message: 'quantity is required when inventory is tracked',
      loc,
    });
  }
  return ok({ tracked, quantity });
}

export async function createProduct(
  deps: Deps,
  tenant: Tenant,
  input: CreateProductInput,
): Promise<Result<ProductRow>> {
  const inventory = nextInventory({ tracked: false, quantity: null }, input.inventory ?? {});
  if (!inventory.ok) return inventory;
  const now = deps.clock.now();
  const row: ProductRow = {
    id: newId('prod'),
    account_id: tenant.accountId,
    mode: tenant.mode,
    name: input.name,
    description: input.description ?? null,
    active: input.active ?? true,
    inventory_tracked: inventory.value.tracked,
    inventory_quantity: inventory.value.quantity,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  };
  await insertProduct(deps.db, row);
  return ok(row);
}

export const getProduct = readById('product', selectProductById);

export const listProducts = readPage(listProductRows);

/**
 * Updates the given fields; archiving is `active: false` (products are never deleted,
 * orders reference them). The row is locked so no update, nor a stock change, is lost.
 */
export async function updateProduct(
  { deps, tenant }: TenantContext,
  { id, changes: input }: Update<UpdateProductInput>,
): Promise<Result<ProductRow>> {
  return transact(deps.db, async (tx) => {
    const current = await lockProductById(tx, tenant, id);
    if (!current) return fail(missing('product'));
    const inventory = nextInventory(
      { tracked: current.inventory_tracked, quantity: current.inventory_quantity },
      input.inventory ?? {},
    );
    if (!inventory.ok) return inventory;
    const merged = updatedMetadata(current.metadata, input.metadata, 'product');
    if (!merged.ok) return merged;
    const metadata = merged.value;
    const next: ProductRow = {
      ...current,
      name: input.name ?? current.name,
      description: input.description === undefined ? current.description : input.description,
      active: input.active ?? current.active,
      inventory_tracked: inventory.value.tracked,
      inventory_quantity: inventory.value.quantity,
      metadata,
      updated_at: deps.clock.now(),
    };
    await updateProductRow(tx, tenant, id, {
      name: next.name,
      description: next.description,
      active: next.active,
      inventory_tracked: next.inventory_tracked,
      inventory_quantity: next.inventory_quantity,
      metadata: next.metadata,
      updated_at: next.updated_at,
    });
    return ok(next);
  });
}
