import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import {
  createOrder,
  createTestAccount,
  liveKeyOf,
  oneLine,
  request,
  startTestServer,
  type TestResponse,
  type TestServer,
} from './harness.js';
import { invoiceCalls } from './invoice-fixtures.js';

// Saved payment methods (issue 18): a card saved through the processor for a customer,
// its default, and payments of orders and invoices with it — on or off session.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function api(key: string) {
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    request(server, method, path, { key, body, ...(headers ? { headers } : {}) });
  const ok = async (res: Promise<TestResponse> | TestResponse) => {
    const r = await res;
    expect(r.status, r.text).toBe(200);
    return r.body;
  };
  return {
    call,
    ok,
    async customer(fields: Record<string, unknown> = { email: 'jo@example.com' }) {
      return (await create(server, key, 'customers', 'customer', fields)).customer_id as string;
    },
    save: (customerId: string, fields: Record<string, unknown>, headers?: Record<string, string>) =>
      call(
        'POST',
        `/v1/customers/${customerId}/payment_methods`,
        { payment_method: fields },
        headers,
      ),
    async saved(customerId: string, token = 'tok_visa', extra: Record<string, unknown> = {}) {
      return (await ok(this.save(customerId, { payment_source_token: token, ...extra })))
        .payment_method;
    },
    async getCustomer(id: string) {
      return (await ok(call('GET', `/v1/customers/${id}`))).customer;
    },
    async order(customerId: string | null, amount = 1000) {
      return (
        await createOrder(server, key, {
          line_items: oneLine(amount),
          ...(customerId ? { customer_id: customerId } : {}),
        })
      ).order_id;
    },
    pay: (orderId: string, payment: Record<string, unknown>) =>
      call('POST', `/v1/orders/${orderId}/pay`, { payment }),
    async eventTypes(objectId: string): Promise<string[]> {
      const body = await ok(call('GET', `/v1/events?object_id=${objectId}&limit=100`));
      return body.events.map((e: { type: string }) => e.type).reverse();
    },
  };
}

