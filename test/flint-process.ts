import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../src/adapters/db/database.js';
import type { Database } from '../src/adapters/db/schema.js';
import { waitFor } from './webhook-receiver.js';

// The real `flint serve` as a child process (bin/flint.js → dist: `npm run build` first),
// for tests that kill it.

const FLINT = join(import.meta.dirname, '..', 'bin', 'flint.js');

/** Where a spawned server keeps its data: a PostgreSQL database or an embedded data dir. */
export interface FlintDatabase {
  readonly DATABASE_URL: string;
  readonly FLINT_DATA_DIR: string;
}

async function adminQuery(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A database of its own, named after `suffix` (its server's workers must not meet other
 * test files' rows): on PostgreSQL when DATABASE_URL is set, else an embedded data dir.
 * `dispose` deletes it.
 */
async function dedicatedDatabase(
  suffix: string,
): Promise<FlintDatabase & { dispose(): Promise<void> }> {
  const shared = process.env.DATABASE_URL;
  if (!shared) {
    const dir = mkdtempSync(join(tmpdir(), `flint-${suffix}-`));
    return {
      DATABASE_URL: '',
      FLINT_DATA_DIR: dir,
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = new URL(shared);
  const name = `${url.pathname.slice(1)}_${suffix}`;
  await adminQuery(`drop database if exists "${name}" with (force)`);
  await adminQuery(`create database "${name}"`);
  url.pathname = `/${name}`;
  return {
    DATABASE_URL: url.toString(),
    FLINT_DATA_DIR: '',
    dispose: () => adminQuery(`drop database if exists "${name}" with (force)`),
  };
}

/**
 * Everything a spawned server needs: its own database, a free port on the loopback
 * address, the admin token, quiet logs and no rate limit; `extra` on top.
 */
export async function flintEnvironment(
  suffix: string,
  adminToken: string,
  extra: NodeJS.ProcessEnv = {},
): Promise<{
  env: NodeJS.ProcessEnv;
  base: string;
  database: FlintDatabase;
  dispose(): Promise<void>;
}> {
  const { dispose, ...database } = await dedicatedDatabase(suffix);
  const port = await freePort();
  const env = {
    ...process.env,
    ...database,
    PORT: String(port),
    HOST: '127.0.0.1',
    FLINT_LOG_LEVEL: 'silent',
    FLINT_ADMIN_TOKEN: adminToken,
    FLINT_RATE_LIMIT: '100000',
    // serve refuses to start without the key every process shares
    FLINT_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...extra,
  };
  return { env, base: `http://127.0.0.1:${port}`, database, dispose };
}

/** `flint migrate` with the given environment. */
export async function migrateFlint(env: NodeJS.ProcessEnv): Promise<void> {
  await promisify(execFile)(process.execPath, [FLINT, 'migrate'], { env });
}

/** Starts `flint serve` and waits until it is ready at `base`. */
export async function startFlint(env: NodeJS.ProcessEnv, base: string): Promise<ChildProcess> {
  const started = spawn(process.execPath, [FLINT, 'serve'], { env, stdio: 'ignore' });
  await waitFor(
    'flint serve',
    async () => {
      if (started.exitCode !== null) throw new Error(`flint serve exited with ${started.exitCode}`);
      return fetch(`${base}/readyz`).then(
        (res) => res.ok,
        () => false,
      );
    },
    // A cold start on a loaded machine (migrations checked, the embedded database opened).
    180_000,
  );
  return started;
}

/** Resolves once the process has exited. */
export function exitOf(process: ChildProcess): Promise<void> {
  if (process.exitCode !== null || process.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => process.once('exit', () => resolve()));
}

/** Stops the server with SIGTERM (a clean shutdown); resolves to its exit code. */
export async function stopFlint(process: ChildProcess): Promise<number | null> {
  process.kill('SIGTERM');
  await exitOf(process);
  return process.exitCode;
}

/** Reads a stopped server's database (the embedded one opens in one process at a time). */
export async function inFlintDatabase<T>(
  database: FlintDatabase,
  read: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const handle = await openDatabase({
    url: database.DATABASE_URL || undefined,
    dataDir: database.FLINT_DATA_DIR,
  });
  try {
    return await read(handle.db);
  } finally {
    await handle.close();
  }
}
