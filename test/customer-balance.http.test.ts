import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transact } from '../src/adapters/db/transact.js';
import {
  addCustomerCreditIn,
  takeCustomerCreditIn,
} from '../src/app/customers/customer-balance.js';
import { SYSTEM_ACTOR } from '../src/app/events/record-events.js';
import {
  createCreditedOrderIn,
  createOrderOnCustomerBalanceIn,
} from '../src/app/orders/credited-order.js';
import { countingSandbox } from './counting-processor.js';
import {
  createTestAccount,
  oneLine,
  request,
  startTestServer,
  type TestAccount,
  type TestServer,
} from './harness.js';

// A customer's credit balance: changed only by balance transactions (the API's adjustments,
// an order's use of the credit), each written with the new balance under the customer's
// lock; an order made on the balance takes the credit before any charge, and one the
// credit covers is PAID with no processor call.

const counting = countingSandbox();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ processor: counting.processor });
});
afterAll(() => server.close());

async function call(
  key: string,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) {
  return request(server, method, path, { key, body, ...(headers && { headers }) });
}

async function newCustomer(account: TestAccount) {
  const res = await call(account.testKey, 'POST', '/v1/customers', {
    customer: { email: 'buyer@example.com' },
  });
  return res.body.customer.customer_id as string;
}

function adjust(
  account: TestAccount,
  customerId: string,
  fields: Record<string, unknown>,
  key?: string,
) {
  return call(
    account.testKey,
    'POST',
    `/v1/customers/${customerId}/balance_transactions`,
    { customer_balance_transaction: fields },
    key ? { 'idempotency-key': key } : undefined,
  );
}

const tenantOf = (account: TestAccount) => ({
  accountId: account.accountId,
  mode: 'test' as const,
});
const ctxOf = (account: TestAccount) => ({
  deps: server.deps,
  tenant: tenantOf(account),
  actor: SYSTEM_ACTOR,
});

