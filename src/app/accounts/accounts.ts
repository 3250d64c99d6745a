import {
  lockAccountById,
  selectAccountById,
  updateAccount as updateAccountRow,
} from '../../adapters/db/repos/accounts-repo.js';
import type { AccountRow } from '../../adapters/db/schema.js';
import { transact } from '../../adapters/db/transact.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, updatedMetadata } from '../../domain/metadata.js';
import type { Deps } from '../shared/deps.js';

export async function getAccount(deps: Deps, accountId: string): Promise<Result<AccountRow>> {
  const row = await selectAccountById(deps.db, accountId);
  return row ? ok(row) : fail(missing('account'));
}

export interface UpdateAccountInput {
  readonly name?: string | undefined;
  /** Whether shipping is taxed (at the order's shipping rates) on orders created from now on. */
  readonly tax_shipping?: boolean | undefined;
  /** Merged into the current metadata; a key set to "" is removed. */
  readonly metadata?: Metadata | undefined;
}

/** Updates the account's own settings; the row is locked so no update is lost. */
export async function updateAccount(
  deps: Deps,
  accountId: string,
  input: UpdateAccountInput,
): Promise<Result<AccountRow>> {
  return transact(deps.db, async (tx) => {
    const current = await lockAccountById(tx, accountId);
    if (!current) return fail(missing('account'));
    const merged = updatedMetadata(current.metadata, input.metadata, 'account');
    if (!merged.ok) return merged;
    const metadata = merged.value;
    const next: AccountRow = {
      ...current,
      name: input.name ?? current.name,
      tax_shipping: input.tax_shipping ?? current.tax_shipping,
      metadata,
      updated_at: deps.clock.now(),
    };
    await updateAccountRow(tx, accountId, {
      name: next.name,
      tax_shipping: next.tax_shipping,
      metadata: next.metadata,
      updated_at: next.updated_at,
    });
    return ok(next);
  });
}
