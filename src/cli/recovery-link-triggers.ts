import type { EventType } from '../domain/event-types.js';
import { callApi } from './api-client.js';
import type { TriggerSteps } from './trigger-steps.js';

// `flint trigger recovery_link.<x>`: a link for a new order's balance, and what moves it.
// (`recovery_link.expired` needs its `expires_at` to pass — 30 minutes at least — so it is
// not made on demand.)

interface LinkBody {
  readonly recovery_link: { readonly recovery_link_id: string; readonly status: string };
}

async function linkCall(
  s: TriggerSteps,
  path: string,
  { body = {}, method = 'POST' }: { readonly body?: unknown; readonly method?: 'POST' | 'PATCH' },
): Promise<string> {
  const res = await callApi<LinkBody>(s.target, method, path, { body });
  const link = res.body.recovery_link;
  s.say('recovery_link', link.recovery_link_id, link.status);
  return link.recovery_link_id;
}

/** A new order and an active recovery link for its balance. */
async function activeLink(s: TriggerSteps): Promise<{ orderId: string; linkId: string }> {
  const orderId = await s.createOrder();
  const linkId = await linkCall(s, `/v1/orders/${orderId}/recovery_links`, {
    body: { recovery_link: { metadata: { flint_trigger: s.tag } } },
  });
  return { orderId, linkId };
}

type Scenario = (steps: TriggerSteps) => Promise<string>;

/** Every recovery link event the sandbox can produce on demand. */
export const RECOVERY_LINK_SCENARIOS = {
  'recovery_link.created': async (s) => (await activeLink(s)).linkId,
  'recovery_link.updated': async (s) => {
    const { linkId } = await activeLink(s);
    return linkCall(s, `/v1/recovery_links/${linkId}`, {
      method: 'PATCH',
      body: { recovery_link: { metadata: { note: 'updated by flint trigger' } } },
    });
  },
  'recovery_link.completed': async (s) => {
    const { orderId, linkId } = await activeLink(s);
    await s.pay(orderId);
    return linkId;
  },
  'recovery_link.deactivated': async (s) => {
    const { linkId } = await activeLink(s);
    return linkCall(s, `/v1/recovery_links/${linkId}/deactivate`, {});
  },
} satisfies Partial<Record<EventType, Scenario>>;
