import type { EventType } from '../domain/event-types.js';
import { callApi } from './api-client.js';
import type { TriggerSteps } from './trigger-steps.js';

// `flint trigger customer_balance_transaction.<x>`, `customer.updated` and
// `test_helpers.test_clock.<x>`: a customer credited, a test clock made and advanced.

interface CustomerBody {
  readonly customer: { readonly customer_id: string };
}
interface TransactionBody {
  readonly customer_balance_transaction: {
    readonly customer_balance_transaction_id: string;
    readonly ending_balance: number;
  };
}
interface ClockBody {
  readonly test_clock: { readonly test_clock_id: string; readonly frozen_time: string };
}

/** A customer credited 5.00; answers the customer's and the transaction's ids. */
async function credited(s: TriggerSteps): Promise<{ customerId: string; transactionId: string }> {
  const { body: made } = await callApi<CustomerBody>(s.target, 'POST', '/v1/customers', {
    body: { customer: { metadata: { flint_trigger: s.tag } } },
  });
  const customerId = made.customer.customer_id;
  s.say('customer', customerId, 'created');
  const { body } = await callApi<TransactionBody>(
    s.target,
    'POST',
    `/v1/customers/${customerId}/balance_transactions`,
    { body: { customer_balance_transaction: { amount: -500, currency: 'USD' } } },
  );
  const txn = body.customer_balance_transaction;
  s.say(
    'balance txn',
    txn.customer_balance_transaction_id,
    `credit, balance ${txn.ending_balance}`,
  );
  return { customerId, transactionId: txn.customer_balance_transaction_id };
}

const CLOCKS = '/v1/test_helpers/test_clocks';

async function clock(s: TriggerSteps): Promise<string> {
  const { body } = await callApi<ClockBody>(s.target, 'POST', CLOCKS, {
    body: { test_clock: { frozen_time: '2030-01-01T00:00:00Z', name: `flint trigger ${s.tag}` } },
  });
  s.say('test clock', body.test_clock.test_clock_id, `created at ${body.test_clock.frozen_time}`);
  return body.test_clock.test_clock_id;
}

async function advanced(s: TriggerSteps): Promise<string> {
  const id = await clock(s);
  const { body } = await callApi<ClockBody>(s.target, 'POST', `${CLOCKS}/${id}/advance`, {
    body: { test_clock: { frozen_time: '2030-02-01T00:00:00Z' } },
  });
  s.say('test clock', id, `advanced to ${body.test_clock.frozen_time}`);
  return id;
}

/** Every customer balance and test clock event the sandbox can produce on demand. */
export const BALANCE_AND_CLOCK_SCENARIOS = {
  'customer.updated': async (s) => (await credited(s)).customerId,
  'customer_balance_transaction.created': async (s) => (await credited(s)).transactionId,
  'customer_balance_transaction.updated': async (s) => {
    const { transactionId } = await credited(s);
    await callApi(s.target, 'PATCH', `/v1/customer_balance_transactions/${transactionId}`, {
      body: { customer_balance_transaction: { description: 'Goodwill' } },
    });
    s.say('balance txn', transactionId, 'updated (description)');
    return transactionId;
  },
  'test_helpers.test_clock.created': clock,
  'test_helpers.test_clock.advancing': advanced,
  'test_helpers.test_clock.ready': advanced,
  'test_helpers.test_clock.deleted': async (s) => {
    const id = await clock(s);
    await callApi(s.target, 'DELETE', `${CLOCKS}/${id}`);
    s.say('test clock', id, 'deleted');
    return id;
  },
} satisfies Partial<Record<EventType, (s: TriggerSteps) => Promise<string>>>;