describe('customer balance transactions', () => {
  it('credit and debit the balance, which is their sum, with events', async () => {
    const account = await createTestAccount(server);
    const customerId = await newCustomer(account);
    const credit = await adjust(account, customerId, {
      amount: -1500,
      currency: 'usd',
      description: 'Goodwill',
      metadata: { ticket: 'T-1' },
    });
    expect(credit.status, credit.text).toBe(200);
    const txn = credit.body.customer_balance_transaction;
    expect(txn).toMatchObject({
      object: 'customer_balance_transaction',
      customer_id: customerId,
      amount: -1500,
      currency: 'USD',
      type: 'adjustment',
      ending_balance: -1500,
      description: 'Goodwill',
      order_id: null,
      metadata: { ticket: 'T-1' },
      test_mode: true,
    });
    expect(txn.customer_balance_transaction_id).toMatch(/^cbtxn_/);
    const debit = await adjust(account, customerId, { amount: 400, currency: 'USD' });
    expect(debit.body.customer_balance_transaction.ending_balance).toBe(-1100);
    const customer = (await call(account.testKey, 'GET', `/v1/customers/${customerId}`)).body
      .customer;
    expect(customer).toMatchObject({ balance: -1100, currency: 'USD' });

    const listed = await call(
      account.testKey,
      'GET',
      `/v1/customers/${customerId}/balance_transactions`,
    );
    expect(listed.body.customer_balance_transactions.map((t: any) => t.amount)).toEqual([
      400, -1500,
    ]);
    const flat = await call(
      account.testKey,
      'GET',
      `/v1/customer_balance_transactions?customer_id=${customerId}&limit=1`,
    );
    expect(flat.body).toMatchObject({ has_more: true });
    const id = txn.customer_balance_transaction_id;
    const got = await call(account.testKey, 'GET', `/v1/customer_balance_transactions/${id}`);
    expect(got.body.customer_balance_transaction).toEqual(txn);

    const events = await call(account.testKey, 'GET', '/v1/events?limit=4');
    const [updated, created] = events.body.events;
    expect(created).toMatchObject({ type: 'customer_balance_transaction.created' });
    expect(updated.type).toBe('customer.updated');
    expect(updated.data.object.balance).toBe(-1100);
    expect(updated.data.previous_attributes).toEqual({ balance: -1500 });
    expect(events.body.events[2].data.previous_attributes).toEqual({ balance: 0, currency: null });
  });

  it('refuses another currency, a zero amount, an unknown currency; changes only description and metadata', async () => {
    const account = await createTestAccount(server);
    const customerId = await newCustomer(account);
    const first = await adjust(account, customerId, { amount: -100, currency: 'EUR' });
    for (const [fields, code, field] of [
      [{ amount: -100, currency: 'USD' }, 'currency_mismatch', 'currency'],
      [{ amount: 0, currency: 'EUR' }, 'amount_invalid', 'amount'],
      [{ amount: 5, currency: 'XYZ' }, 'parameter_invalid', 'currency'],
    ] as const) {
      const res = await adjust(account, customerId, fields);
      expect(res.status, res.text).toBe(422);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.errors[0].loc).toEqual(['customer_balance_transaction', field]);
    }
    const amountTooBig = await adjust(account, customerId, { amount: 1e12, currency: 'EUR' });
    expect(amountTooBig.status).toBe(422);
    const id = first.body.customer_balance_transaction.customer_balance_transaction_id;
    const path = `/v1/customer_balance_transactions/${id}`;
    const patched = await call(account.testKey, 'PATCH', path, {
      customer_balance_transaction: { description: 'Refund of shipping', metadata: { a: '1' } },
    });
    expect(patched.body.customer_balance_transaction).toMatchObject({
      description: 'Refund of shipping',
      metadata: { a: '1' },
      amount: -100,
    });
    const amount = await call(account.testKey, 'PATCH', path, {
      customer_balance_transaction: { amount: 5 },
    });
    expect(amount.status).toBe(400);
    const customer = (await call(account.testKey, 'GET', `/v1/customers/${customerId}`)).body
      .customer;
    expect(customer.balance).toBe(-100);
  });

  it('replays an idempotent credit; other accounts and modes see 404', async () => {
    const account = await createTestAccount(server);
    const customerId = await newCustomer(account);
    const fields = { amount: -700, currency: 'USD' };
    const first = await adjust(account, customerId, fields, 'credit-1');
    const again = await adjust(account, customerId, fields, 'credit-1');
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const customer = (await call(account.testKey, 'GET', `/v1/customers/${customerId}`)).body
      .customer;
    expect(customer.balance).toBe(-700);

    const other = await createTestAccount(server);
    const path = `/v1/customers/${customerId}/balance_transactions`;
    const body = { customer_balance_transaction: fields };
    for (const key of [other.testKey, account.liveKey]) {
      expect((await call(key, 'POST', path, body)).status).toBe(404);
      expect((await call(key, 'GET', path)).status).toBe(404);
      const id = first.body.customer_balance_transaction.customer_balance_transaction_id;
      expect((await call(key, 'GET', `/v1/customer_balance_transactions/${id}`)).status).toBe(404);
    }
  });
});

