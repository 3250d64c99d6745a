import { insertAccount } from '../../adapters/db/repos/accounts-repo.js';
import { insertApiKey } from '../../adapters/db/repos/api-keys-repo.js';
import { selectConsoleUserByEmail } from '../../adapters/db/repos/console-repo.js';
import type { AccountRow } from '../../adapters/db/schema.js';
import { transactValue } from '../../adapters/db/transact.js';
import { normalizeCurrency } from '../../domain/currency.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import { emailTaken, type Invited, inviteConsoleUser } from '../console/console-users.js';
import type { Deps } from '../shared/deps.js';
import { newId } from '../shared/ids.js';
import { mintApiKey } from './api-keys.js';

export interface CreateAccountInput {
  readonly name: string;
  readonly defaultCurrency?: string | undefined;
  readonly metadata?: Metadata | undefined;
  /** The console's first user, an owner, invited with the account. */
  readonly ownerEmail?: string | undefined;
}

export interface CreatedAccount {
  readonly account: AccountRow;
  readonly testSecretKey: string;
  readonly liveSecretKey: string;
  readonly owner?: Invited | undefined;
}

/** Creates a merchant account with one test and one live secret key. */
export async function createAccount(
  deps: Deps,
  input: CreateAccountInput,
): Promise<Result<CreatedAccount>> {
  const currency = normalizeCurrency(input.defaultCurrency ?? 'USD');
  if (!currency) {
    return fail({
      code: 'parameter_invalid',
      message: `Unknown currency: ${input.defaultCurrency}`,
      loc: ['account', 'default_currency'],
    });
  }
  if (input.ownerEmail && (await selectConsoleUserByEmail(deps.db, input.ownerEmail))) {
    return fail(emailTaken(['account', 'owner_email']));
  }
  const now = deps.clock.now();
  const account: AccountRow = {
    id: newId('acct'),
    name: input.name,
    default_currency: currency,
    tax_shipping: false,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  };
  const test = mintApiKey({ accountId: account.id, mode: 'test', name: 'Default test key', now });
  const live = mintApiKey({ accountId: account.id, mode: 'live', name: 'Default live key', now });
  await transactValue(deps.db, async (tx) => {
    await insertAccount(tx, account);
    await insertApiKey(tx, test.row);
    await insertApiKey(tx, live.row);
  });
  const owner = input.ownerEmail
    ? await inviteConsoleUser(deps, account.id, { email: input.ownerEmail, role: 'owner' })
    : undefined;
  if (owner && !owner.ok) return owner;
  return ok({
    account,
    testSecretKey: test.secret,
    liveSecretKey: live.secret,
    ...(owner ? { owner: owner.value } : {}),
  });
}
