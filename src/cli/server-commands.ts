import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrateToLatest } from '../adapters/db/database.js';
import { selectAccountById } from '../adapters/db/repos/accounts-repo.js';
import { insertApiKey, selectActiveApiKeyByHash } from '../adapters/db/repos/api-keys-repo.js';
import type { ApiKeyRow } from '../adapters/db/schema.js';
import { listApiKeys, mintApiKey, revokeApiKey } from '../app/accounts/api-keys.js';
import { createAccount } from '../app/accounts/create-account.js';
import { DEV_CONSOLE_OWNER, ensureDevAccount } from '../app/accounts/dev-account.js';
import { hashSecretKey } from '../app/accounts/secret-keys.js';
import { userOfInvite } from '../app/console/console-users.js';
import type { Deps } from '../app/shared/deps.js';
import { unwrapOrThrow } from '../app/shared/result.js';
import { parseEncryptionKey } from '../app/shared/secret-box.js';
import { type Config, configFromEnv } from '../config.js';
import type { Mode } from '../domain/tenant.js';
import { serializeAccount } from '../http/routes/accounts/accounts.js';
import { serializeApiKey } from '../http/routes/accounts/api-keys.js';
import { consoleUserResource, inviteUrl } from '../http/routes/accounts/console-users.js';
import {
  openConfiguredDatabase,
  shownHost,
  startServer,
  startWorkerProcess,
  stopOnSignals,
} from '../main.js';
import { systemClock } from '../ports/clock.js';
import { devLogStream } from './dev-log.js';
import { UsageError } from './usage-error.js';

// The commands that run the server or open its database: loaded only when one of them
// runs, so that `trigger`, `listen` and `--help` start without the server's modules.

export interface ServerFlags {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly 'data-dir'?: string | undefined;
  readonly name?: string | undefined;
  readonly currency?: string | undefined;
  readonly account?: string | undefined;
  readonly mode?: string | undefined;
  readonly 'owner-email'?: string | undefined;
  readonly 'print-keys'?: boolean | undefined;
}

type Flags = ServerFlags;

/** Flags win over the environment, which wins over the command's own defaults. */
function configWith(flags: Flags, defaults: { port?: number; host?: string } = {}): Config {
  const env = configFromEnv({
    ...process.env,
    ...(flags.port !== undefined ? { PORT: flags.port } : {}),
  });
  const portGiven = flags.port !== undefined || Boolean(process.env.PORT);
  const hostGiven = flags.host !== undefined || Boolean(process.env.HOST);
  return {
    ...env,
    port: portGiven ? env.port : (defaults.port ?? env.port),
    host: flags.host ?? (hostGiven ? env.host : (defaults.host ?? env.host)),
    dataDir: flags['data-dir'] ?? env.dataDir,
  };
}

/**
 * A secret `flint dev` makes once and keeps in its data directory (readable by its owner
 * only), so a restart finds it again: the encryption key (stored Stripe keys and webhook
 * secrets still open) and the admin token (what was printed keeps working).
 */
function keptSecret(dataDir: string, name: string, make: () => string): string {
  const file = join(dataDir, name);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${make()}\n`, { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}

function devEncryptionKey(dataDir: string): Buffer {
  return parseEncryptionKey(
    keptSecret(dataDir, 'encryption.key', () => randomBytes(32).toString('base64')),
  );
}

function devAdminToken(dataDir: string): string {
  return (
    process.env.FLINT_ADMIN_TOKEN ||
    keptSecret(dataDir, 'admin.token', () => `adm_${randomBytes(24).toString('hex')}`)
  );
}

/** What `flint dev` prints on every start and `flint dev --print-keys` prints again. */
interface DevCredentials {
  readonly account_id: string;
  readonly test_secret_key: string;
  /** The console owner's invite, until its password is set. */
  readonly owner_invite_token: string | null;
}

const DEV_CREDENTIALS_FILE = 'dev-account.json';

function readDevCredentials(dataDir: string): DevCredentials | null {
  const file = join(dataDir, DEV_CREDENTIALS_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DevCredentials) : null;
}

function keepDevCredentials(dataDir: string, credentials: DevCredentials): DevCredentials {
  const file = join(dataDir, DEV_CREDENTIALS_FILE);
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

/**
 * The dev account and a working test key of it, the same on every start of a data
 * directory: kept beside the database (keys are stored hashed, so the database alone
 * cannot show one again). A kept key that was revoked, or a data directory from before
 * keys were kept, gets a new one, kept from then on.
 */
async function devCredentials(deps: Deps, dataDir: string): Promise<DevCredentials> {
  const dev = await ensureDevAccount(deps);
  if (dev.created) {
    return keepDevCredentials(dataDir, {
      account_id: dev.accountId,
      test_secret_key: dev.testSecretKey,
      owner_invite_token: dev.ownerInviteToken,
    });
  }
  const kept = readDevCredentials(dataDir);
  const keyWorks =
    kept?.account_id === dev.accountId &&
    (await selectActiveApiKeyByHash(deps.db, hashSecretKey(kept.test_secret_key))) !== undefined;
  const inviteOpen =
    kept?.owner_invite_token && (await userOfInvite(deps, kept.owner_invite_token)) !== null;
  if (kept && keyWorks && (inviteOpen || !kept.owner_invite_token)) return kept;
  let testSecretKey = kept?.test_secret_key ?? '';
  if (!keyWorks) {
    const minted = mintApiKey(dev.accountId, 'test', 'flint dev', deps.clock.now());
    await insertApiKey(deps.db, minted.row);
    testSecretKey = minted.secret;
  }
  return keepDevCredentials(dataDir, {
    account_id: dev.accountId,
    test_secret_key: testSecretKey,
    owner_invite_token: inviteOpen ? (kept?.owner_invite_token ?? null) : null,
  });
}

function devBanner(
  url: string,
  dataDir: string,
  credentials: DevCredentials,
  adminToken: string,
): string {
  const invite = credentials.owner_invite_token
    ? `\n                 owner ${DEV_CONSOLE_OWNER}: set the password at ${inviteUrl(url, credentials.owner_invite_token)}`
    : `  (owner ${DEV_CONSOLE_OWNER})`;
  return `
Flint dev server (embedded database in ${dataDir})

  API            ${url}/v1
  Reference      ${url}/docs
  Console        ${url}/console${invite}
  Dev account    ${credentials.account_id}
  Test key       ${credentials.test_secret_key}
  Admin token    ${adminToken}

The same on every start of this data directory; \`flint dev --print-keys\` prints them again.
Try:  curl -X POST ${url}/v1/customers -H "Authorization: Bearer ${credentials.test_secret_key}" \\
        -H "Content-Type: application/json" -d '{"customer": {"email": "jo@example.com"}}'

`;
}

