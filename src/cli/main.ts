import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { migrateToLatest } from '../adapters/db/database.js';
import { selectAccountById } from '../adapters/db/repos/accounts-repo.js';
import { insertApiKey } from '../adapters/db/repos/api-keys-repo.js';
import { mintApiKey } from '../app/api-keys.js';
import { createAccount } from '../app/create-account.js';
import { ensureDevAccount } from '../app/dev-account.js';
import { unwrapOrThrow } from '../app/result.js';
import { type Config, configFromEnv } from '../config.js';
import { serializeAccount } from '../http/routes/accounts.js';
import { serializeApiKey } from '../http/routes/api-keys.js';
import { openConfiguredDatabase, startServer, stopOnSignals, VERSION } from '../main.js';
import { systemClock } from '../ports/clock.js';
import { UsageError } from './api-client.js';
import { listenCommand, triggerCommand } from './event-commands.js';

const HELP = `flint ${VERSION} — order-first payments API

Usage: flint <command> [options]

Commands:
  dev                 Run everything in one process on the embedded database.
                      Creates a dev account on first start and prints its test key.
      --port N        (default 4242)   --host H (default 127.0.0.1)
      --data-dir DIR  (default ./.flint)
  serve               Run the API for production: PostgreSQL when DATABASE_URL is
                      set, otherwise the embedded database in --data-dir.
      --port N        (default $PORT or 4242)   --host H (default 0.0.0.0)
  migrate             Apply pending database migrations.
  accounts create     Create an account; prints {"account", "keys"} as JSON.
      --name NAME     (required)   --currency CODE (default USD)
  keys create         Create a secret key for an account; prints it as JSON.
      --account ID    (required)   --mode test|live (default test)   --name NAME
  trigger TYPE        Make the changes that record a TYPE event (test mode, through
                      the API), print what was created and the event.
  listen              Forward the account's new events to a local URL as signed
                      Standard Webhooks deliveries; prints the signing secret.
      --forward-to URL   (required)   --events TYPE,TYPE (default all)
      --live          forward live-mode events (needs an sk_live_ key)

  trigger and listen call a running Flint:
      --api-key KEY   (default $FLINT_API_KEY)
      --api-url URL   (default $FLINT_API_URL or http://127.0.0.1:4242)

Environment: DATABASE_URL, FLINT_DATA_DIR, PORT, HOST, FLINT_ADMIN_TOKEN,
FLINT_LOG_LEVEL, FLINT_RATE_LIMIT, FLINT_DB_POOL_SIZE, FLINT_DB_PREPARED_STATEMENTS,
FLINT_API_KEY, FLINT_API_URL (see README).
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  name: { type: 'string' },
  currency: { type: 'string' },
  account: { type: 'string' },
  mode: { type: 'string' },
  'api-key': { type: 'string' },
  'api-url': { type: 'string' },
  'forward-to': { type: 'string' },
  events: { type: 'string' },
  live: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Flags = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

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

async function dev(flags: Flags): Promise<void> {
  const adminToken = process.env.FLINT_ADMIN_TOKEN || `adm_${randomBytes(24).toString('hex')}`;
  const base = configWith(flags, { port: 4242, host: '127.0.0.1' });
  // dev is the embedded database by definition, whatever DATABASE_URL says.
  const config: Config = { ...base, databaseUrl: undefined, adminToken };
  const server = await startServer(config, { migrate: true });
  stopOnSignals(server);
  const dev = await ensureDevAccount(server.deps);
  const key = dev.created
    ? dev.testSecretKey
    : '(shown on first start only; create another with `flint keys create`)';
  process.stdout.write(`
Flint dev server ready (embedded database in ${config.dataDir})

  API            ${server.url}/v1
  Reference      ${server.url}/docs
  OpenAPI        ${server.url}/openapi.json
  Metrics        ${server.url}/metrics

  Dev account    ${dev.accountId}
  Test key       ${key}
  Admin token    ${adminToken}

Try:  curl -X POST ${server.url}/v1/customers -H "Authorization: Bearer <test key>" \\
        -H "Content-Type: application/json" -d '{"customer": {"email": "jo@example.com"}}'

`);
}

async function serve(flags: Flags): Promise<void> {
  const config = configWith(flags);
  const server = await startServer(config, { migrate: false });
  stopOnSignals(server);
  server.logger.info({ url: server.url, database: server.database.kind }, 'flint serving');
  if (!config.adminToken)
    server.logger.warn('FLINT_ADMIN_TOKEN is not set: the admin API is closed');
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

async function migrate(flags: Flags): Promise<void> {
  const applied = await withDatabase(flags, ({ db }) => migrateToLatest(db));
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
}

async function accountsCreate(flags: Flags): Promise<void> {
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

async function keysCreate(flags: Flags): Promise<void> {
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

export async function main(argv: string[]): Promise<void> {
  try {
    const { values: flags, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
    });
    const command = positionals.join(' ');
    if (flags.version) return void process.stdout.write(`${VERSION}\n`);
    if (flags.help || command === '' || command === 'help') return void process.stdout.write(HELP);
    if (positionals[0] === 'trigger') return await triggerCommand(flags, positionals.slice(1));
    switch (command) {
      case 'dev':
        return await dev(flags);
      case 'serve':
        return await serve(flags);
      case 'migrate':
        return await migrate(flags);
      case 'accounts create':
        return await accountsCreate(flags);
      case 'keys create':
        return await keysCreate(flags);
      case 'listen':
        return await listenCommand(flags);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    const usage =
      err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(
      `flint: ${(err as Error).message}\n${usage ? '\nRun `flint --help` for usage.\n' : ''}`,
    );
    process.exitCode = usage ? 2 : 1;
  }
}
