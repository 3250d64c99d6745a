import type { EventType } from '../domain/event-types.js';
import { callApi } from './api-client.js';
import type { TriggerSteps } from './trigger-steps.js';

// `flint trigger plan.<x>`: a monthly plan, and a change of its description (no new version).

async function plan(s: TriggerSteps): Promise<string> {
  const { body } = await callApi<{ plan: { plan_id: string } }>(s.target, 'POST', '/v1/plans', {
    body: {
      plan: {
        name: `flint trigger ${s.tag}`,
        currency: 'USD',
        interval: 'month',
        line_items: [{ name: 'Monthly plan', unit_amount: 2000 }],
        metadata: { flint_trigger: s.tag },
      },
    },
  });
  s.say('plan', body.plan.plan_id, 'created (2000 a month)');
  return body.plan.plan_id;
}

type Scenario = (steps: TriggerSteps) => Promise<string>;

/** Every plan event made on demand. */
export const PLAN_SCENARIOS = {
  'plan.created': plan,
  'plan.updated': async (s) => {
    const id = await plan(s);
    await callApi(s.target, 'PATCH', `/v1/plans/${id}`, {
      body: { plan: { description: 'Updated by flint trigger' } },
    });
    s.say('plan', id, 'updated (description)');
    return id;
  },
} satisfies Partial<Record<EventType, Scenario>>;
