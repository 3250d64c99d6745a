import type { EventType } from '../domain/event-types.js';
import { callApi } from './api-client.js';
import type { TriggerSteps } from './trigger-steps.js';

// `flint trigger return.<x>`: a paid order, a return of its line, then the return's calls,
// each printing what it changed.

interface ReturnBody {
  readonly return: {
    readonly return_id: string;
    readonly status: string;
    readonly refund_id: string | null;
  };
}
interface OrderBody {
  readonly order: { readonly line_items: readonly { readonly line_item_id: string }[] };
}

async function returnCall(
  s: TriggerSteps,
  path: string,
  { body = {}, method = 'POST' }: { readonly body?: unknown; readonly method?: 'POST' | 'PATCH' },
): Promise<ReturnBody['return']> {
  const res = await callApi<ReturnBody>(s.target, method, path, { body });
  const made = res.body.return;
  s.say('return', made.return_id, made.status);
  if (made.refund_id) s.say('refund', made.refund_id, 'created (the return settled)');
  return made;
}

/** A paid order and a return of its line (refunded on completion); answers the return's id. */
async function requested(s: TriggerSteps): Promise<string> {
  const orderId = await s.createOrder();
  await s.pay(orderId);
  const { body } = await callApi<OrderBody>(s.target, 'GET', `/v1/orders/${orderId}`);
  const line = body.order.line_items[0];
  if (!line) throw new Error(`order ${orderId} has no line`);
  const made = await returnCall(s, `/v1/orders/${orderId}/returns`, {
    body: {
      return: {
        line_items: [{ line_item_id: line.line_item_id, quantity: 1 }],
        reason: 'other',
        metadata: { flint_trigger: s.tag },
      },
    },
  });
  return made.return_id;
}

const act = (s: TriggerSteps, id: string, action: string) =>
  returnCall(s, `/v1/returns/${id}/${action}`, {});

async function received(s: TriggerSteps): Promise<string> {
  const id = await requested(s);
  await act(s, id, 'receive');
  return id;
}

type Scenario = (steps: TriggerSteps) => Promise<string>;

/** Every return event the sandbox can produce on demand. */
export const RETURN_SCENARIOS = {
  'return.created': requested,
  'return.updated': async (s) => {
    const id = await requested(s);
    await returnCall(s, `/v1/returns/${id}`, {
      method: 'PATCH',
      body: { return: { reason: 'damaged' } },
    });
    return id;
  },
  'return.received': received,
  'return.completed': async (s) => {
    const id = await received(s);
    await act(s, id, 'complete');
    return id;
  },
  'return.canceled': async (s) => {
    const id = await requested(s);
    await act(s, id, 'cancel');
    return id;
  },
} satisfies Partial<Record<EventType, Scenario>>;
