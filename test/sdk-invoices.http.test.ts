import { Flint, FlintConflictError } from 'flint-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, startTestServer, type TestServer } from './harness.js';

// flint.invoices against the real server: camelCase in and out, every action.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('flint.invoices (SDK)', () => {
  it('creates, updates, finalizes, lists and pays an invoice', async () => {
    const { testKey } = await createTestAccount(server);
    const flint = new Flint(testKey, { baseUrl: server.url });
    const draft = await flint.invoices.create({
      lineItems: [
        { name: 'Audit', quantity: 1, unitPriceMoney: { amount: 9900, currency: 'USD' } },
      ],
      allowPartialPayments: true,
      customerDetails: { name: 'Jo', taxIds: [{ type: 'eu_vat', value: 'FR1' }] },
    });
    expect(draft).toMatchObject({
      id: draft.invoiceId,
      status: 'draft',
      amountDue: { amount: 9900 },
    });
    expect(draft.customerDetails?.taxIds).toEqual([{ type: 'eu_vat', value: 'FR1' }]);
    const updated = await flint.invoices.update(draft.invoiceId, {
      memo: 'Net 14',
      daysUntilDue: 14,
    });
    expect(updated).toMatchObject({ memo: 'Net 14', daysUntilDue: 14 });
    const open = await flint.invoices.finalize(draft.invoiceId);
    expect(open.number).toBe('FLT-000001');
    expect(open.availableActions).toEqual(['pay', 'void', 'mark_uncollectible', 'send', 'remind']);
    await expect(flint.invoices.approve(draft.invoiceId)).rejects.toBeInstanceOf(
      FlintConflictError,
    );
    const part = await flint.invoices.pay(draft.invoiceId, {
      paymentSourceToken: 'tok_visa',
      amount: 900,
    });
    expect(part.invoice.amountRemaining.amount).toBe(9000);
    expect(part.paymentIntent?.status).toBe('succeeded');
    const paid = await flint.invoices.pay(draft.invoiceId, { paymentSourceToken: 'tok_visa' });
    expect(paid.invoice.status).toBe('paid');
    const listed = await flint.invoices.list({ status: 'paid' });
    expect(listed.data.map((i) => i.id)).toEqual([draft.invoiceId]);
    expect((await flint.invoices.retrieve(draft.invoiceId)).status).toBe('paid');
  });

  it('asks for approval, rejects with a reason, approves, voids and marks uncollectible', async () => {
    const { testKey } = await createTestAccount(server);
    const flint = new Flint(testKey, { baseUrl: server.url });
    const order = await flint.orders.create({
      lineItems: [{ name: 'Kit', quantity: 2, unitPriceMoney: { amount: 1500, currency: 'USD' } }],
    });
    const draft = await flint.invoices.create({ orderId: order.orderId, requiresApproval: true });
    expect((await flint.invoices.finalize(draft.id)).status).toBe('awaiting_approval');
    const rejected = await flint.invoices.reject(draft.id, { reason: 'Wrong quantity' });
    expect(rejected).toMatchObject({ status: 'draft', rejectionReason: 'Wrong quantity' });
    await flint.invoices.finalize(draft.id);
    expect((await flint.invoices.approve(draft.id)).status).toBe('open');
    expect((await flint.invoices.markUncollectible(draft.id)).status).toBe('uncollectible');
    const voided = await flint.invoices.void(draft.id);
    expect(voided).toMatchObject({ status: 'void', number: 'FLT-000001' });
  });
});

describe('flint.invoices.send and flint.invoiceSettings (SDK)', () => {
  it('sets the reminder schedule, sends an invoice and reminds, and reads the mailbox', async () => {
    const { testKey } = await createTestAccount(server);
    const flint = new Flint(testKey, { baseUrl: server.url });
    const settings = await flint.invoiceSettings.update({
      timeZone: 'Europe/Paris',
      reminders: { daysBeforeDue: [3], onDueDate: true, daysAfterDue: [1, 7] },
    });
    expect(settings).toMatchObject({
      timeZone: 'Europe/Paris',
      reminders: { daysBeforeDue: [3], onDueDate: true, daysAfterDue: [1, 7] },
    });
    expect(await flint.invoiceSettings.retrieve()).toEqual(settings);
    await expect(flint.invoiceSettings.update({ timeZone: 'Nowhere/Else' })).rejects.toMatchObject({
      code: 'parameter_invalid',
    });

    const draft = await flint.invoices.create({
      lineItems: [
        { name: 'Audit', quantity: 1, unitPriceMoney: { amount: 4200, currency: 'EUR' } },
      ],
      currency: 'EUR',
      customerDetails: { email: 'jo@example.com' },
    });
    await expect(flint.invoices.send(draft.invoiceId)).rejects.toBeInstanceOf(FlintConflictError);
    await flint.invoices.finalize(draft.invoiceId);
    const sent = await flint.invoices.send(draft.invoiceId);
    expect(sent.sentAt).not.toBeNull();
    expect(sent.overdue).toBe(false);
    await flint.invoices.remind(draft.invoiceId);
    const mails = await flint.testHelpers.emails.list({ relatedObjectId: draft.invoiceId });
    expect(mails.data.map((m) => [m.kind, m.to])).toEqual([
      ['invoice_reminder', 'jo@example.com'],
      ['invoice', 'jo@example.com'],
    ]);
    expect(mails.data[1]?.text).toContain(sent.hostedInvoiceUrl);
  });
});
