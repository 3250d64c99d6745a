import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cliEnv as env,
  exitOf,
  FLINT,
  field,
  quickStartOrder,
  run,
  startDev,
  tempDir,
} from './flint-process.js';

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
    // Where the kept mail is read: the console's mailbox, on the same server.
    expect(field(first.output(), 'Mail')).toBe(`${url}/console/mail`);

    const created = await fetch(`${url}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customer: { email: 'cli@example.com' } }),
    });
    expect(created.status).toBe(200);
    const { customer } = (await created.json()) as { customer: { customer_id: string } };

    // The dev account starts with a default exclusive 8 % rate: the seed walkthrough needs no setup.
    const amounts = await quickStartOrder(url, key);
    expect(amounts.tax_money?.amount).toBe(1024);
    expect(amounts.total_money?.amount).toBe(13824);

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
    const invite = /set the password at (\S+)/.exec(first.output())?.[1] ?? '';
    expect(consoleLine).toBe(`${url}/console`);
    expect(first.output()).toContain('owner dev@flint.local');
    const invitePage = await fetch(invite);
    expect(invitePage.status).toBe(200);
    expect(await invitePage.text()).toContain('dev@flint.local');

    const exited = exitOf(first.child);
    first.child.kill('SIGTERM');
    expect(await exited).toBe(0);

    // The dev log is one short line per request: method, URL, status, time; no JSON.
    expect(first.output()).toMatch(/^\d\d:\d\d:\d\d POST \/v1\/customers 200 \d+ms$/m);
    expect(first.output()).not.toContain('"request_id"');

    // Second start: the same account, test key and admin token, and they still work.
    const adminToken = field(first.output(), 'Admin token');
    const second = await startDev(dataDir);
    expect(field(second.output(), 'Dev account')).toBe(accountId);
    expect(field(second.output(), 'Test key')).toBe(key);
    expect(field(second.output(), 'Admin token')).toBe(adminToken);
    // The owner has not set a password yet: the same invite is printed again.
    expect(second.output()).toContain(`/console/invite/${invite.split('/console/invite/')[1]}`);
    const url2 = field(second.output(), 'API').replace(/\/v1$/, '');
    const again = await fetch(`${url2}/v1/customers/${customer.customer_id}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(again.status).toBe(200);
    const admin = await fetch(`${url2}/v1/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account: { name: 'Second shop' } }),
    });
    expect(admin.status).toBe(200);
    expect(statSync(join(dataDir, 'admin.token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'dev-account.json')).mode & 0o777).toBe(0o600);

    // --print-keys prints them again, also while flint dev holds the database.
    const printed = await run(
      process.execPath,
      [FLINT, 'dev', '--print-keys', '--data-dir', dataDir],
      { env },
    );
    expect(field(printed.stdout, 'Test key')).toBe(key);
    expect(field(printed.stdout, 'Admin token')).toBe(adminToken);
    expect(field(printed.stdout, 'Dev account')).toBe(accountId);

    // The data directory is locked while the server runs.
    const locked = await run(process.execPath, [FLINT, 'migrate', '--data-dir', dataDir], {
      env,
    }).catch((err: { code: number; stderr: string }) => err);
    expect((locked as { code: number }).code).toBe(1);
    expect((locked as { stderr: string }).stderr).toContain('in use');

    const stopped = exitOf(second.child);
    second.child.kill('SIGTERM');
    expect(await stopped).toBe(0);
  }, 400_000);

  it('serve and worker refuse to start without FLINT_ENCRYPTION_KEY', async () => {
    const dataDir = tempDir();
    for (const command of ['serve', 'worker']) {
      const refused = await run(
        process.execPath,
        // a worker serves no HTTP, so it takes no --port
        [FLINT, command, '--data-dir', dataDir, ...(command === 'serve' ? ['--port', '0'] : [])],
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
        // a worker serves no HTTP, so it takes no --port
        [FLINT, command, '--data-dir', dataDir, ...(command === 'serve' ? ['--port', '0'] : [])],
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

    // keys list: both modes (the account's two keys and the new one), never a secret.
    const flint = async (...args: string[]) =>
      JSON.parse(
        (await run(process.execPath, [FLINT, ...args, '--data-dir', dataDir], { env })).stdout,
      );
    const accountId = created.account.account_id;
    const listed = (await flint('keys', 'list', '--account', accountId)).api_keys;
    expect(listed).toHaveLength(3);
    expect(listed.map((k: { api_key_id: string }) => k.api_key_id)).toContain(apiKey.api_key_id);
    expect(listed.every((k: { secret?: string }) => k.secret === undefined)).toBe(true);
    const live = (await flint('keys', 'list', '--account', accountId, '--mode', 'live')).api_keys;
    expect(live.map((k: { test_mode: boolean }) => k.test_mode)).toEqual([false, false]);

    // keys revoke: the key is revoked in the database, so the API refuses it.
    const revoked = (await flint('keys', 'revoke', '--account', accountId, apiKey.api_key_id))
      .api_key;
    expect(revoked).toMatchObject({ api_key_id: apiKey.api_key_id, test_mode: false });
    expect(revoked.revoked_at).toEqual(expect.any(String));
    const missing = await run(
      process.execPath,
      [FLINT, 'keys', 'revoke', '--account', accountId, 'key_nope', '--data-dir', dataDir],
      { env },
    ).catch((err: { code: number; stderr: string }) => err);
    expect((missing as { code: number }).code).toBe(1);

    // accounts create --owner-email invites the console's owner and prints the link.
    const withOwner = await flint(
      'accounts',
      'create',
      '--name',
      'Shop',
      '--owner-email',
      'owner@shop.example',
    );
    expect(withOwner.owner).toMatchObject({
      object: 'console_user',
      email: 'owner@shop.example',
      role: 'owner',
      status: 'invited',
      account_id: withOwner.account.account_id,
    });
    expect(withOwner.owner.invite_url).toMatch(/^http:\/\/\S+\/console\/invite\/\S+$/);

    // A server on this data directory: the revoked key is refused, the invite link works.
    const server = spawn(process.execPath, [FLINT, 'serve', '--data-dir', dataDir, '--port', '0'], {
      // serve refuses to start without the key every process shares
      env: {
        ...env,
        FLINT_LOG_LEVEL: 'info',
        FLINT_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      },
    });
    let log = '';
    const serverUrl = await new Promise<string>((resolve, reject) => {
      server.stdout?.on('data', (chunk) => {
        log += chunk;
        const match = /"url":"([^"]+)"/.exec(log);
        if (match?.[1]) resolve(match[1]);
      });
      server.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${log}`)));
    });
    const revokedKey = await fetch(`${serverUrl}/v1/customers`, {
      headers: { authorization: `Bearer ${apiKey.secret}` },
    });
    expect(revokedKey.status).toBe(401);
    const invitePath = new URL(withOwner.owner.invite_url).pathname;
    const invitePage = await fetch(`${serverUrl}${invitePath}`);
    expect(invitePage.status).toBe(200);
    expect(await invitePage.text()).toContain('owner@shop.example');
    const stopped = exitOf(server);
    server.kill('SIGTERM');
    expect(await stopped).toBe(0);
  }, 400_000);

  it('rejects unknown commands and bad flags with usage errors', async () => {
    const fails = (args: string[]) =>
      run(process.execPath, [FLINT, ...args], { env }).then(
        () => {
          throw new Error(`flint ${args.join(' ')} succeeded`);
        },
        (err: { code: number; stderr: string }) => err,
      );
    for (const args of [
      ['frobnicate'],
      ['accounts', 'create'],
      ['keys', 'revoke', '--account', 'acct_x'],
    ]) {
      const result = await fails(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('flint --help');
    }

    // An unknown option: one line saying which, then the command's usage; exit code 2.
    for (const [args, usage] of [
      [['dev', '--bogus'], 'Usage: flint dev '],
      [['migrate', '--name', 'x'], 'Usage: flint migrate '],
      [['keys', 'list', '--acount', 'acct_x'], 'Usage: flint keys list '],
    ] as const) {
      const result = await fails([...args]);
      expect(result.code, args.join(' ')).toBe(2);
      const [first, blank, usageLine] = result.stderr.split('\n');
      expect(first).toMatch(/^flint: unknown option --\w+/);
      expect(blank).toBe('');
      expect(usageLine?.startsWith(usage)).toBe(true);
    }

    // Per-command help: that command's usage only.
    const keysHelp = await run(process.execPath, [FLINT, 'keys', 'create', '--help'], { env });
    expect(keysHelp.stdout).toMatch(/^Usage: flint keys create --account ID/);
    expect(keysHelp.stdout).not.toContain('accounts create');
    const help = await run(process.execPath, [FLINT, '--help'], { env });
    for (const command of ['accounts create', 'keys list', 'keys revoke', 'dev', 'listen']) {
      expect(help.stdout).toContain(`  ${command} `);
    }

    // --print-keys before any dev start says so (exit 1), instead of printing nothing.
    const none = await fails(['dev', '--print-keys', '--data-dir', tempDir()]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('flint dev');
  }, 200_000);
});
