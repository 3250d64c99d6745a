import { migrateToLatest } from '../adapters/db/database.js';
import type { Config } from '../config.js';
import { startServer, startWorkerProcess, stopOnSignals } from '../main.js';
import { configWith, type Flags, withDatabase } from './server-config.js';

// The commands that run the server or open its database: loaded only when one of them
// runs, so that `trigger`, `listen` and `--help` start without the server's modules.
// `flint dev` is in dev-command.ts, the account and key commands in account-commands.ts.

export { accountsCreate, keysCreate, keysList, keysRevoke } from './account-commands.js';
export { dev } from './dev-command.js';
export type { ServerFlags } from './server-config.js';

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

export async function migrate(flags: Flags): Promise<void> {
  const applied = await withDatabase(flags, ({ db }) => migrateToLatest(db));
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
}
