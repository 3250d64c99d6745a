import { migrateToLatest } from '../adapters/db/database.js';
import { selectAccountById } from '../adapters/db/repos/accounts-repo.js';
import { insertApiKey } from '../adapters/db/repos/api-keys-repo.js';
import type { ApiKeyRow } from '../adapters/db/schema.js';
import { listApiKeys, mintApiKey, revokeApiKey } from '../app/accounts/api-keys.js';
import { createAccount } from '../app/accounts/create-account.js';
import type { Deps } from '../app/shared/deps.js';
import { unwrapOrThrow } from '../app/shared/result.js';
import type { Mode } from '../domain/tenant.js';
import { createdAccountAnswer } from '../http/routes/accounts/accounts.js';
import { serializeApiKey } from '../http/routes/accounts/api-keys.js';
import { shownHost } from '../main.js';
import { configWith, type Flags, withDatabase } from './server-config.js';
import { UsageError } from './usage-error.js';

// `flint accounts create` and `flint keys create|list|revoke`: accounts and their API keys,
// straight on the database (no server needed); each prints JSON as the API answers it.

export async function accountsCreate(flags: Flags): Promise<void> {
  if (!flags.name) throw new UsageError('accounts create needs --name');
  const config = configWith(flags);
  const output = await withDatabase(flags, async (deps) => {
    await migrateToLatest(deps.db);
    const created = unwrapOrThrow(
      await createAccount(deps, {
        name: flags.name as string,
        defaultCurrency: flags.currency,
        ownerEmail: flags['owner-email'],
      }),
    );
    // The same answer as the admin API's POST /v1/accounts, the invite link included.
    const base = config.publicUrl ?? `http://${shownHost(config.host)}:${config.port}`;
    return createdAccountAnswer(created, base);
  });
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

/** --mode, checked: test or live (`fallback` when not given). */
function modeOf<T>(flags: Flags, fallback: T): Mode | T {
  if (flags.mode === undefined) return fallback;
  if (flags.mode !== 'test' && flags.mode !== 'live') {
    throw new UsageError('--mode must be test or live');
  }
  return flags.mode;
}

/** Runs `run` on the database once --account names an existing account. */
function withAccount<T>(
  flags: Flags,
  command: string,
  run: (deps: Deps, accountId: string) => Promise<T>,
): Promise<T> {
  if (!flags.account) throw new UsageError(`${command} needs --account`);
  const accountId = flags.account;
  return withDatabase(flags, async (deps) => {
    if (!(await selectAccountById(deps.db, accountId))) {
      throw new UsageError(`account ${accountId} does not exist`);
    }
    return run(deps, accountId);
  });
}

export async function keysCreate(flags: Flags): Promise<void> {
  const mode = modeOf(flags, 'test');
  const output = await withAccount(flags, 'keys create', async (deps, accountId) => {
    const minted = mintApiKey({
      accountId,
      mode,
      name: flags.name ?? null,
      now: deps.clock.now(),
    });
    await insertApiKey(deps.db, minted.row);
    return { api_key: serializeApiKey(minted.row, minted.secret) };
  });
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

/** Every key of the account (both modes unless --mode), newest first; never a secret. */
export async function keysList(flags: Flags): Promise<void> {
  const mode = modeOf(flags, null);
  const output = await withAccount(flags, 'keys list', async (deps, accountId) => {
    const keys: ApiKeyRow[] = [];
    for (const each of mode ? [mode] : (['test', 'live'] as const)) {
      let startingAfter: string | undefined;
      do {
        const page = await listApiKeys(
          deps,
          { accountId, mode: each },
          { limit: 100, startingAfter },
        );
        keys.push(...page.items);
        startingAfter = page.nextCursor ?? undefined;
      } while (startingAfter);
    }
    return { api_keys: keys.map((row) => serializeApiKey(row)) };
  });
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

/** Revokes one key of the account at once (in whichever mode it is); prints it. */
export async function keysRevoke(flags: Flags, keyId: string | undefined): Promise<void> {
  if (!keyId) throw new UsageError('keys revoke needs the KEY_ID to revoke');
  const mode = modeOf(flags, null);
  const output = await withAccount(flags, 'keys revoke', async (deps, accountId) => {
    for (const each of mode ? [mode] : (['test', 'live'] as const)) {
      const revoked = await revokeApiKey(deps, { accountId, mode: each }, keyId);
      if (revoked.ok) return { api_key: serializeApiKey(revoked.value) };
    }
    throw new Error(`api key ${keyId} does not exist in account ${accountId}`);
  });
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}
