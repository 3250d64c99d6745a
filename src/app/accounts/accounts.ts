import {
  lockAccountById,
  selectAccountById,
  updateAccount as updateAccountRow,
} from '../../adapters/db/repos/accounts-repo.js';
import type { AccountRow } from '../../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Deps } from '../shared/deps.js';
import { given, type MetadataUpdate, updateRow } from '../shared/updates.js';

export async function getAccount(deps: Deps, accountId: string): Promise<Result<AccountRow>> {
  const row = await selectAccountById(deps.db, accountId);
  return row ? ok(row) : fail(missing('account'));
}

export interface UpdateAccountInput extends MetadataUpdate {
  readonly name?: string | undefined;
  /** Whether shipping is taxed (at the order's shipping rates) on orders created from now on. */
  readonly tax_shipping?: boolean | undefined;
}

const accountUpdate = updateRow({
  name: 'account',
  lock: lockAccountById,
  apply: (current: AccountRow, input: UpdateAccountInput) =>
    ok(given(current, input, ['name', 'tax_shipping'])),
  write: updateAccountRow,
});

/** Updates the account's own settings; the row is locked so no update is lost. */
export function updateAccount(
  deps: Deps,
  accountId: string,
  input: UpdateAccountInput,
): Promise<Result<AccountRow>> {
  return accountUpdate(deps, [accountId], input);
}
