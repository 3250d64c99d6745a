import type { Kysely } from 'kysely';
import {
  type DeliveryChanges,
  insertDeliveryAttempt,
  updateLeasedDelivery,
} from '../../adapters/db/repos/webhook-deliveries-repo.js';
import {
  lockWebhookEndpointById,
  updateWebhookEndpoint,
} from '../../adapters/db/repos/webhook-endpoints-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../adapters/db/schema-webhooks.js';
import { transactValue } from '../../adapters/db/transact.js';
import type { Tenant } from '../../domain/tenant.js';
import {
  type AttemptVerdict,
  honoursRetryAfter,
  nextRetryDelay,
  parseRetryAfter,
  verdictOf,
} from '../../domain/webhook-retry.js';
import type { Deps } from '../shared/deps.js';
import { disableEndpoint } from './webhook-endpoint-state.js';

/** How deliveries are retried, and when a failing endpoint is given up on. */
export interface DeliveryPolicy {
  /** Delay before each attempt: the first counts from the event's dispatch (usually 0). */
  readonly scheduleMs: readonly number[];
  readonly timeoutMs: number;
  /** An endpoint failing continuously for this long is disabled. */
  readonly disableAfterMs: number;
  /** [0, 1): picks each retry's jitter (tests fix it). */
  readonly random: () => number;
}

/** What one attempt came to. */
export interface AttemptOutcome {
  readonly url: string;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly status: number | null;
  readonly body: string | null;
  readonly retryAfter: string | null;
  readonly error: string | null;
  /** False when Flint could not send it (its own configuration): the endpoint is not to blame. */
  readonly byEndpoint: boolean;
  /** No retry: the endpoint is disabled or deleted. */
  readonly final: boolean;
}

function deliveryChanges(
  delivery: WebhookDeliveryRow,
  outcome: AttemptOutcome,
  verdict: AttemptVerdict,
  endpoint: WebhookEndpointRow | undefined,
  policy: DeliveryPolicy,
  now: Date,
): DeliveryChanges {
  const attempt = delivery.attempt_count + 1;
  const common = {
    attempt_count: attempt,
    locked_until: null,
    last_response_status: outcome.status,
    last_error: outcome.error,
    updated_at: now,
  };
  if (verdict === 'delivered') {
    return { ...common, status: 'delivered', delivered_at: now, next_attempt_at: null };
  }
  const stop = outcome.final || verdict === 'gone' || !endpoint || endpoint.status === 'disabled';
  const retryAfter = honoursRetryAfter(outcome.status)
    ? parseRetryAfter(outcome.retryAfter, now)
    : null;
  const delay = stop
    ? null
    : nextRetryDelay(policy.scheduleMs, attempt, policy.random(), retryAfter);
  return delay === null
    ? { ...common, status: 'failed', next_attempt_at: null }
    : { ...common, next_attempt_at: new Date(now.getTime() + delay) };
}

/** A success ends a failure streak; 410 or a streak longer than the limit disables. */
async function updateEndpointHealth(
  tx: Kysely<Database>,
  tenant: Tenant,
  endpoint: WebhookEndpointRow,
  verdict: AttemptVerdict,
  outcome: AttemptOutcome,
  policy: DeliveryPolicy,
  now: Date,
): Promise<void> {
  if (verdict === 'delivered') {
    if (endpoint.failing_since !== null) {
      await updateWebhookEndpoint(tx, tenant, endpoint.id, {
        failing_since: null,
        updated_at: now,
      });
    }
    return;
  }
  if (endpoint.status === 'disabled') return;
  if (verdict === 'gone') {
    await disableEndpoint(tx, tenant, { endpoint, reason: 'gone', now });
    return;
  }
  const failingSince = endpoint.failing_since ?? outcome.startedAt;
  if (endpoint.failing_since === null) {
    await updateWebhookEndpoint(tx, tenant, endpoint.id, {
      failing_since: failingSince,
      updated_at: now,
    });
  }
  if (now.getTime() - failingSince.getTime() >= policy.disableAfterMs) {
    await disableEndpoint(tx, tenant, {
      endpoint: { ...endpoint, failing_since: failingSince },
      reason: 'failing',
      now,
    });
  }
}

/**
 * Records an attempt of a leased delivery and schedules the next one (or ends it), and what
 * it says about the endpoint — in one transaction, under the endpoint's lock, and only if
 * the lease still holds (otherwise another worker has taken the delivery over).
 */
export async function recordAttempt(
  { deps, policy }: { readonly deps: Deps; readonly policy: DeliveryPolicy },
  {
    delivery,
    outcome,
  }: {
    readonly delivery: WebhookDeliveryRow & { readonly locked_until: Date };
    readonly outcome: AttemptOutcome;
  },
): Promise<void> {
  const tenant: Tenant = { accountId: delivery.account_id, mode: delivery.mode };
  await transactValue(deps.db, async (tx) => {
    const endpoint = await lockWebhookEndpointById(tx, tenant, delivery.endpoint_id);
    const now = deps.clock.now();
    const verdict = outcome.error === null ? verdictOf(outcome.status) : 'failed';
    const changes = deliveryChanges(delivery, outcome, verdict, endpoint, policy, now);
    const leased = await updateLeasedDelivery(
      tx,
      tenant,
      delivery.id,
      delivery.locked_until,
      changes,
    );
    if (!leased) return;
    await insertDeliveryAttempt(tx, {
      delivery_id: delivery.id,
      attempt: delivery.attempt_count + 1,
      url: outcome.url,
      started_at: outcome.startedAt,
      duration_ms: outcome.durationMs,
      response_status: outcome.status,
      response_body: outcome.body,
      error: outcome.error,
    });
    if (endpoint && outcome.byEndpoint) {
      await updateEndpointHealth(tx, tenant, endpoint, verdict, outcome, policy, now);
    }
  });
}
