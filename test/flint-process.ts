import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openDatabase } from '../src/adapters/db/database.js';
import type { Database } from '../src/adapters/db/schema.js';
import { waitFor } from './webhook-receiver.js';

// The real `flint` binary as child processes, for the tests that need them (bin/flint.js →
// dist: `npm run build` first): its commands run to the end, and `serve`, `worker` and `dev`
// started, waited for, stopped or killed.

export const FLINT = join(import.meta.dirname, '..', 'bin', 'flint.js');
export const run = promisify(execFile);

/** The environment of CLI commands on an embedded data dir: no PostgreSQL, no admin token. */
export const cliEnv = {
  ...process.env,
  DATABASE_URL: '',
  FLINT_LOG_LEVEL: 'warn',
  FLINT_ADMIN_TOKEN: '',
};

const dirs: string[] = [];

/** A temporary directory, deleted after the test file. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flint-cli-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Where a spawned process keeps its data: a PostgreSQL database or an embedded data dir. */
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

/**
 * A database of its own, named after `suffix` (its processes must not meet other test
 * files' rows): on PostgreSQL beside DATABASE_URL's when that is set, else an embedded
 * data dir. `dispose` deletes it.
 */
export async function freshDatabase(
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

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
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
  const { dispose, ...database } = await freshDatabase(suffix);
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
  await run(process.execPath, [FLINT, 'migrate'], { env });
}

/** Resolves to the process's exit code (null when a signal ended it) once it has exited. */
export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * Waits for a started process to be ready; kills it if it never is, so a failed start
 * leaves no process behind. `output` (what it printed) goes into the error.
 */
export async function whenReady(
  child: ChildProcess,
  what: string,
  ready: () => boolean | Promise<boolean>,
  output: () => string = () => '',
): Promise<ChildProcess> {
  try {
    await waitFor(
      what,
      () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${what} exited with ${child.exitCode ?? child.signalCode}`);
        }
        return ready();
      },
      // A cold start on a loaded machine (migrations checked, the embedded database opened).
      240_000,
    );
    return child;
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${output()}`);
  }
}

/** `flint serve`, once it answers /readyz at `base`. */
export function startFlint(env: NodeJS.ProcessEnv, base: string): Promise<ChildProcess> {
  const started = spawn(process.execPath, [FLINT, 'serve'], { env, stdio: 'ignore' });
  return whenReady(started, 'flint serve', () =>
    fetch(`${base}/readyz`).then(
      (res) => res.ok,
      () => false,
    ),
  );
}

/** Spawns `args` with its stdout and stderr collected (the first 100 kB). */
function spawnWithOutput(
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [FLINT, ...args], { env });
  let out = '';
  const collect = (chunk: Buffer) => {
    if (out.length < 100_000) out += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, output: () => out };
}

/** `flint worker`, once it says it runs (its log line, at info). */
export async function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const { child, output } = spawnWithOutput(['worker'], { ...env, FLINT_LOG_LEVEL: 'info' });
  return whenReady(child, 'flint worker', () => output().includes('flint worker running'), output);
}

/** `flint dev` on `dataDir` (at info, so the request log is there to read), once its banner is printed. */
export async function startDev(
  dataDir: string,
): Promise<{ child: ChildProcess; output: () => string }> {
  const started = spawnWithOutput(['dev', '--data-dir', dataDir, '--port', '0'], {
    ...cliEnv,
    FLINT_LOG_LEVEL: 'info',
  });
  const { child, output } = started;
  await whenReady(child, 'flint dev', () => output().includes('Admin token'), output);
  return started;
}

/** Stops the process with SIGTERM (a clean shutdown); resolves to its exit code. */
export async function stopFlint(child: ChildProcess): Promise<number | null> {
  child.kill('SIGTERM');
  return exitOf(child);
}

/** Reads a database (an embedded one only once its server stopped: one process at a time). */
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

/** The value printed after `label` (`flint dev`'s banner). */
export function field(output: string, label: string): string {
  const match = new RegExp(`${label}\\s+(\\S+)`).exec(output);
  if (!match?.[1]) throw new Error(`no ${label} in:\n${output}`);
  return match[1];
}

/** The quick start's order (9900 + 2900) made with `key`: its net amounts. */
export async function quickStartOrder(
  url: string,
  key: string,
): Promise<Record<string, { amount: number }>> {
  const res = await fetch(`${url}/v1/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      order: {
        line_items: [
          { name: 'Pro Plan - Annual', quantity: 1, unit_price_money: { amount: 9900 } },
          { name: 'Priority Support Add-on', quantity: 1, unit_price_money: { amount: 2900 } },
        ],
      },
    }),
  });
  const body = (await res.json()) as { order: { net_amounts: Record<string, { amount: number }> } };
  return body.order.net_amounts;
}