describe('saving a card', () => {
  it('saves a token as the customer’s first method, which becomes its default', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = api(key);
    const cus = await a.customer();
    const method = await a.saved(cus, 'tok_visa', { metadata: { label: 'work' } });
    expect(method).toMatchObject({
      object: 'payment_method',
      customer_id: cus,
      type: 'card',
      card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034, funding: 'credit' },
      processor: 'sandbox',
      status: 'attached',
      detached_at: null,
      metadata: { label: 'work' },
      test_mode: true,
    });
    expect(method.payment_method_id).toMatch(/^pm_/);
    expect(method.processor_payment_method_id).toMatch(/^pm_sbx_[0-9a-f]{16}_tok_visa$/);
    expect((await a.getCustomer(cus)).default_payment_method_id).toBe(method.payment_method_id);
    expect(await a.ok(a.call('GET', `/v1/payment_methods/${method.payment_method_id}`))).toEqual({
      payment_method: method,
    });
    expect(await a.eventTypes(method.payment_method_id)).toEqual(['payment_method.attached']);
    const updated = await a.ok(a.call('GET', `/v1/events?type=customer.updated&limit=1`));
    expect(updated.events[0].data.previous_attributes).toEqual({ default_payment_method_id: null });
    // A second one is not the default unless asked.
    const second = await a.saved(cus, 'tok_mastercard');
    expect((await a.getCustomer(cus)).default_payment_method_id).toBe(method.payment_method_id);
    const third = await a.saved(cus, 'tok_amex', { set_default: true });
    expect((await a.getCustomer(cus)).default_payment_method_id).toBe(third.payment_method_id);
    const list = await a.ok(a.call('GET', `/v1/customers/${cus}/payment_methods?limit=2`));
    expect(list.payment_methods.map((m: any) => m.payment_method_id)).toEqual([
      third.payment_method_id,
      second.payment_method_id,
    ]);
    expect(list.has_more).toBe(true);
    const rest = await a.ok(
      a.call('GET', `/v1/customers/${cus}/payment_methods?starting_after=${list.next_cursor}`),
    );
    expect(rest.payment_methods.map((m: any) => m.payment_method_id)).toEqual([
      method.payment_method_id,
    ]);
  });

  it('saves every dunning class (they decline when charged); refuses a generic decline and unknown tokens', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = api(key);
    const cus = await a.customer();
    for (const token of [
      'tok_chargeDeclinedInsufficientFunds',
      'tok_chargeDeclinedStolenCard',
      'tok_chargeDeclinedLostCard',
      'tok_chargeDeclinedProcessingError',
      'tok_chargeDeclinedExpiredCard',
      'tok_chargeCustomerFail',
      'tok_threeDSecureRequired',
    ]) {
      expect((await a.saved(cus, token)).status, token).toBe('attached');
    }
    const declined = await a.save(cus, { payment_source_token: 'tok_chargeDeclined' });
    expect(declined.status, declined.text).toBe(402);
    expect(declined.body.error).toMatchObject({ type: 'processor_error', code: 'card_declined' });
    const unknown = await a.save(cus, { payment_source_token: 'tok_nope' });
    expect(unknown.status).toBe(402);
    expect(unknown.body.error.code).toBe('invalid_payment_source');
    const all = await a.ok(a.call('GET', `/v1/customers/${cus}/payment_methods?limit=100`));
    expect(all.payment_methods).toHaveLength(7);
  });

  it('refuses bad input with a 4xx, and an unknown customer with a 404', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = api(key);
    const cus = await a.customer();
    expectError(await a.save(cus, {}), 422, 'validation_error', 'parameter_invalid');
    expectError(
      await a.save(cus, { payment_source_token: 'tok_visa', card_number: '4242' }),
      400,
      'invalid_request',
      'parameter_unknown',
    );
    const missing = await a.save('cus_01m84sgeyjf21ada62ac1e65xf', {
      payment_source_token: 'tok_visa',
    });
    expect(missing.status).toBe(404);
  });

  it('one method for concurrent saves with the same Idempotency-Key', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = api(key);
    const cus = await a.customer();
    const headers = { 'idempotency-key': `save-${cus}` };
    const answers = await Promise.all(
      [1, 2, 3].map(() => a.save(cus, { payment_source_token: 'tok_visa' }, headers)),
    );
    const ids = new Set(
      answers.filter((r) => r.status === 200).map((r) => r.body.payment_method.payment_method_id),
    );
    expect(ids.size).toBe(1);
    for (const r of answers) expect([200, 409]).toContain(r.status);
    const again = await a.save(cus, { payment_source_token: 'tok_visa' }, headers);
    expect(again.body.payment_method.payment_method_id).toEqual([...ids][0]);
    const all = await a.ok(a.call('GET', `/v1/customers/${cus}/payment_methods`));
    expect(all.payment_methods).toHaveLength(1);
  });

  it('live mode without a processor: 409 processor_not_configured, nothing saved', async () => {
    const { testKey } = await createTestAccount(server);
    const live = api(liveKeyOf(testKey));
    const cus = await live.customer();
    const res = await live.save(cus, { payment_source_token: 'tok_visa' });
    expectError(res, 409, 'conflict', 'processor_not_configured');
    const all = await live.ok(live.call('GET', `/v1/customers/${cus}/payment_methods`));
    expect(all.payment_methods).toEqual([]);
  });
});

