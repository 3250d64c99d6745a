import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The real `flint` binary (bin/flint.js → dist, built by `npm test`'s pretest step).
const FLINT = join(import.meta.dirname, '..', 'bin', 'flint.js');
const run = promisify(execFile);
const dirs: string[] = [];
const env = { ...process.env, DATABASE_URL: '', FLINT_LOG_LEVEL: 'warn', FLINT_ADMIN_TOKEN: '' };

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flint-cli-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts `flint dev` and resolves once its banner is printed. */
function startDev(dataDir: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [FLINT, 'dev', '--data-dir', dataDir, '--port', '0'], {
    env,
  });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    out += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`flint dev did not start:\n${out}`)), 40_000);
    child.stdout?.on('data', () => {
      if (out.includes('Admin token')) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    });
    child.once('exit', (code) => reject(new Error(`flint dev exited with ${code}:\n${out}`)));
  });
}

function field(output: string, label: string): string {
  const match = new RegExp(`${label}\\s+(\\S+)`).exec(output);
  if (!match?.[1]) throw new Error(`no ${label} in:\n${output}`);
  return match[1];
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('flint CLI', () => {
  it('dev creates a dev account on first start, serves it, and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const first = await startDev(dataDir);
    const url = field(first.output(), 'API').replace(/\/v1$/, '');
    const key = field(first.output(), 'Test key');
    const accountId = field(first.output(), 'Dev account');
    expect(key).toMatch(/^sk_test_[0-9A-Za-z]{32}$/);
    expect(accountId).toMatch(/^acct_/);
    expect(field(first.output(), 'Admin token')).toMatch(/^adm_/);

    const created = await fetch(`${url}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customer: { email: 'cli@example.com' } }),
    });
    expect(created.status).toBe(200);
    const { customer } = (await created.json()) as { customer: { customer_id: string } };

    // The dev account starts with a default exclusive 8 % rate: the seed walkthrough needs no setup.
    const order = await fetch(`${url}/v1/orders`, {
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
    const { order: created2 } = (await order.json()) as {
      order: { net_amounts: Record<string, { amount: number }> };
    };
    expect(created2.net_amounts.tax_money?.amount).toBe(1024);
    expect(created2.net_amounts.total_money?.amount).toBe(13824);

    // Secrets can be stored without configuring a key: dev keeps its own in the data dir.
    const endpoint = await fetch(`${url}/v1/webhook_endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        webhook_endpoint: { url: 'http://localhost:3999/hook', enabled_events: ['*'] },
      }),
    });
    expect(endpoint.status).toBe(200);
    expect(statSync(join(dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);

    // The console's owner is invited on first start: the printed link sets their password.
    const consoleLine = field(first.output(), 'Console');
    const invite = /set the password at (\S+)\)/.exec(first.output())?.[1] ?? '';
    expect(consoleLine).toBe(`${url}/console`);
    expect(first.output()).toContain('owner dev@flint.local');
    const invitePage = await fetch(invite);
    expect(invitePage.status).toBe(200);
    expect(await invitePage.text()).toContain('dev@flint.local');

    const exited = exitOf(first.child);
    first.child.kill('SIGTERM');
    expect(await exited).toBe(0);

    // Second start: same account and data, and the key is not shown again (it is stored hashed).
    const second = await startDev(dataDir);
    expect(field(second.output(), 'Dev account')).toBe(accountId);
    expect(second.output()).toContain('shown on first start only');
    expect(second.output()).not.toContain('set the password at');
    const url2 = field(second.output(), 'API').replace(/\/v1$/, '');
    const again = await fetch(`${url2}/v1/customers/${customer.customer_id}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(again.status).toBe(200);

    // The data directory is locked while the server runs.
    const locked = await run(process.execPath, [FLINT, 'migrate', '--data-dir', dataDir], {
      env,
    }).catch((err: { code: number; stderr: string }) => err);
    expect((locked as { code: number }).code).toBe(1);
    expect((locked as { stderr: string }).stderr).toContain('in use');

    const stopped = exitOf(second.child);
    second.child.kill('SIGTERM');
    expect(await stopped).toBe(0);
  }, 180_000);

  it('serve and worker refuse to start without FLINT_ENCRYPTION_KEY', async () => {
    const dataDir = tempDir();
    for (const command of ['serve', 'worker']) {
      const refused = await run(
        process.execPath,
        [FLINT, command, '--data-dir', dataDir, '--port', '0'],
        { env: { ...env, FLINT_ENCRYPTION_KEY: '' } },
      ).catch((err: { code: number; stderr: string }) => err);
      expect((refused as { code: number }).code, command).toBe(1);
      expect((refused as { stderr: string }).stderr).toContain('FLINT_ENCRYPTION_KEY');
    }
  }, 60_000);

  it('migrate, accounts create, keys create; serve and worker refuse an unmigrated database', async () => {
    const dataDir = tempDir();
    for (const command of ['serve', 'worker']) {
      const refused = await run(
        process.execPath,
        [FLINT, command, '--data-dir', dataDir, '--port', '0'],
        { env: { ...env, FLINT_ENCRYPTION_KEY: randomBytes(32).toString('base64') } },
      ).catch((err: { code: number; stderr: string }) => err);
      expect((refused as { code: number }).code, command).toBe(1);
      expect((refused as { stderr: string }).stderr).toContain('flint migrate');
    }

    const migrated = await run(process.execPath, [FLINT, 'migrate', '--data-dir', dataDir], {
      env,
    });
    expect(migrated.stdout).toContain('0001-foundation');
    expect(migrated.stdout).toContain('0002-orders');
    const upToDate = await run(process.execPath, [FLINT, 'migrate', '--data-dir', dataDir], {
      env,
    });
    expect(upToDate.stdout.trim()).toBe('up to date');

    const account = await run(
      process.execPath,
      [FLINT, 'accounts', 'create', '--name', 'Acme', '--currency', 'eur', '--data-dir', dataDir],
      { env },
    );
    const created = JSON.parse(account.stdout);
    expect(created.account).toMatchObject({
      object: 'account',
      name: 'Acme',
      default_currency: 'EUR',
    });
    expect(created.keys.test_secret_key).toMatch(/^sk_test_/);
    expect(created.keys.live_secret_key).toMatch(/^sk_live_/);

    const key = await run(
      process.execPath,
      [
        FLINT,
        'keys',
        'create',
        '--account',
        created.account.account_id,
        '--mode',
        'live',
        '--data-dir',
        dataDir,
      ],
      { env },
    );
    const apiKey = JSON.parse(key.stdout).api_key;
    expect(apiKey.secret).toMatch(/^sk_live_/);
    expect(apiKey.test_mode).toBe(false);
  }, 180_000);

  it('rejects unknown commands and bad flags with usage errors', async () => {
    for (const args of [['frobnicate'], ['accounts', 'create'], ['dev', '--bogus']]) {
      const result = await run(process.execPath, [FLINT, ...args], { env }).catch(
        (err: { code: number; stderr: string }) => err,
      );
      expect((result as { code: number }).code).toBe(2);
      expect((result as { stderr: string }).stderr).toContain('flint --help');
    }
    const help = await run(process.execPath, [FLINT, '--help'], { env });
    expect(help.stdout).toContain('accounts create');
  });
});
