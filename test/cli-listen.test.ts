import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLINT } from './flint-process.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// `flint listen` as a real process, against the real API, forwarding to a real local
// HTTP receiver.

interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local webhook receiver: records each delivery and answers `status()`. */
async function startReceiver(status: () => number) {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Starts `flint listen` and resolves with its signing secret once it is ready. */
function startListen(args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [FLINT, 'listen', ...args], {
    env: { ...process.env, FLINT_API_KEY: '', FLINT_API_URL: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`listen did not start:\n${stdout}${stderr}`)),
      30_000,
    );
    child.stdout?.on('data', () => {
      const secret = /signing secret is (whsec_\S+)/.exec(stdout)?.[1];
      if (secret) {
        clearTimeout(timer);
        resolve(secret);
      }
    });
    void exited.then((code) =>
      reject(new Error(`listen exited with ${code}:\n${stdout}${stderr}`)),
    );
  });
  return { child, ready, exited, stdout: () => stdout, stderr: () => stderr };
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const post = (key: string, path: string, body?: unknown) =>
  request(server, 'POST', path, { key, body });

async function createOrder(key: string): Promise<string> {
  const res = await post(key, '/v1/orders', {
    order: { line_items: [{ name: 'Hook', quantity: 1, unit_price_money: { amount: 1200 } }] },
  });
  expect(res.status).toBe(200);
  return res.body.order.order_id;
}

describe('flint listen', () => {
  it('forwards new events as verifiable Standard Webhooks deliveries, and stops on SIGINT', async () => {
    const { testKey: key, accountId } = await createTestAccount(server);
    let answer = 204;
    const receiver = await startReceiver(() => answer);
    const before = await createOrder(key); // recorded before listen starts: not forwarded
    const listen = startListen([
      '--forward-to',
      receiver.url,
      '--api-key',
      key,
      '--api-url',
      server.url,
    ]);
    try {
      const secret = await listen.ready;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
      expect(listen.stdout()).toContain(
        `Ready! Forwarding test-mode events of ${accountId} to ${receiver.url}`,
      );

      const orderId = await createOrder(key);
      const paid = await post(key, `/v1/orders/${orderId}/pay`, {
        payment: { payment_source_token: 'tok_visa' },
      });
      expect(paid.status).toBe(200);
      await until('4 deliveries', () => (receiver.deliveries.length >= 4 ? true : undefined));

      const events = (await request(server, 'GET', '/v1/events?limit=4', { key })).body.events;
      const webhook = new Webhook(secret);
      const delivered = receiver.deliveries.map((d) => {
        // Throws unless the signature, id and timestamp verify with the printed secret.
        const verified = webhook.verify(d.body, d.headers as Record<string, string>) as any;
        expect(d.headers['content-type']).toBe('application/json');
        expect(d.headers['webhook-id']).toBe(verified.event_id);
        expect(Math.abs(Number(d.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(
          60,
        );
        return verified;
      });
      // Oldest first, exactly the events the API shows, and nothing from before listen.
      expect(delivered).toEqual([...events].reverse());
      expect(delivered.map((e) => e.type)).toEqual([
        'order.created',
        'payment_intent.created',
        'payment_intent.succeeded',
        'order.paid',
      ]);
      // Each object's events are numbered on their own: the order's 1, 2, the payment's 1, 2.
      expect(delivered.map((e) => [e.object_id.slice(0, 3), e.sequence])).toEqual([
        ['ord', 1],
        ['pi_', 1],
        ['pi_', 2],
        ['ord', 2],
      ]);
      expect(JSON.stringify(delivered)).not.toContain(before);
      expect(() =>
        new Webhook(`whsec_${Buffer.alloc(24, 1).toString('base64')}`).verify(
          receiver.deliveries[0]?.body ?? '',
          receiver.deliveries[0]?.headers as Record<string, string>,
        ),
      ).toThrow();
      for (const event of delivered) {
        expect(listen.stdout()).toMatch(
          new RegExp(
            `${event.type.replace(/\./g, '\\.')} +${event.event_id}  ${event.object_id} #${event.sequence}  → 204`,
          ),
        );
      }

      // The receiver's answer is printed, whatever it is; a failed delivery is not retried.
      answer = 500;
      await post(key, `/v1/orders/${await createOrder(key)}/cancel`);
      const failed = () => listen.stdout().match(/→ 500/g)?.length ?? 0;
      await until('both 500s', () => (failed() >= 2 ? true : undefined));
      expect(listen.stdout().match(/→ 500/g)).toHaveLength(2); // order.created, order.canceled
    } finally {
      listen.child.kill('SIGINT');
      expect(await listen.exited).toBe(0);
      await receiver.close();
    }
    expect(listen.stdout()).toContain('Stopped.');
    expect(receiver.deliveries).toHaveLength(6);
  }, 60_000);

  it('forwards only the --events types, reports an unreachable URL, and stops on SIGTERM', async () => {
    const { testKey: key } = await createTestAccount(server);
    const receiver = await startReceiver(() => 200);
    const listen = startListen([
      '--forward-to',
      receiver.url,
      '--events',
      'order.canceled,order.paid',
      '--api-key',
      key,
      '--api-url',
      server.url,
    ]);
    try {
      await listen.ready;
      expect(listen.stdout()).toContain('test-mode events (order.canceled, order.paid)');
      const orderId = await createOrder(key);
      await post(key, `/v1/orders/${orderId}/cancel`);
      await until('a delivery', () => receiver.deliveries[0]);
      await receiver.close();
      const paid = await createOrder(key);
      await post(key, `/v1/orders/${paid}/pay`, { payment: { payment_source_token: 'tok_visa' } });
      await until('the failure', () => (listen.stdout().includes('→ failed') ? true : undefined));
    } finally {
      listen.child.kill('SIGTERM');
      expect(await listen.exited).toBe(0);
    }
    expect(receiver.deliveries.map((d) => JSON.parse(d.body).type)).toEqual(['order.canceled']);
    expect(listen.stdout()).toMatch(/order\.paid +evt_\w+ {2}ord_\w+ #2 {2}→ failed: ECONNREFUSED/);
  }, 60_000);

  it('refuses bad flags with exit code 2', async () => {
    const account = await createTestAccount(server);
    const base = ['--api-url', server.url];
    for (const [args, message] of [
      [['--api-key', account.testKey], '--forward-to'],
      [['--api-key', account.testKey, '--forward-to', 'ftp://x'], 'http or https'],
      [
        [
          '--api-key',
          account.testKey,
          '--forward-to',
          'http://127.0.0.1:1/h',
          '--events',
          'order.shipped',
        ],
        'order.shipped',
      ],
      [['--api-key', account.liveKey, '--forward-to', 'http://127.0.0.1:1/h'], '--live'],
      [
        ['--api-key', account.testKey, '--forward-to', 'http://127.0.0.1:1/h', '--live'],
        'sk_live_',
      ],
      [['--forward-to', 'http://127.0.0.1:1/h'], 'sk_test_'],
    ] as const) {
      const listen = startListen([...args, ...base]);
      listen.ready.catch(() => undefined);
      expect(await listen.exited, args.join(' ')).toBe(2);
      expect(listen.stderr()).toContain(message);
    }
  }, 60_000);
});
