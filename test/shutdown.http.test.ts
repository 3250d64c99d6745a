import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { buildApp } from '../src/http/app.js';
import { systemClock } from '../src/ports/clock.js';
import { testDatabase } from './harness.js';

it('waits, on shutdown, for handlers whose client disconnected before closing anything', async () => {
  const { db } = await testDatabase();
  const app = await buildApp({ deps: { db, clock: systemClock } });
  const events: string[] = [];
  app.get('/slow', async () => {
    await sleep(300);
    events.push('handler finished');
    return { ok: true };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;

  const aborted = http.get(`http://127.0.0.1:${port}/slow`);
  aborted.on('error', () => {});
  await sleep(50);
  aborted.destroy();
  await sleep(20);

  await app.close();
  expect(events).toEqual([]); // the server is closed, the handler still runs
  // A timeout far beyond the test's own: resolving means the handler finished, not the timer.
  await app.drained(600_000);
  events.push('drained');
  expect(events).toEqual(['handler finished', 'drained']);
});

it('is drained at once when nothing runs (no wait for the timeout)', async () => {
  const { db } = await testDatabase();
  const app = await buildApp({ deps: { db, clock: systemClock } });
  await app.ready();
  await app.drained(600_000); // would outlast the test's timeout if it waited
  await app.close();
});
