import { parseArgs } from 'node:util';
import { VERSION } from '../version.js';
import { listenCommand, triggerCommand } from './event-commands.js';
import { UsageError } from './usage-error.js';

/** A command: how it is called, what it does, and the options it takes. */
interface Command {
  readonly usage: string;
  readonly options: readonly (keyof typeof OPTIONS)[];
}

const DATA_DIR =
  '      --data-dir DIR  embedded database directory (default $FLINT_DATA_DIR or ./.flint)';
const API_TARGET = `      --api-key KEY   (default $FLINT_API_KEY)
      --api-url URL   (default $FLINT_API_URL or http://127.0.0.1:4242)`;

const COMMANDS: Record<string, Command> = {
  dev: {
    usage: `dev [--port N] [--host H] [--data-dir DIR] [--print-keys]
    Run everything in one process on the embedded database. Creates a dev account on
    first start; prints its test key, the admin token and the URLs on every start (the
    same for a data directory, every time).
      --port N        (default 4242)   --host H (default 127.0.0.1)
${DATA_DIR}
      --print-keys    print the dev account's keys and the URLs, and exit`,
    options: ['port', 'host', 'data-dir', 'print-keys'],
  },
  serve: {
    usage: `serve [--port N] [--host H] [--data-dir DIR]
    Run the API for production: PostgreSQL when DATABASE_URL is set, otherwise the
    embedded database. Refuses to start with pending migrations.
      --port N        (default $PORT or 4242)   --host H (default 0.0.0.0)
    Needs FLINT_ENCRYPTION_KEY (the same in every process).
${DATA_DIR}`,
    options: ['port', 'host', 'data-dir'],
  },
  worker: {
    usage: `worker [--data-dir DIR]
    Run the background workers only (webhook delivery, settlement, checkout-session
    expiry, idempotency reaper), no HTTP server. Any number of serve and worker
    processes may share a database. Needs FLINT_ENCRYPTION_KEY.
${DATA_DIR}`,
    options: ['data-dir'],
  },
  migrate: {
    usage: `migrate [--data-dir DIR]
    Apply pending database migrations (DATABASE_URL, or the embedded database).
${DATA_DIR}`,
    options: ['data-dir'],
  },
  'accounts create': {
    usage: `accounts create --name NAME [--currency CODE] [--owner-email EMAIL] [--data-dir DIR]
    Create an account; prints {"account", "keys"} as JSON, and with --owner-email the
    console owner it invites ("owner", whose invite_url sets the password).
      --name NAME     (required)   --currency CODE (default USD)
${DATA_DIR}`,
    options: ['name', 'currency', 'owner-email', 'data-dir'],
  },
  'keys create': {
    usage: `keys create --account ID [--mode test|live] [--name NAME] [--data-dir DIR]
    Create a secret key for an account; prints it (shown once) as JSON.
      --account ID    (required)   --mode test|live (default test)
${DATA_DIR}`,
    options: ['account', 'mode', 'name', 'data-dir'],
  },
  'keys list': {
    usage: `keys list --account ID [--mode test|live] [--data-dir DIR]
    List an account's secret keys (redacted), newest first, as JSON.
      --account ID    (required)   --mode test|live (default both)
${DATA_DIR}`,
    options: ['account', 'mode', 'data-dir'],
  },
  'keys revoke': {
    usage: `keys revoke --account ID KEY_ID [--data-dir DIR]
    Revoke a secret key of the account: it stops working at once. Prints it as JSON.
      --account ID    (required)   --mode test|live (default: the key's)
${DATA_DIR}`,
    options: ['account', 'mode', 'data-dir'],
  },
  trigger: {
    usage: `trigger TYPE [--api-key KEY] [--api-url URL]
    Make the changes that record a TYPE event (test mode, through the API of a running
    Flint), print what was created and the event.
${API_TARGET}`,
    options: ['api-key', 'api-url'],
  },
  listen: {
    usage: `listen --forward-to URL [--events TYPE,TYPE] [--live] [--api-key KEY] [--api-url URL]
    Forward the account's new events to a local URL as signed Standard Webhooks
    deliveries; prints the signing secret.
      --forward-to URL   (required)   --events TYPE,TYPE (default all)
      --live          forward live-mode events (needs an sk_live_ key)
${API_TARGET}`,
    options: ['forward-to', 'events', 'live', 'api-key', 'api-url'],
  },
};

