import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from './catalog-fixtures.js';
import { signedInConsoleUser } from './console-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('console: plans', () => {
  it('lists plans and shows one with its lines and every version, escaped', async () => {
    const { testKey } = await createTestAccount(server);
    const plan = await create(server, testKey, 'plans', 'plan', {
      name: 'Team <b>plan</b>',
      currency: 'USD',
      interval: 'month',
      interval_count: 3,
      line_items: [
        { name: 'Seat', unit_amount: 1200, quantity: 2 },
        { name: 'Base fee', unit_amount: 4900, per_seat: false, tax_exempt: true },
      ],
    });
    const v2 = await request(server, 'PATCH', `/v1/plans/${plan.plan_id}`, {
      key: testKey,
      body: { plan: { line_items: [{ name: 'Seat', unit_amount: 1500 }], active: false } },
    });
    expect(v2.body.plan.version).toBe(2);
    const { browser } = await signedInConsoleUser(server, testKey);

    const list = await browser.get('/console/plans?mode=test');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`/console/plans/${plan.plan_id}?mode=test`);
    expect(list.text).toContain('Team &lt;b&gt;plan&lt;/b&gt;');
    expect(list.text).toContain('Every 3 months');
    const active = await browser.get('/console/plans?mode=test&active=true');
    expect(active.text).not.toContain(plan.plan_id);
    const archived = await browser.get('/console/plans?mode=test&active=false');
    expect(archived.text).toContain(plan.plan_id);

    const page = await browser.get(`/console/plans/${plan.plan_id}?mode=test`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Version 2');
    expect(page.text).toContain('Version 1');
    expect(page.text).toContain('$49.00');
    expect(page.text).toContain('$15.00');
    expect(page.text).toContain('Exempt');
    expect(page.text).not.toContain('<b>plan</b>');
    expect(
      (await browser.get('/console/plans/plan_01m84sgeyjf21ada62ac1e65xf?mode=test')).status,
    ).toBe(404);
    expect((await browser.get(`/console/plans/${plan.plan_id}?mode=live`)).status).toBe(404);
  });
});
