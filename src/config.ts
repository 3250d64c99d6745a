/** Runtime settings, from the environment with CLI flags on top. */
export interface Config {
  /** `postgres://…` selects PostgreSQL; otherwise the embedded database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly adminToken: string | undefined;
  readonly logLevel: string;
  readonly rateLimitPerSecond: number;
  readonly dbPoolSize: number;
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.FLINT_DATA_DIR || './.flint',
    host: env.HOST || '0.0.0.0',
    port: integer('PORT', env.PORT, 4242),
    adminToken: env.FLINT_ADMIN_TOKEN || undefined,
    logLevel: env.FLINT_LOG_LEVEL || 'info',
    rateLimitPerSecond: integer('FLINT_RATE_LIMIT', env.FLINT_RATE_LIMIT, 500),
    dbPoolSize: integer('FLINT_DB_POOL_SIZE', env.FLINT_DB_POOL_SIZE, 10),
  };
}
