import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { insertApiKey, selectActiveApiKeyByHash } from '../adapters/db/repos/api-keys-repo.js';
import { mintApiKey } from '../app/accounts/api-keys.js';
import { DEV_CONSOLE_OWNER, ensureDevAccount } from '../app/accounts/dev-account.js';
import { hashSecretKey } from '../app/accounts/secret-keys.js';
import { userOfInvite } from '../app/console/console-users.js';
import type { Deps } from '../app/shared/deps.js';
import { parseEncryptionKey } from '../app/shared/secret-box.js';
import type { Config } from '../config.js';
import { inviteUrl } from '../http/routes/accounts/console-users.js';
import { shownHost, startServer, stopOnSignals } from '../main.js';
import { devLogStream } from './dev-log.js';
import { configWith, type Flags } from './server-config.js';

// `flint dev`: the server on the embedded database with a dev account, and the secrets and
// credentials it keeps in its data directory so every start shows the same ones.

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
    const minted = mintApiKey({
      accountId: dev.accountId,
      mode: 'test',
      name: 'flint dev',
      now: deps.clock.now(),
    });
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
  Mail           ${url}/console/mail  (test-mode mail is kept here, never sent)
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
