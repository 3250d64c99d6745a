import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { waitFor } from './webhook-receiver.js';

// Real `flint` processes for the tests that need them (bin/flint.js → dist: `npm run build`).

export const FLINT = join(import.meta.dirname, '..', 'bin', 'flint.js');

export async function adminQuery(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** A fresh PostgreSQL database beside DATABASE_URL's, named `<that>_<suffix>`; its URL. */
export async function freshDatabase(suffix: string): Promise<{ url: string; name: string }> {
  const url = new URL(process.env.DATABASE_URL as string);
  const name = `${url.pathname.slice(1)}_${suffix}`;
  await adminQuery(`drop database if exists "${name}" with (force)`);
  await adminQuery(`create database "${name}"`);
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function exitOf(process: ChildProcess): Promise<void> {
  if (process.exitCode !== null || process.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => process.once('exit', () => resolve()));
}

/**
 * Waits for a started process to be ready; kills it if it never is, so a failed start
 * leaves no process behind.
 */
export async function whenReady(
  child: ChildProcess,
  what: string,
  ready: () => boolean | Promise<boolean>,
): Promise<ChildProcess> {
  try {
    await waitFor(
      what,
      () => {
        if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
        return ready();
      },
      240_000,
    );
    return child;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

/** `flint serve` on `base`'s port, once it answers /readyz. */
export function startServe(env: NodeJS.ProcessEnv, base: string): Promise<ChildProcess> {
  const started = spawn(process.execPath, [FLINT, 'serve'], { env, stdio: 'ignore' });
  return whenReady(started, 'flint serve', () =>
    fetch(`${base}/readyz`).then(
      (res) => res.ok,
      () => false,
    ),
  );
}
