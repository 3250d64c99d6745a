import { selectSetting, upsertSetting } from '../adapters/db/repos/settings-repo.js';
import { createAccount } from './create-account.js';
import type { Deps } from './deps.js';
import { unwrapOrThrow } from './result.js';

const DEV_ACCOUNT_SETTING = 'dev_account_id';

export type DevAccount =
  | { readonly created: true; readonly accountId: string; readonly testSecretKey: string }
  | { readonly created: false; readonly accountId: string };

/**
 * `flint dev`'s own account, created on first start. Its test key is returned
 * only then: keys are stored hashed, so a later start cannot show it again.
 */
export async function ensureDevAccount(deps: Deps): Promise<DevAccount> {
  const existing = await selectSetting(deps.db, DEV_ACCOUNT_SETTING);
  if (existing) return { created: false, accountId: existing };
  const created = unwrapOrThrow(await createAccount(deps, { name: 'Dev account' }));
  await upsertSetting(deps.db, DEV_ACCOUNT_SETTING, created.account.id);
  return { created: true, accountId: created.account.id, testSecretKey: created.testSecretKey };
}
