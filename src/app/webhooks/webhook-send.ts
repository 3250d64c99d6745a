import {
  claimDueDeliveries,
  selectEndpointsOfDeliveries,
  selectEventsOfDeliveries,
} from '../../adapters/db/repos/webhook-deliveries-repo.js';
import type { WorkerScope } from '../../adapters/db/repos/webhook-outbox-repo.js';
import type { EventRow } from '../../adapters/db/schema.js';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../adapters/db/schema-webhooks.js';
import { signatureHeaders } from '../../adapters/webhooks/signature.js';
import type { WebhookTransport } from '../../ports/webhook-transport.js';
import { eventResource } from '../../resources/event.js';
import type { Deps } from '../shared/deps.js';
import type { SecretBox } from '../shared/secret-box.js';
import { type DeliveryPolicy, recordAttempt } from './webhook-attempts.js';
import { signingSecrets } from './webhook-secrets.js';

/** A delivery this worker holds the lease on, with what sending it needs. */
export interface ClaimedDelivery {
  readonly delivery: WebhookDeliveryRow & { readonly locked_until: Date };
  readonly endpoint: WebhookEndpointRow | undefined;
  readonly event: EventRow;
}

export const USER_AGENT = 'Flint-Webhooks/1.0 (+https://www.standardwebhooks.com)';

/** Leases up to `limit` due deliveries for `leaseMs` and loads their endpoints and events. */
export async function claimDeliveries(
  deps: Deps,
  {
    scope,
    limit,
    leaseMs,
  }: { readonly scope: WorkerScope; readonly limit: number; readonly leaseMs: number },
): Promise<ClaimedDelivery[]> {
  const claimed = await claimDueDeliveries(deps.db, scope, deps.clock.now(), leaseMs, limit);
  if (claimed.length === 0) return [];
  const ids = claimed.map((d) => d.id);
  const endpoints = await selectEndpointsOfDeliveries(deps.db, ids);
  const events = await selectEventsOfDeliveries(deps.db, ids);
  return claimed.flatMap((delivery) => {
    const event = events.get(delivery.id);
    if (!event) return []; // events are never deleted; the lease simply runs out
    const endpoint = endpoints.get(delivery.id);
    return [{ delivery, endpoint, event }];
  });
}

type Readiness =
  | { readonly ready: true; readonly endpoint: WebhookEndpointRow; readonly secrets: string[] }
  | { readonly ready: false; readonly error: string; readonly final: boolean };

/** The secrets to sign with, or why Flint (not the endpoint) cannot send now. */
function readiness(
  box: SecretBox | null,
  endpoint: WebhookEndpointRow | undefined,
  now: Date,
): Readiness {
  if (!endpoint || endpoint.deleted_at !== null) {
    return { ready: false, error: 'endpoint deleted', final: true };
  }
  if (endpoint.status === 'disabled') {
    return { ready: false, error: 'endpoint disabled', final: true };
  }
  if (!box) {
    const error = 'FLINT_ENCRYPTION_KEY is not set: the signing secret cannot be opened';
    return { ready: false, error, final: false };
  }
  try {
    return { ready: true, endpoint, secrets: signingSecrets(box, endpoint, now) };
  } catch {
    const error = 'the signing secret does not open with FLINT_ENCRYPTION_KEY';
    return { ready: false, error, final: false };
  }
}

const NO_ANSWER = { status: null, body: null, retryAfter: null } as const;

/**
 * Makes one attempt of a claimed delivery — signed with every valid secret, `webhook-id`
 * the event's id on every attempt — and records its outcome and the next one's time.
 * Runs outside any transaction: nothing is locked while the endpoint answers.
 */
/** What sends a webhook delivery: the endpoint secrets' box, the transport, the retry policy. */
export interface DeliverySender {
  readonly deps: Deps;
  readonly box: SecretBox | null;
  readonly transport: WebhookTransport;
  readonly policy: DeliveryPolicy;
}

export async function attemptDelivery(
  sender: DeliverySender,
  claimed: ClaimedDelivery,
): Promise<void> {
  const { deps, box, transport, policy } = sender;
  const startedAt = deps.clock.now();
  const check = readiness(box, claimed.endpoint, startedAt);
  if (!check.ready) {
    const url = claimed.endpoint?.url ?? '';
    return recordAttempt(sender, {
      delivery: claimed.delivery,
      outcome: {
        ...NO_ANSWER,
        url,
        startedAt,
        durationMs: 0,
        error: check.error,
        byEndpoint: false,
        final: check.final,
      },
    });
  }
  const { endpoint, secrets } = check;
  const payload = JSON.stringify(eventResource(claimed.event));
  const headers = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    ...signatureHeaders(claimed.event.id, startedAt, payload, secrets),
  };
  const began = performance.now();
  const result = await transport.send({
    url: endpoint.url,
    mode: endpoint.mode,
    headers,
    body: payload,
    timeoutMs: policy.timeoutMs,
  });
  const sent = {
    url: endpoint.url,
    startedAt,
    durationMs: Math.round(performance.now() - began),
    byEndpoint: true,
    final: false,
  };
  const redirected = result.ok && result.status >= 300 && result.status < 400;
  await recordAttempt(sender, {
    delivery: claimed.delivery,
    outcome: result.ok
      ? {
          ...sent,
          status: result.status,
          body: result.body,
          retryAfter: result.retryAfter,
          error: redirected ? 'redirects are not followed' : null,
        }
      : { ...sent, ...NO_ANSWER, error: result.error },
  });
}