export async function dev(flags: Flags): Promise<void> {
  const base = configWith(flags, { port: 4242, host: '127.0.0.1' });
  if (flags['print-keys']) return printDevKeys(base);
  const adminToken = devAdminToken(base.dataDir);
  // dev is the embedded database by definition, whatever DATABASE_URL says.
  const config: Config = {
    ...base,
    databaseUrl: undefined,
    adminToken,
    encryptionKey: base.encryptionKey ?? devEncryptionKey(base.dataDir),
    publicUrl:
      base.publicUrl ??
      (base.port === 0 ? undefined : `http://${shownHost(base.host)}:${base.port}`),
  };
  const server = await startServer(config, {
    migrate: true,
    logStream: devLogStream(process.stdout),
  });
  stopOnSignals(server);
  const credentials = await devCredentials(server.deps, config.dataDir);
  process.stdout.write(devBanner(server.url, config.dataDir, credentials, adminToken));
}

/**
 * `flint dev --print-keys`: the banner again, from the files beside the database (not
 * the database, which the running `flint dev` holds), so it works whether or not it runs.
 */
function printDevKeys(config: Config): void {
  const credentials = readDevCredentials(config.dataDir);
  if (!credentials) {
    throw new Error(`no dev account in ${config.dataDir} yet: start \`flint dev\` first`);
  }
  const url = `http://${config.host}:${config.port}`;
  process.stdout.write(devBanner(url, config.dataDir, credentials, devAdminToken(config.dataDir)));
}

/**
 * The production commands need the one key every process shares: it seals stored secrets
 * and signs the pages' CSRF tokens, so a form rendered by one process posts to another.
 */
function productionConfig(flags: Flags, command: string): Config {
  const config = configWith(flags);
  if (!config.encryptionKey) {
    throw new Error(
      `flint ${command} needs FLINT_ENCRYPTION_KEY, the same in every process (32 random bytes, e.g. \`openssl rand -base64 32\`)`,
    );
  }
  return config;
}

export async function serve(flags: Flags): Promise<void> {
  const config = productionConfig(flags, 'serve');
  const server = await startServer(config, { migrate: false });
  stopOnSignals(server);
  server.logger.info({ url: server.url, database: server.database.kind }, 'flint serving');
  if (!config.adminToken)
    server.logger.warn('FLINT_ADMIN_TOKEN is not set: the admin API is closed');
  if (!config.publicUrl)
    server.logger.warn('FLINT_PUBLIC_URL is not set: checkout-session events carry no url');
}

/** The background workers alone (webhooks, settlement, expiry, reaper), no HTTP server. */
export async function worker(flags: Flags): Promise<void> {
  const config = productionConfig(flags, 'worker');
  const running = await startWorkerProcess(config);
  stopOnSignals(running);
  running.logger.info({ database: running.database.kind }, 'flint worker running');
  if (!config.publicUrl)
    running.logger.warn('FLINT_PUBLIC_URL is not set: checkout-session events carry no url');
}

async function withDatabase<T>(flags: Flags, run: (deps: Deps) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(configWith(flags));
  try {
    return await run({ db: database.db, clock: systemClock });
  } finally {
    await database.close();
  }
}

export async function migrate(flags: Flags): Promise<void> {
  const applied = await withDatabase(flags, ({ db }) => migrateToLatest(db));
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
}

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
    return {
      account: serializeAccount(created.account),
      keys: { test_secret_key: created.testSecretKey, live_secret_key: created.liveSecretKey },
      ...(created.owner
        ? {
            owner: consoleUserResource(
              created.owner.user,
              inviteUrl(base, created.owner.inviteToken),
            ),
          }
        : {}),
    };
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
    const minted = mintApiKey(accountId, mode, flags.name ?? null, deps.clock.now());
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
