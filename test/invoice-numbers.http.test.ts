import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeInvoiceNumber } from '../src/adapters/db/repos/invoices-repo.js';
import { transact } from '../src/adapters/db/transact.js';
import { fail } from '../src/domain/errors.js';
import { expectError } from './catalog-fixtures.js';
import { createTestAccount, oneLine, startTestServer, type TestServer } from './harness.js';
import { invoiceCalls } from './invoice-fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('invoice numbers', () => {
  it('gives 50 concurrent finalizations 50 consecutive numbers, per account and mode', async () => {
    const { testKey, liveKey } = await createTestAccount(server);
    const inv = invoiceCalls(server, testKey);
    const drafts = [];
    for (let i = 0; i < 50; i++) drafts.push(await inv.created({ line_items: oneLine(100 + i) }));
    const finalized = await Promise.all(drafts.map((d) => inv.act(d.invoice_id, 'finalize')));
    for (const res of finalized) expect(res.status, res.text).toBe(200);
    const numbers = finalized.map((res) => res.body.invoice.number as string).sort();
    expect(numbers).toEqual(
      Array.from({ length: 50 }, (_, i) => `FLT-${String(i + 1).padStart(6, '0')}`),
    );
    // Live mode counts on its own.
    const live = invoiceCalls(server, liveKey);
    const draft = await live.create({ line_items: oneLine(100) });
    // No processor is set up for live mode, but an invoice is only a request to pay.
    expect(draft.status, draft.text).toBe(200);
    const open = await live.acted(draft.body.invoice.invoice_id, 'finalize');
    expect(open.number).toBe('FLT-000001');
  });

  it('gives a rolled-back number back, so the next one has no gap', async () => {
    const { testKey, accountId } = await createTestAccount(server);
    const inv = invoiceCalls(server, testKey);
    const first = await inv.created({ line_items: oneLine(100) });
    expect((await inv.acted(first.invoice_id, 'finalize')).number).toBe('FLT-000001');
    const tenant = { accountId, mode: 'test' as const };
    const rolledBack = await transact(server.deps.db, async (tx) => {
      const taken = await takeInvoiceNumber(tx, tenant);
      expect(taken.sequence).toBe(2);
      return fail({ code: 'invoice_state_invalid', message: 'a later step refused' });
    });
    expect(rolledBack.ok).toBe(false);
    const next = await inv.created({ line_items: oneLine(100) });
    expect((await inv.acted(next.invoice_id, 'finalize')).number).toBe('FLT-000002');
    // A refused finalization (its order was canceled while a draft) takes none either.
    const doomed = await inv.created({ line_items: oneLine(100) });
    expect((await inv.call('POST', `/v1/orders/${doomed.order_id}/cancel`, {})).status).toBe(200);
    expectError(
      await inv.act(doomed.invoice_id, 'finalize'),
      409,
      'conflict',
      'order_state_invalid',
    );
    const last = await inv.created({ line_items: oneLine(100) });
    expect((await inv.acted(last.invoice_id, 'finalize')).number).toBe('FLT-000003');
  });

  it('takes the prefix and the approval default from the account’s settings, per mode', async () => {
    const { testKey } = await createTestAccount(server);
    const inv = invoiceCalls(server, testKey);
    const defaults = await inv.call('GET', '/v1/invoice_settings');
    expect(defaults.body.invoice_settings).toEqual({
      object: 'invoice_settings',
      number_prefix: 'FLT-',
      approval_required: false,
      time_zone: 'UTC',
      reminders: { days_before_due: [], on_due_date: false, days_after_due: [] },
      auto_send: false,
      test_mode: true,
    });
    const first = await inv.created({ line_items: oneLine(100) });
    expect((await inv.acted(first.invoice_id, 'finalize')).number).toBe('FLT-000001');
    const set = await inv.call('POST', '/v1/invoice_settings', {
      invoice_settings: { number_prefix: 'ACME-', approval_required: true },
    });
    expect(set.status, set.text).toBe(200);
    const bad = await inv.call('POST', '/v1/invoice_settings', {
      invoice_settings: { number_prefix: 'acme <b>' },
    });
    expectError(bad, 422, 'validation_error', 'parameter_invalid');
    const next = await inv.created({ line_items: oneLine(100) });
    expect(next.requires_approval).toBe(true);
    await inv.acted(next.invoice_id, 'finalize');
    expect((await inv.acted(next.invoice_id, 'approve')).number).toBe('ACME-000002');
  });
});