describe('orders on the customer balance', () => {
  it('an order the credit covers is PAID with no processor call; the rest stays to pay', async () => {
    const account = await createTestAccount(server);
    const customerId = await newCustomer(account);
    await adjust(account, customerId, { amount: -3000, currency: 'USD' });
    const charges = counting.chargeCalls.length;
    const order = { customer_id: customerId, currency: 'USD', line_items: oneLine(2000) };
    const now = new Date();
    const covered = await transact(server.deps.db, (tx) =>
      createOrderOnCustomerBalanceIn(tx, ctxOf(account), { order, now }),
    );
    if (!covered.ok) throw new Error(covered.error.message);
    expect(covered.value.credit).toBe(2000);
    const paid = (await call(account.testKey, 'GET', `/v1/orders/${covered.value.view.order.id}`))
      .body.order;
    expect(paid).toMatchObject({ status: 'PAID', payments: [] });
    expect(paid.credit_money).toEqual({ amount: 2000, currency: 'USD' });
    expect(paid.net_amounts.total_money).toEqual({ amount: 0, currency: 'USD' });

    const partly = await transact(server.deps.db, (tx) =>
      createOrderOnCustomerBalanceIn(tx, ctxOf(account), { order, now }),
    );
    if (!partly.ok) throw new Error(partly.error.message);
    expect(partly.value.credit).toBe(1000);
    const open = (await call(account.testKey, 'GET', `/v1/orders/${partly.value.view.order.id}`))
      .body.order;
    expect(open.status).toBe('OPEN');
    expect(open.net_amounts.balance_money.amount).toBe(1000);
    expect(counting.chargeCalls.length).toBe(charges);

    const customer = (await call(account.testKey, 'GET', `/v1/customers/${customerId}`)).body
      .customer;
    expect(customer.balance).toBe(0);
    const listed = await call(
      account.testKey,
      'GET',
      `/v1/customers/${customerId}/balance_transactions`,
    );
    expect(
      listed.body.customer_balance_transactions.map((t: any) => [
        t.type,
        t.amount,
        t.order_id,
        t.ending_balance,
      ]),
    ).toEqual([
      ['applied_to_order', 1000, partly.value.view.order.id, 0],
      ['applied_to_order', 2000, covered.value.view.order.id, -1000],
      ['adjustment', -3000, null, -3000],
    ]);
    // No credit left: an order like any other, nothing written to the balance.
    const plain = await transact(server.deps.db, (tx) =>
      createOrderOnCustomerBalanceIn(tx, ctxOf(account), { order, now }),
    );
    expect(plain.ok && plain.value.credit).toBe(0);
    // Canceling the open order gives its 1000 of credit back, once; a paid one keeps its own.
    const canceled = await call(
      account.testKey,
      'POST',
      `/v1/orders/${partly.value.view.order.id}/cancel`,
    );
    expect(canceled.status, canceled.text).toBe(200);
    const again = await call(
      account.testKey,
      'POST',
      `/v1/orders/${partly.value.view.order.id}/cancel`,
    );
    expect(again.status).toBe(409);
    const after = (await call(account.testKey, 'GET', `/v1/customers/${customerId}`)).body.customer;
    expect(after.balance).toBe(-1000);
    const back = await call(
      account.testKey,
      'GET',
      `/v1/customers/${customerId}/balance_transactions`,
    );
    expect(back.body.customer_balance_transactions[0]).toMatchObject({
      type: 'unapplied_from_order',
      amount: -1000,
      order_id: partly.value.view.order.id,
      ending_balance: -1000,
    });
  });

  it('takes nothing in another currency; credits given back; a credited order of another kind', async () => {
    const account = await createTestAccount(server);
    const customerId = await newCustomer(account);
    await adjust(account, customerId, { amount: -500, currency: 'EUR' });
    const tenant = tenantOf(account);
    const taken = await transact(server.deps.db, async (tx) => ({
      ok: true as const,
      value: await takeCustomerCreditIn(tx, tenant, {
        customerId,
        currency: 'USD',
        upTo: 500,
        orderId: 'ord_none',
        now: new Date(),
      }),
    }));
    expect(taken).toEqual({ ok: true, value: 0 });
    const back = await transact(server.deps.db, (tx) =>
      addCustomerCreditIn(tx, tenant, {
        customerId,
        amount: 250,
        currency: 'EUR',
        type: 'unused_time',
        description: 'Unused time on Pro',
        now: new Date(),
      }),
    );
    expect(back.ok && back.value.customer.balance).toBe(-750);

    // An order credited by another capability (a fixed credit): zero left → PAID at once.
    const made = await transact(server.deps.db, (tx) =>
      createCreditedOrderIn(tx, ctxOf(account), {
        order: { currency: 'USD', line_items: oneLine(1200) },
        credit: 5000,
        now: new Date(),
      }),
    );
    if (!made.ok) throw new Error(made.error.message);
    expect(made.value).toMatchObject({ credit: 1200, view: { order: { status: 'PAID' } } });
  });
});