describe('paying with a saved method', () => {
  it('pays an order on and off session; the payment names the method and its card', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = api(key);
    const cus = await a.customer();
    const method = await a.saved(cus, 'tok_mastercard');
    for (const off_session of [false, true]) {
      const order = await a.order(cus);
      const paid = await a.ok(
        a.pay(order, { payment_method_id: method.payment_method_id, off_session }),
      );
      expect(paid.order.status).toBe('PAID');
      expect(paid.payment_intent).toMatchObject({
        status: 'succeeded',
        payment_method_id: method.payment_method_id,
        off_session,
        payment_method_details: { type: 'card', card: { brand: 'mastercard', last4: '4444' } },
      });
    }
  });

  it('declines per token class when charged; a 3-D Secure card waits on session, fails off session', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = api(key);
    const cus = await a.customer();
    const cases: [string, string][] = [
      ['tok_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
      ['tok_chargeDeclinedStolenCard', 'stolen_card'],
      ['tok_chargeDeclinedLostCard', 'lost_card'],
      ['tok_chargeDeclinedProcessingError', 'processing_error'],
      ['tok_chargeDeclinedExpiredCard', 'expired_card'],
      ['tok_chargeCustomerFail', 'card_declined'],
      ['tok_threeDSecureRequired', 'authentication_required'],
    ];
    for (const [token, code] of cases) {
      const method = await a.saved(cus, token);
      const order = await a.order(cus);
      const res = await a.pay(order, {
        payment_method_id: method.payment_method_id,
        off_session: true,
      });
      expect(res.status, `${token}: ${res.text}`).toBe(402);
      expect(res.body.error.code, token).toBe(code);
      expect(res.body.error.decline_code, token).toBe(code);
      expect(res.body.error.payment_intent_id, token).toMatch(/^pi_/);
    }
    const threeDs = await a.saved(cus, 'tok_threeDSecureRequired');
    const order = await a.order(cus);
    const waiting = await a.ok(a.pay(order, { payment_method_id: threeDs.payment_method_id }));
    expect(waiting.payment_intent.status).toBe('requires_action');
    const done = await a.ok(
      a.call(
        'POST',
        `/v1/test_helpers/payment_intents/${waiting.payment_intent.payment_intent_id}/succeed`,
        {},
      ),
    );
    expect(done.order.status).toBe('PAID');
  });

  it('pays an invoice with the customer’s saved method', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = api(key);
    const inv = invoiceCalls(server, key);
    const cus = await a.customer();
    const method = await a.saved(cus, 'tok_visa');
    const draft = await inv.created({ line_items: oneLine(2500), customer_id: cus });
    await inv.acted(draft.invoice_id, 'finalize');
    const paid = await inv.call('POST', `/v1/invoices/${draft.invoice_id}/pay`, {
      payment: { payment_method_id: method.payment_method_id, off_session: true },
    });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.invoice.status).toBe('paid');
    expect(paid.body.payment_intent).toMatchObject({
      payment_method_id: method.payment_method_id,
      off_session: true,
      amount: 2500,
    });
  });

  it('refuses another customer’s method, an order without a customer, a detached one, and mixing with a token', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = api(key);
    const mine = await a.customer();
    const theirs = await a.customer({ name: 'Other' });
    const method = await a.saved(theirs, 'tok_visa');
    const pm = method.payment_method_id;
    const order = await a.order(mine);
    const other = await a.pay(order, { payment_method_id: pm });
    expectError(other, 422, 'validation_error', 'parameter_invalid', [
      ['payment', 'payment_method_id'],
    ]);
    const anonymous = await a.order(null);
    expect((await a.pay(anonymous, { payment_method_id: pm })).status).toBe(422);
    const both = await a.pay(await a.order(theirs), {
      payment_method_id: pm,
      payment_source_token: 'tok_visa',
    });
    expectError(both, 422, 'validation_error', 'parameter_invalid', [
      ['payment', 'payment_method_id'],
    ]);
    const offWithToken = await a.pay(order, {
      payment_source_token: 'tok_visa',
      off_session: true,
    });
    expectError(offWithToken, 422, 'validation_error', 'parameter_invalid', [
      ['payment', 'off_session'],
    ]);
    const detached = await a.ok(a.call('POST', `/v1/payment_methods/${pm}/detach`, {}));
    expect(detached.payment_method).toMatchObject({ status: 'detached' });
    expect(detached.payment_method.detached_at).not.toBeNull();
    const theirOrder = await a.order(theirs);
    const afterDetach = await a.pay(theirOrder, { payment_method_id: pm });
    expectError(afterDetach, 409, 'conflict', 'payment_method_detached');
    expect((await a.ok(a.call('GET', `/v1/orders/${theirOrder}`))).order.payments).toEqual([]);
    const twice = await a.call('POST', `/v1/payment_methods/${pm}/detach`, {});
    expectError(twice, 409, 'conflict', 'payment_method_detached');
    expect((await a.getCustomer(theirs)).default_payment_method_id).toBeNull();
    expect(await a.eventTypes(pm)).toEqual(['payment_method.attached', 'payment_method.detached']);
  });
});

