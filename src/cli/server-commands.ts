import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrateToLatest } from '../adapters/db/database.js';
import { selectAccountById } from '../adapters/db/repos/accounts-repo.js';
import { insertApiKey } from '../adapters/db/repos/api-keys-repo.js';
import { mintApiKey } from '../app/api-keys.js';
import { createAccount } from '../app/create-account.js';
import { DEV_CONSOLE_OWNER, ensureDevAccount } from '../app/dev-account.js';
import { unwrapOrThrow } from '../app/result.js';
import { parseEncryptionKey } from '../app/secret-box.js';
import { type Config, configFromEnv } from '../config.js';
import { serializeAccount } from '../http/routes/accounts.js';
import { serializeApiKey } from '../http/routes/api-keys.js';
import {
  openConfiguredDatabase,
  shownHost,
  startServer,
  startWorkerProcess,
  stopOnSignals,
} from '../main.js';
import { systemClock } from '../ports/clock.js';
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
 * The dev server's encryption key when none is configured: made once and kept in the data
 * directory (readable by its owner only), so webhook and Stripe secrets can be stored
 * locally and still be opened after a restart.
 */
function devEncryptionKey(dataDir: string): Buffer {
  const file = join(dataDir, 'encryption.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return parseEncryptionKey(readFileSync(file, 'utf8'));
}

export async function dev(flags: Flags): Promise<void> {
  const adminToken = process.env.FLINT_ADMIN_TOKEN || `adm_${randomBytes(24).toString('hex')}`;
  const base = configWith(flags, { port: 4242, host: '127.0.0.1' });
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
  const server = await startServer(config, { migrate: true });
  stopOnSignals(server);
  const dev = await ensureDevAccount(server.deps);
  const key = dev.created
    ? dev.testSecretKey
    : '(shown on first start only; create another with `flint keys create`)';
  const consoleLine =
    dev.created && dev.ownerInviteToken
      ? `${server.url}/console  (owner ${DEV_CONSOLE_OWNER}: set the password at ${server.url}/console/invite/${dev.ownerInviteToken})`
      : `${server.url}/console`;
  process.stdout.write(`
Flint dev server ready (embedded database in ${config.dataDir})

  API            ${server.url}/v1
  Reference      ${server.url}/docs
  OpenAPI        ${server.url}/openapi.json
  Metrics        ${server.url}/metrics
  Console        ${consoleLine}

  Dev account    ${dev.accountId}
  Test key       ${key}
  Admin token    ${adminToken}

Try:  curl -X POST ${server.url}/v1/customers -H "Authorization: Bearer <test key>" \\
        -H "Content-Type: application/json" -d '{"customer": {"email": "jo@example.com"}}'

`);
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

async function withDatabase<T>(
  flags: Flags,
  run: (deps: { db: Awaited<ReturnType<typeof openConfiguredDatabase>>['db'] }) => Promise<T>,
): Promise<T> {
  const database = await openConfiguredDatabase(configWith(flags));
  try {
    return await run({ db: database.db });
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
  const output = await withDatabase(flags, async ({ db }) => {
    await migrateToLatest(db);
    const created = unwrapOrThrow(
      await createAccount(
        { db, clock: systemClock },
        { name: flags.name as string, defaultCurrency: flags.currency },
      ),
    );
    return {
      account: serializeAccount(created.account),
      keys: { test_secret_key: created.testSecretKey, live_secret_key: created.liveSecretKey },
    };
  });
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

export async function keysCreate(flags: Flags): Promise<void> {
  const mode = flags.mode ?? 'test';
  if (!flags.account) throw new UsageError('keys create needs --account');
  if (mode !== 'test' && mode !== 'live') throw new UsageError('--mode must be test or live');
  const output = await withDatabase(flags, async ({ db }) => {
    const account = await selectAccountById(db, flags.account as string);
    if (!account) throw new UsageError(`account ${flags.account} does not exist`);
    const minted = mintApiKey(account.id, mode, flags.name ?? null, systemClock.now());
    await insertApiKey(db, minted.row);
    return { api_key: serializeApiKey(minted.row, minted.secret) };
  });
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}
