import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';

// The real `flint` binary (bin/flint.js → dist, built by `npm test`'s pretest step).
export const FLINT = join(import.meta.dirname, '..', 'bin', 'flint.js');
export const run = promisify(execFile);
const dirs: string[] = [];
export const env = {
  ...process.env,
  DATABASE_URL: '',
  FLINT_LOG_LEVEL: 'warn',
  FLINT_ADMIN_TOKEN: '',
};

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flint-cli-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts `flint dev` and resolves once its banner is printed. */
export function startDev(dataDir: string): Promise<{ child: ChildProcess; output: () => string }> {
  // At info, so the request log is there to read.
  const child = spawn(process.execPath, [FLINT, 'dev', '--data-dir', dataDir, '--port', '0'], {
    env: { ...env, FLINT_LOG_LEVEL: 'info' },
  });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    out += chunk;
  });
  return new Promise((resolve, reject) => {
    // A guard against a hang, not a speed check: PGlite's first start is slow on a busy machine.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`flint dev did not start:\n${out}`));
    }, 150_000);
    child.stdout?.on('data', () => {
      if (out.includes('Admin token')) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    });
    child.once('exit', (code) => reject(new Error(`flint dev exited with ${code}:\n${out}`)));
  });
}

export function field(output: string, label: string): string {
  const match = new RegExp(`${label}\\s+(\\S+)`).exec(output);
  if (!match?.[1]) throw new Error(`no ${label} in:\n${output}`);
  return match[1];
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
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
