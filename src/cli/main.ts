import { parseArgs } from 'node:util';
import { VERSION } from '../version.js';
import { listenCommand, triggerCommand } from './event-commands.js';
import { UsageError } from './usage-error.js';

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
                      Needs FLINT_ENCRYPTION_KEY (the same in every process).
  worker              Run the background workers only (webhook delivery, settlement,
                      checkout-session expiry, idempotency reaper), no HTTP server.
                      Any number of serve and worker processes may share a database.
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
FLINT_ENCRYPTION_KEY, FLINT_PUBLIC_URL, FLINT_LOG_LEVEL, FLINT_RATE_LIMIT, FLINT_DB_POOL_SIZE, FLINT_DB_PREPARED_STATEMENTS,
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

type ServerCommand = keyof typeof import('./server-commands.js');

/** Commands that run the server or open its database (loaded only when one runs). */
const SERVER_COMMANDS = new Map<string, ServerCommand>([
  ['dev', 'dev'],
  ['serve', 'serve'],
  ['worker', 'worker'],
  ['migrate', 'migrate'],
  ['accounts create', 'accountsCreate'],
  ['keys create', 'keysCreate'],
]);

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
    if (command === 'listen') return await listenCommand(flags);
    const server = SERVER_COMMANDS.get(command);
    if (!server) throw new UsageError(`unknown command "${command}"`);
    const commands = await import('./server-commands.js');
    return await commands[server](flags);
  } catch (err) {
    const usage =
      err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(
      `flint: ${(err as Error).message}\n${usage ? '\nRun `flint --help` for usage.\n' : ''}`,
    );
    process.exitCode = usage ? 2 : 1;
  }
}
