import type { EventType } from '../domain/event-types.js';
import { callApi } from './api-client.js';
import type { TriggerSteps } from './trigger-steps.js';

// `flint trigger payment_method.<x>` and `customer.updated`: a customer, a card saved for
// it (its first: its default), then the method's or the customer's calls.

interface MethodBody {
  readonly payment_method: { readonly payment_method_id: string; readonly status: string };
}

/** A new customer with a saved test card; answers both ids. */
async function saved(s: TriggerSteps): Promise<{ customerId: string; methodId: string }> {
  const customer = await callApi<{ customer: { customer_id: string } }>(
    s.target,
    'POST',
    '/v1/customers',
    { body: { customer: { email: 'trigger@example.com', metadata: { flint_trigger: s.tag } } } },
  );
  const customerId = customer.body.customer.customer_id;
  s.say('customer', customerId, 'created');
  const { body } = await callApi<MethodBody>(
    s.target,
    'POST',
    `/v1/customers/${customerId}/payment_methods`,
    { body: { payment_method: { payment_source_token: 'tok_visa' } } },
  );
  const methodId = body.payment_method.payment_method_id;
  s.say('payment_method', methodId, `${body.payment_method.status} (the default)`);
  return { customerId, methodId };
}

type Scenario = (steps: TriggerSteps) => Promise<string>;

export const PAYMENT_METHOD_SCENARIOS = {
  'payment_method.attached': async (s) => (await saved(s)).methodId,
  'payment_method.updated': async (s) => {
    const { methodId } = await saved(s);
    await callApi(s.target, 'PATCH', `/v1/payment_methods/${methodId}`, {
      body: { payment_method: { metadata: { flint_trigger_updated: 'true' } } },
    });
    s.say('payment_method', methodId, 'updated (metadata)');
    return methodId;
  },
  'payment_method.detached': async (s) => {
    const { methodId } = await saved(s);
    await callApi(s.target, 'POST', `/v1/payment_methods/${methodId}/detach`);
    s.say('payment_method', methodId, 'detached');
    return methodId;
  },
  'customer.updated': async (s) => {
    const { customerId } = await saved(s);
    await callApi(s.target, 'PATCH', `/v1/customers/${customerId}`, {
      body: { customer: { metadata: { flint_trigger_updated: 'true' } } },
    });
    s.say('customer', customerId, 'updated (metadata)');
    return customerId;
  },
} satisfies Partial<Record<EventType, Scenario>>;
