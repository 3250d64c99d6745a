import { PGlite } from '@electric-sql/pglite';
import { Kysely, type LogConfig, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { DeferringClient } from './deferring-client.js';
import { migrationProvider } from './migrations/index.js';
import { PgliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export type DatabaseKind = 'postgres' | 'pglite';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…` selects PostgreSQL. */
  readonly url?: string | undefined;
  /** PGlite data directory; `memory://` (or undefined) keeps it in memory. */
  readonly dataDir?: string | undefined;
  /** PostgreSQL pool size. */
  readonly poolSize?: number | undefined;
  /**
   * PostgreSQL: prepare each statement once per connection (default). Off for a pooler
   * that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
   */
  readonly preparedStatements?: boolean | undefined;
  /**
   * PostgreSQL: Kysely's log of each statement sent, `begin` and `commit` included (to
   * count round trips and commits: `bench/commits.mjs`).
   */
  readonly log?: LogConfig | undefined;
}

const INT8_OID = 20;

/** bigint columns (money) come back as JS numbers, refusing any value that is not exact. */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value))
    throw new RangeError(`int8 value ${text} is not a safe integer`);
  return value;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    return openPostgres(
      options.url,
      options.poolSize ?? 10,
      options.preparedStatements ?? true,
      options.log,
    );
  }
  return openPglite(options.dataDir);
}

function openPostgres(
  url: string,
  max: number,
  prepare: boolean,
  log: LogConfig | undefined,
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    ...(prepare ? { Client: DeferringClient, pipeline: true } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? parseInt8
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    ...(log ? { log } : {}),
  });
  return { db, kind: 'postgres', close: () => db.destroy() };
}

async function openPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  const inMemory = !dataDir || dataDir.startsWith('memory://');
  const unlock = inMemory ? () => {} : lockDataDir(dataDir);
  try {
    const pglite = await PGlite.create(inMemory ? 'memory://' : dataDir, {
      parsers: { [INT8_OID]: parseInt8 },
    });
    const db = new Kysely<Database>({ dialect: new PgliteDialect(pglite) });
    const close = async () => {
      await db.destroy();
      unlock();
    };
    return { db, kind: 'pglite', close };
  } catch (err) {
    unlock();
    throw err;
  }
}

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: migrationProvider });
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error;
  return (results ?? []).map((r) => r.migrationName);
}

/** Names of the migrations not yet applied. */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const migrations = await migrator(db).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
