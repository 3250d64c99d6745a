import { selectAccountById } from '../adapters/db/repos/accounts-repo.js';
import type { AccountRow } from '../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../domain/errors.js';
import type { Deps } from './deps.js';

export async function getAccount(deps: Deps, accountId: string): Promise<Result<AccountRow>> {
  const row = await selectAccountById(deps.db, accountId);
  return row ? ok(row) : fail(missing('account'));
}
