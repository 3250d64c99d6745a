import type { Deps } from '../app/shared/deps.js';
import { type Config, configFromEnv } from '../config.js';
import { openConfiguredDatabase } from '../main.js';
import { systemClock } from '../ports/clock.js';

// What the server commands share: their flags, the configuration they make of flags and
// environment, and the database they open.

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

export type Flags = ServerFlags;

/** Flags win over the environment, which wins over the command's own defaults. */
export function configWith(flags: Flags, defaults: { port?: number; host?: string } = {}): Config {
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

/** Runs `run` on the configured database, closed after. */
export async function withDatabase<T>(flags: Flags, run: (deps: Deps) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(configWith(flags));
  try {
    return await run({ db: database.db, clock: systemClock });
  } finally {
    await database.close();
  }
}