describe('the default method', () => {
  it('switches through the customer’s update; another customer’s or a detached one is refused', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = api(key);
    const cus = await a.customer();
    const other = await a.customer({ name: 'Other' });
    const first = await a.saved(cus, 'tok_visa');
    const second = await a.saved(cus, 'tok_mastercard');
    const foreign = await a.saved(other, 'tok_visa');
    const patch = (fields: Record<string, unknown>) =>
      a.call('PATCH', `/v1/customers/${cus}`, { customer: fields });
    const switched = await a.ok(patch({ default_payment_method_id: second.payment_method_id }));
    expect(switched.customer.default_payment_method_id).toBe(second.payment_method_id);
    const events = await a.ok(a.call('GET', `/v1/events?type=customer.updated&limit=1`));
    expect(events.events[0].data).toMatchObject({
      object: { customer_id: cus, default_payment_method_id: second.payment_method_id },
      previous_attributes: { default_payment_method_id: first.payment_method_id },
    });
    expectError(
      await patch({ default_payment_method_id: foreign.payment_method_id }),
      422,
      'validation_error',
      'parameter_invalid',
      [['customer', 'default_payment_method_id']],
    );
    expect(
      (await patch({ default_payment_method_id: 'pm_01m84sgeyjf21ada62ac1e65xf' })).status,
    ).toBe(404);
    await a.ok(a.call('POST', `/v1/payment_methods/${first.payment_method_id}/detach`, {}));
    expectError(
      await patch({ default_payment_method_id: first.payment_method_id }),
      409,
      'conflict',
      'payment_method_detached',
    );
    // Detaching the default clears it.
    await a.ok(a.call('POST', `/v1/payment_methods/${second.payment_method_id}/detach`, {}));
    expect((await a.getCustomer(cus)).default_payment_method_id).toBeNull();
    const cleared = await a.ok(a.call('GET', `/v1/events?type=customer.updated&limit=1`));
    expect(cleared.events[0].data.previous_attributes).toEqual({
      default_payment_method_id: second.payment_method_id,
    });
    const none = await a.ok(patch({ default_payment_method_id: null }));
    expect(none.customer.default_payment_method_id).toBeNull();
  });

  it('updates a method’s metadata with payment_method.updated', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = api(key);
    const method = await a.saved(await a.customer(), 'tok_visa', { metadata: { a: '1' } });
    const id = method.payment_method_id;
    const updated = await a.ok(
      a.call('PATCH', `/v1/payment_methods/${id}`, { payment_method: { metadata: { b: '2' } } }),
    );
    expect(updated.payment_method.metadata).toEqual({ a: '1', b: '2' });
    expect(await a.eventTypes(id)).toEqual(['payment_method.attached', 'payment_method.updated']);
  });
});

describe('tenancy', () => {
  it('another account’s or mode’s methods are 404 everywhere', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { testKey: intruderKey } = await createTestAccount(server);
    const a = api(key);
    const cus = await a.customer();
    const method = await a.saved(cus, 'tok_visa');
    const pm = method.payment_method_id;
    for (const k of [intruderKey, liveKeyOf(key)]) {
      const b = api(k);
      expect((await b.call('GET', `/v1/payment_methods/${pm}`)).status).toBe(404);
      expect((await b.call('POST', `/v1/payment_methods/${pm}/detach`, {})).status).toBe(404);
      expect(
        (await b.call('PATCH', `/v1/payment_methods/${pm}`, { payment_method: { metadata: {} } }))
          .status,
      ).toBe(404);
      expect((await b.call('GET', `/v1/customers/${cus}/payment_methods`)).status).toBe(404);
      const own = await b.customer();
      const order = await b.order(own);
      expect((await b.pay(order, { payment_method_id: pm })).status).toBe(404);
      expect(
        (
          await b.call('PATCH', `/v1/customers/${own}`, {
            customer: { default_payment_method_id: pm },
          })
        ).status,
      ).toBe(404);
    }
  });
});