const HELP = `flint ${VERSION} — order-first payments API

Usage: flint <command> [options]        flint <command> --help

Commands:
${Object.values(COMMANDS)
  .map((command) => `  ${command.usage}`)
  .join('\n')}

Environment: DATABASE_URL, FLINT_DATA_DIR, PORT, HOST, FLINT_ADMIN_TOKEN,
FLINT_ENCRYPTION_KEY, FLINT_PUBLIC_URL, FLINT_LOG_LEVEL, FLINT_RATE_LIMIT, FLINT_DB_POOL_SIZE, FLINT_DB_PREPARED_STATEMENTS,
FLINT_API_KEY, FLINT_API_URL (see README).
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'print-keys': { type: 'boolean' },
  name: { type: 'string' },
  currency: { type: 'string' },
  'owner-email': { type: 'string' },
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
  ['keys list', 'keysList'],
  ['keys revoke', 'keysRevoke'],
]);

/** The command the positionals name (one word or two) and the arguments after it. */
function commandOf(positionals: readonly string[]): { name: string; args: string[] } {
  const two = positionals.slice(0, 2).join(' ');
  if (COMMANDS[two]) return { name: two, args: positionals.slice(2) };
  return { name: positionals[0] ?? '', args: positionals.slice(1) };
}

/** A usage error's answer: one line saying what is wrong, then how the command is used. */
function usageText(message: string, command: string): string {
  const usage = COMMANDS[command]?.usage;
  return `flint: ${message}\n${usage ? `\nUsage: flint ${usage}\n` : ''}\nRun \`flint --help\` for usage.\n`;
}

/** parseArgs's own message names the option but runs on with advice: keep the first part. */
function parseErrorMessage(err: Error & { code?: string }): string {
  const option = /^(Unknown option|Option) '([^']+)'/.exec(err.message);
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option[2]}`;
  return err.message.split('\n')[0] ?? err.message;
}

export async function main(argv: string[]): Promise<void> {
  let command = '';
  try {
    const lenient = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: false,
    });
    command = commandOf(lenient.positionals).name;
    const { values: flags, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
    });
    const { args } = commandOf(positionals);
    if (flags.version) return void process.stdout.write(`${VERSION}\n`);
    if (command === '' || command === 'help') return void process.stdout.write(HELP);
    const known = COMMANDS[command];
    if (!known) throw new UsageError(`unknown command "${positionals.join(' ')}"`);
    if (flags.help) return void process.stdout.write(`Usage: flint ${known.usage}\n`);
    const foreign = Object.keys(flags).find(
      (flag) => !(known.options as readonly string[]).includes(flag),
    );
    if (foreign) throw new UsageError(`unknown option --${foreign} for ${command}`);
    if (command === 'trigger') return await triggerCommand(flags, args);
    if (args.length > 0 && command !== 'keys revoke') {
      throw new UsageError(`unexpected argument "${args[0]}" for ${command}`);
    }
    if (command === 'listen') return await listenCommand(flags);
    const commands = await import('./server-commands.js');
    const server = SERVER_COMMANDS.get(command) as ServerCommand;
    if (server === 'keysRevoke') return await commands.keysRevoke(flags, args[0]);
    return await commands[server](flags);
  } catch (err) {
    const parseError = (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (err instanceof UsageError || parseError) {
      const message = parseError ? parseErrorMessage(err as Error) : (err as Error).message;
      process.stderr.write(usageText(message, command));
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`flint: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
