import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTargetOf } from '../src/cli/api-client.js';
import { TRIGGERABLE_TYPES, trigger } from '../src/cli/trigger.js';
import { EVENT_TYPES } from '../src/domain/event-types.js';
import { FLINT, run } from './flint-process.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

const env = { ...process.env, FLINT_API_KEY: '', FLINT_API_URL: '' };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function flint(args: string[], extraEnv: Record<string, string> = {}) {
  return run(process.execPath, [FLINT, ...args], { env: { ...env, ...extraEnv } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

/** The id of what an event is about: its object's own, or (`invoice.upcoming`) its subscription's. */
function idOf(object: any): string {
  return object.object === 'upcoming_invoice'
    ? object.subscription_id
    : object[`${object.object}_id`];
}

async function eventsOf(key: string): Promise<any[]> {
  const res = await request(server, 'GET', '/v1/events?limit=100', { key });
  expect(res.status).toBe(200);
  return res.body.events;
}

describe('flint trigger', () => {
  // No sandbox refund waits for an action; an endpoint is disabled by its own failures; a
  // recovery link expires 30 minutes at the earliest; a clock fails only by Flint's fault.
  it('can make every event type but refund.requires_action, recovery_link.expired, webhook_endpoint.disabled and test_helpers.test_clock.internal_failure', () => {
    expect(EVENT_TYPES.filter((t) => !(TRIGGERABLE_TYPES as string[]).includes(t))).toEqual([
      'refund.requires_action',
      'recovery_link.expired',
      'webhook_endpoint.disabled',
      'test_helpers.test_clock.internal_failure',
    ]);
  });

  it.each(TRIGGERABLE_TYPES)(
    '%s: makes the changes through the API and shows the event',
    async (type) => {
      const { testKey: key } = await createTestAccount(server);
      const lines: string[] = [];
      const target = apiTargetOf({ 'api-key': key, 'api-url': server.url }, {});
      const eventId = await trigger(target, type, (line) => lines.push(line));

      const res = await request(server, 'GET', `/v1/events/${eventId}`, { key });
      expect(res.status).toBe(200);
      expect(res.body.event.type).toBe(type);
      const subject = res.body.event.data.object;
      const subjectId = idOf(subject);
      expect(lines[0]).toBe(`Triggering ${type} (test mode, ${server.url})`);
      expect(lines.at(-1)).toBe(`Event ${type} ${eventId} (about ${subjectId})`);
      // Every object it made is printed with its id.
      const printed = lines.slice(1, -1).join('\n');
      expect(printed).toContain(subjectId);
      const events = await eventsOf(key);
      for (const event of events) {
        const object = event.data.object;
        expect(printed).toContain(idOf(object));
        expect(event.object_id).toBe(idOf(object));
      }
      // Each object's events are numbered 1, 2, 3… in the order they were recorded.
      const numbers = new Map<string, number[]>();
      for (const event of [...events].reverse()) {
        numbers.set(event.object_id, [...(numbers.get(event.object_id) ?? []), event.sequence]);
      }
      for (const [objectId, sequences] of numbers) {
        expect(sequences, objectId).toEqual(sequences.map((_, i) => i + 1));
      }
    },
  );

  it('runs as the flint command, with flags or FLINT_API_KEY and FLINT_API_URL', async () => {
    const { testKey: key } = await createTestAccount(server);
    const byFlags = await flint([
      'trigger',
      'order.paid',
      '--api-key',
      key,
      '--api-url',
      server.url,
    ]);
    expect(byFlags.code, byFlags.stderr).toBe(0);
    const eventId = /Event order\.paid (evt_\w+)/.exec(byFlags.stdout)?.[1];
    expect(eventId).toBeDefined();
    expect((await request(server, 'GET', `/v1/events/${eventId}`, { key })).status).toBe(200);

    const byEnv = await flint(['trigger', 'refund.created'], {
      FLINT_API_KEY: key,
      FLINT_API_URL: `${server.url}/`,
    });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    expect(byEnv.stdout).toMatch(/Event refund\.created evt_\w+ \(about re_\w+\)/);
    expect(byEnv.stdout).toMatch(/refund +re_\w+ +succeeded \(of 500\)/);
  });

  it('refuses unknown types, live keys and missing keys with exit code 2, creating nothing', async () => {
    const account = await createTestAccount(server);
    const unknown = await flint([
      'trigger',
      'order.shipped',
      '--api-key',
      account.testKey,
      '--api-url',
      server.url,
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('trigger cannot make "order.shipped" events; supported:');
    for (const type of TRIGGERABLE_TYPES) expect(unknown.stderr).toContain(`\n  ${type}\n`);

    const live = await flint([
      'trigger',
      'order.created',
      '--api-key',
      account.liveKey,
      '--api-url',
      server.url,
    ]);
    expect(live.code).toBe(2);
    expect(live.stderr).toContain('test mode only');
    expect(await eventsOf(account.liveKey)).toEqual([]);
    expect(await eventsOf(account.testKey)).toEqual([]);

    for (const args of [['trigger', 'order.created'], ['trigger'], ['trigger', 'a', 'b']]) {
      const res = await flint([...args, '--api-url', server.url]);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toContain('flint --help');
    }
  });

  it('exits 1 and says why when the API refuses or cannot be reached', async () => {
    const bogus = `sk_test_${'A'.repeat(32)}`;
    const refused = await flint([
      'trigger',
      'order.created',
      '--api-key',
      bogus,
      '--api-url',
      server.url,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('401 unauthorized (api_key_invalid): Invalid API key');

    const closed = await startTestServer();
    await closed.close();
    const unreachable = await flint([
      'trigger',
      'order.created',
      '--api-key',
      bogus,
      '--api-url',
      closed.url,
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(`cannot reach Flint at ${closed.url}`);
  });
});
