import { selectSetting, upsertSetting } from '../../adapters/db/repos/settings-repo.js';
import { createTaxRate } from '../catalog/tax-rates.js';
import { inviteConsoleUser } from '../console/console-users.js';
import type { Deps } from '../shared/deps.js';
import { unwrapOrThrow } from '../shared/result.js';
import { createAccount } from './create-account.js';

const DEV_ACCOUNT_SETTING = 'dev_account_id';

/** The console's owner `flint dev` invites on first start. */
export const DEV_CONSOLE_OWNER = 'dev@flint.local';

export type DevAccount =
  | {
      readonly created: true;
      readonly accountId: string;
      readonly testSecretKey: string;
      /** The owner's one-time link token (null if that email was taken already). */
      readonly ownerInviteToken: string | null;
    }
  | { readonly created: false; readonly accountId: string };

/**
 * `flint dev`'s own account, created on first start. Its test key is returned
 * only then: keys are stored hashed, so a later start cannot show it again.
 */
export async function ensureDevAccount(deps: Deps): Promise<DevAccount> {
  const existing = await selectSetting(deps.db, DEV_ACCOUNT_SETTING);
  if (existing) return { created: false, accountId: existing };
  const created = unwrapOrThrow(await createAccount(deps, { name: 'Dev account' }));
  // PRODUCT.md §2: the dev account starts with one default exclusive 8 % rate, so that
  // the seed walkthrough works with no setup.
  unwrapOrThrow(
    await createTaxRate(
      deps,
      { accountId: created.account.id, mode: 'test' },
      {
        display_name: 'Sales tax',
        percentage: '8',
        inclusive: false,
        default: true,
      },
    ),
  );
  await upsertSetting(deps.db, DEV_ACCOUNT_SETTING, created.account.id);
  const owner = await inviteConsoleUser(deps, created.account.id, {
    email: DEV_CONSOLE_OWNER,
    role: 'owner',
  });
  return {
    created: true,
    accountId: created.account.id,
    testSecretKey: created.testSecretKey,
    ownerInviteToken: owner.ok ? owner.value.inviteToken : null,
  };
}
